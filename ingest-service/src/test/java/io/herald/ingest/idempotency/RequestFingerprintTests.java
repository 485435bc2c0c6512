package io.herald.ingest.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.herald.contracts.Json;

class RequestFingerprintTests {

    @Test
    void shouldMatchTheSameRequestWithReorderedFieldsAndOtherSpacing() {
        assertThat(RequestFingerprint.of("POST /v1/events", json("{\"type\":\"a.b\",\"data\":{\"x\":1,\"y\":[1,2]}}")))
                .isEqualTo(RequestFingerprint.of("POST /v1/events",
                        json(" { \"data\" : { \"y\" : [1, 2], \"x\" : 1 }, \"type\" : \"a.b\" } ")))
                .hasSize(64);
    }

    @Test
    void shouldDifferForAnyOtherValueOrOperation() {
        String base = RequestFingerprint.of("POST /v1/events", json("{\"type\":\"a.b\",\"data\":{\"x\":1}}"));
        assertThat(RequestFingerprint.of("POST /v1/events", json("{\"type\":\"a.b\",\"data\":{\"x\":2}}")))
                .isNotEqualTo(base);
        assertThat(RequestFingerprint.of("POST /v1/events", json("{\"type\":\"a.b\",\"data\":{\"x\":\"1\"}}")))
                .isNotEqualTo(base);
        assertThat(RequestFingerprint.of("POST /v1/events/batch", json("{\"type\":\"a.b\",\"data\":{\"x\":1}}")))
                .isNotEqualTo(base);
        assertThat(RequestFingerprint.of("POST /v1/events", json("[2,1]")))
                .isNotEqualTo(RequestFingerprint.of("POST /v1/events", json("[1,2]")));
    }

    @Test
    void shouldWriteCanonicalJsonWithSortedKeysAndEscapes() {
        assertThat(RequestFingerprint.canonical(json("{\"b\":{\"d\":null,\"c\":true},\"a\":\"q\\\"\\n\"}")))
                .isEqualTo("{\"a\":\"q\\\"\\n\",\"b\":{\"c\":true,\"d\":null}}");
    }

    private static JsonNode json(String text) {
        return Json.read(text, JsonNode.class);
    }
}
