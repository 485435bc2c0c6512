package io.herald.contracts.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.herald.contracts.Json;
import io.herald.contracts.messages.AttemptMessage;
import io.herald.contracts.messages.AttemptOutcome;
import io.herald.contracts.messages.DeliveryMessage;
import io.herald.contracts.messages.EndpointState;

class TraceContextTests {

    /** The example of the W3C Trace Context recommendation. */
    private static final String EXAMPLE = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void shouldReadTheTraceAndSpanIdsOfAValidTraceparent() {
        assertThat(TraceContext.traceId(EXAMPLE)).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(TraceContext.spanId(EXAMPLE)).isEqualTo("00f067aa0ba902b7");
        assertThat(TraceContext.isValid(EXAMPLE)).isTrue();
        // A later version may append fields: the first four still count.
        assertThat(TraceContext.traceId("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra"))
                .isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "garbage", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra" })
    void shouldRefuseWhatIsNotATraceparentOfItsVersion(String value) {
        assertThat(TraceContext.isValid(value)).as(value).isFalse();
        assertThat(TraceContext.traceId(value)).isNull();
    }

    @Test
    void shouldTellATraceIdFromAnythingElse() {
        assertThat(TraceContext.isTraceId("4bf92f3577b34da6a3ce929d0e0e4736")).isTrue();
        assertThat(TraceContext.isTraceId("0".repeat(32))).isFalse();
        assertThat(TraceContext.isTraceId("4bf92f3577b34da6")).isFalse();
        assertThat(TraceContext.isTraceId(null)).isFalse();
    }

    @Test
    void shouldReadRecordsWrittenBeforeTheTraceFieldsAsUntraced() {
        Instant at = Instant.parse("2026-01-02T03:04:05Z");
        DeliveryMessage delivery = Json.read("""
                {"schemaVersion":1,"id":"d","webhookId":"w","tenant":"t","endpointId":"e","eventId":"ev",
                 "eventType":"order.created","payload":"{}","attempts":0,"createdAt":"2026-01-02T03:04:05Z"}""",
                DeliveryMessage.class);
        EndpointState endpoint = EndpointState.of("e", "t", "https://example.com", List.of("*"), true, List.of(), 1,
                at);
        EndpointState readBack = Json.read(Json.write(endpoint).replace(",\"sendTraceparent\":null", ""),
                EndpointState.class);

        assertThat(delivery.traceparent()).isNull();
        assertThat(readBack.sendsTraceparent()).isFalse();
        assertThat(endpoint.withSendTraceparent(true).disabled().sendsTraceparent()).isTrue();
    }

    @Test
    void shouldKeepTheTraceparentOfADeliveryThroughRetriesPostponementsAndTierHops() {
        DeliveryMessage first = new DeliveryMessage(DeliveryMessage.SCHEMA_VERSION, "d", "w", "t", "e", "ev",
                "order.created", "{}", 0, Instant.EPOCH, null).withTraceparent(EXAMPLE);

        DeliveryMessage later = first.retryAt(Instant.EPOCH.plusSeconds(5))
                .postponedTo(Instant.EPOCH.plusSeconds(9), Instant.EPOCH).dueAt(Instant.EPOCH.plusSeconds(10))
                .withFailingSince(Instant.EPOCH);

        assertThat(later.traceparent()).isEqualTo(EXAMPLE);
        assertThat(Json.read(Json.write(later), DeliveryMessage.class)).isEqualTo(later);
        AttemptMessage attempt = new AttemptMessage(AttemptMessage.SCHEMA_VERSION, "d.1", "d", "w", "t", "e", "ev",
                "order.created", 1, AttemptOutcome.SUCCEEDED, 200, 3, null, null, Instant.EPOCH, null,
                TraceContext.traceId(EXAMPLE));
        assertThat(Json.read(Json.write(attempt), AttemptMessage.class).traceId())
                .isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    }
}
