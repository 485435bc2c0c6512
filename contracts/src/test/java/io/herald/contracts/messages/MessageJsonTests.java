package io.herald.contracts.messages;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.herald.contracts.Json;

class MessageJsonTests {

    private static final Instant T = Instant.parse("2026-11-22T10:15:30.123Z");
    private static final JsonNode DATA = Json.read("{\"order\":42,\"lines\":[{\"sku\":\"a\"}],\"x\":null}",
            JsonNode.class);
    private static final EventMessage EVENT = EventMessage.of("evt_1", "acme", "order.created", DATA, "order-42", T,
            T.plusSeconds(1));

    @Test
    void shouldRoundTripAnEvent() {
        assertRoundTrip(EVENT, EventMessage.class);
        assertThat(Json.write(EVENT)).contains("\"schemaVersion\":1")
                .contains("\"occurredAt\":\"2026-11-22T10:15:30.123Z\"");
    }

    @Test
    void shouldRoundTripAnEndpointState() {
        assertRoundTrip(
                EndpointState.of("ep_1", "acme", "https://example.com/hook", List.of("order.*"), true,
                        List.of(new EndpointSecret("whsec_abc=", null), new EndpointSecret("whsec_old=", T)), 3, T),
                EndpointState.class);
    }

    @Test
    void shouldRoundTripAnEndpointStateWithDeliveryOptions() {
        assertRoundTrip(
                EndpointState
                        .of("ep_2", "acme", "https://example.com/hook", List.of("*"), true,
                                List.of(new EndpointSecret("whsec_abc=", null)), 1, T)
                        .withDeliveryOptions(Map.of("X-Team", "payments"), 10, List.of(5_000L, 300_000L)),
                EndpointState.class);
    }

    @Test
    void shouldRoundTripADelivery() {
        DeliveryMessage delivery = DeliveryMessage.first(EVENT, "ep_1", WebhookPayload.render(EVENT), T);
        assertRoundTrip(delivery, DeliveryMessage.class);
        assertRoundTrip(delivery.retryAt(T.plusSeconds(5)), DeliveryMessage.class);
        assertRoundTrip(delivery.retryAt(T.plusSeconds(5)).withFailingSince(T.minusSeconds(60)), DeliveryMessage.class);
        assertThat(Json.write(delivery)).doesNotContain("failingSince");
    }

    @Test
    void shouldReadADeliveryWrittenBeforeFailingSinceExisted() {
        String older = "{\"schemaVersion\":1,\"id\":\"evt_1.ep_1\",\"webhookId\":\"evt_1\",\"tenant\":\"acme\","
                + "\"endpointId\":\"ep_1\",\"eventId\":\"evt_1\",\"eventType\":\"order.created\",\"payload\":\"{}\","
                + "\"attempts\":2,\"createdAt\":\"2026-11-22T10:15:30.123Z\",\"notBefore\":\"2026-11-22T10:16:30Z\"}";

        DeliveryMessage delivery = Json.read(older, DeliveryMessage.class);

        assertThat(delivery.attempts()).isEqualTo(2);
        assertThat(delivery.notBefore()).isEqualTo(Instant.parse("2026-11-22T10:16:30Z"));
        assertThat(delivery.failingSince()).isNull();
    }

    @Test
    void shouldKeepTheFailingSinceStampAcrossRetries() {
        DeliveryMessage stamped = DeliveryMessage.first(EVENT, "ep_1", "{}", T).withFailingSince(T.minusSeconds(60));

        assertThat(stamped.retryAt(T.plusSeconds(5)).failingSince()).isEqualTo(T.minusSeconds(60));
        assertThat(stamped.postponedTo(T.plusSeconds(5), T)).satisfies(d -> {
            assertThat(d.failingSince()).isEqualTo(T.minusSeconds(60));
            assertThat(d.attempts()).isZero();
            assertThat(d.notBefore()).isEqualTo(T.plusSeconds(5));
        });
    }

