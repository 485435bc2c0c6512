package io.herald.contracts.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import io.herald.contracts.Json;
import io.herald.contracts.messages.EventMessage;
import io.herald.contracts.messages.WebhookPayload;

class ExactNumbersTests {

    private static final String DATA = "{\"a\":0.1000000000000000000001,\"b\":1.50,\"c\":1e400,\"d\":-0,\"e\":1E-7,"
            + "\"f\":123456789012345678901234567890,\"g\":-2.5e+3,\"h\":[0.30000000000000004,1.0,{\"i\":7}],"
            + "\"j\":\"1e400\",\"k\":null,\"l\":true,\"m\":42,\"n\":-9007199254740993}";

    @Test
    void shouldWriteEveryNumberOfATreeBackExactlyAsItWasWritten() throws JsonProcessingException {
        JsonNode tree = Json.mapper().readTree(DATA);

        assertThat(Json.write(tree)).isEqualTo(DATA);
        assertThat(tree.get("a").decimalValue()).isEqualByComparingTo(new BigDecimal("0.1000000000000000000001"));
        assertThat(tree.get("a").isNumber()).isTrue();
        assertThat(tree.get("c").asText()).isEqualTo("1e400");
        assertThat(tree.get("m").isInt()).isTrue();
    }

    @Test
    void shouldDeliverTheProducersNumbersThroughTheEventRecordUnchanged() {
        EventMessage event = EventMessage.of("evt_1", "acme", "order.created", Json.read(DATA, JsonNode.class), null,
                Instant.EPOCH, Instant.EPOCH);

        // ingest writes the record, dispatch reads it back and renders the webhook body.
        EventMessage consumed = Json.read(Json.write(event), EventMessage.class);
        String body = WebhookPayload.render(consumed);

        assertThat(body).contains("\"data\":" + DATA + "}").doesNotContain("Infinity");
    }

    @Test
    void shouldRefuseANumberItCannotKeepExactly() {
        assertThatThrownBy(() -> Json.mapper().readTree("{\"x\":1e99999999999}"))
                .isInstanceOf(JsonProcessingException.class);
    }
}