    @Test
    void shouldCountPostponementsFromTheFirstUntilTheNextAttempt() {
        DeliveryMessage once = DeliveryMessage.first(EVENT, "ep_1", "{}", T).postponedTo(T.plusSeconds(1), T);
        DeliveryMessage twice = once.postponedTo(T.plusSeconds(3), T.plusSeconds(1));

        assertThat(twice.postponements()).isEqualTo(2);
        assertThat(twice.postponedSince()).isEqualTo(T);
        assertThat(twice.dueAt(T.plusSeconds(9))).satisfies(d -> {
            assertThat(d.postponements()).isEqualTo(2);
            assertThat(d.postponedSince()).isEqualTo(T);
        });
        assertThat(twice.retryAt(T.plusSeconds(5))).satisfies(d -> {
            assertThat(d.postponements()).isZero();
            assertThat(d.postponedSince()).isNull();
        });
        assertRoundTrip(twice, DeliveryMessage.class);
    }

    @Test
    void shouldReadADeadLetterWithoutAReasonAsExhausted() {
        DeliveryMessage delivery = DeliveryMessage.first(EVENT, "ep_1", "{}", T);
        String older = Json
                .write(new DeadLetterMessage(DeadLetterMessage.SCHEMA_VERSION, delivery, 503, "HTTP 503", T, null));

        assertThat(Json.read(older, DeadLetterMessage.class).reasonOrDefault()).isEqualTo(DeadLetterReason.EXHAUSTED);
    }

    @Test
    void shouldRoundTripAnAttempt() {
        assertRoundTrip(new AttemptMessage(AttemptMessage.SCHEMA_VERSION, "d.1", "d", "evt_1", "acme", "ep_1", "evt_1",
                "order.created", 1, AttemptOutcome.RETRY_SCHEDULED, 503, 120, "HTTP 503", "busy", T, T.plusSeconds(5)),
                AttemptMessage.class);
    }

    @Test
    void shouldRoundTripADeadLetter() {
        DeliveryMessage delivery = DeliveryMessage.first(EVENT, "ep_1", WebhookPayload.render(EVENT), T);
        assertRoundTrip(new DeadLetterMessage(DeadLetterMessage.SCHEMA_VERSION, delivery, null, "connect timeout", T),
                DeadLetterMessage.class);
        assertRoundTrip(new DeadLetterMessage(DeadLetterMessage.SCHEMA_VERSION, delivery, null, "disabled", T,
                DeadLetterReason.ENDPOINT_DISABLED), DeadLetterMessage.class);
    }

    @Test
    void shouldIgnoreFieldsAddedByANewerSchema() {
        String newer = "{\"schemaVersion\":2,\"id\":\"evt_2\",\"tenant\":\"t\",\"type\":\"a.b\",\"data\":{},"
                + "\"priority\":\"high\",\"occurredAt\":\"2026-11-22T10:15:30Z\"}";

        EventMessage event = Json.read(newer, EventMessage.class);

        assertThat(event.id()).isEqualTo("evt_2");
        assertThat(event.schemaVersion()).isEqualTo(2);
    }

    @Test
    void shouldReadAnOutcomeItDoesNotKnowAsNull() {
        String newer = "{\"schemaVersion\":1,\"id\":\"d.1\",\"attempt\":1,\"outcome\":\"SOMETHING_NEW\"}";

        assertThat(Json.read(newer, AttemptMessage.class).outcome()).isNull();
    }

    @Test
    void shouldKeyEventsByOrderingKeyElseId() {
        assertThat(EVENT.kafkaKey()).isEqualTo("order-42");
        assertThat(EventMessage.of("evt_9", "t", "a.b", DATA, null, T, T).kafkaKey()).isEqualTo("evt_9");
    }

    @Test
    void shouldRenderTheStandardWebhooksPayloadShape() {
        JsonNode payload = Json.read(WebhookPayload.render(EVENT), JsonNode.class);

        assertThat(payload.get("type").asText()).isEqualTo("order.created");
        assertThat(payload.get("timestamp").asText()).isEqualTo("2026-11-22T10:15:30.123Z");
        assertThat(payload.get("data")).isEqualTo(DATA);
    }

    private static <T> void assertRoundTrip(T message, Class<T> type) {
        assertThat(Json.read(Json.write(message), type)).isEqualTo(message);
    }
}
