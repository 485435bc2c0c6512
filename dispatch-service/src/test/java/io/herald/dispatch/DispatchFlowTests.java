package io.herald.dispatch;

import static io.herald.dispatch.Fixtures.endpoint;
import static io.herald.dispatch.Fixtures.event;
import static io.herald.dispatch.Fixtures.secret;
import static io.herald.dispatch.Fixtures.tenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.herald.contracts.WebhookHeaders;
import io.herald.contracts.messages.AttemptMessage;
import io.herald.contracts.messages.AttemptOutcome;
import io.herald.contracts.messages.DeliveryMessage;
import io.herald.contracts.messages.EndpointSecret;
import io.herald.contracts.messages.EndpointState;
import io.herald.contracts.messages.EventMessage;
import io.herald.contracts.messages.WebhookPayload;
import io.herald.contracts.signing.WebhookVerificationException;
import io.herald.contracts.signing.WebhookVerifier;
import io.herald.testing.KafkaTestResource;
import io.herald.testing.WebhookReceiver.Received;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Events on the real broker become signed webhooks at a real HTTP receiver, and attempt records on Kafka. */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
class DispatchFlowTests extends DeliveryTestBase {

    static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void shouldDeliverTheRenderedPayloadSignedWithTheEndpointSecret() throws Exception {
        String secret = secret();
        EndpointState endpoint = register(endpoint(tenant(), receiver.url("/hook"), List.of("order.*"), secret));
        EventMessage event = event(endpoint.tenant(), "order.created");

        kafka.publishEvent(event);

        Received received = receiver.await(1, TIMEOUT).get(0);
        assertThat(received.method()).isEqualTo("POST");
        assertThat(received.path()).isEqualTo("/hook");
        assertThat(received.body()).isEqualTo(WebhookPayload.render(event));
        assertThat(received.header("content-type")).isEqualTo("application/json");
        assertThat(received.header(WebhookHeaders.ID)).isEqualTo(event.id());
        assertThat(Long.parseLong(received.header(WebhookHeaders.TIMESTAMP))).isCloseTo(Instant.now().getEpochSecond(),
                org.assertj.core.data.Offset.offset(60L));
        assertThatCode(() -> WebhookVerifier.of(secret).verify(received.body(), received.headers()))
                .doesNotThrowAnyException();
    }

    @Test
    void shouldRecordASucceededAttemptWithTheStatusCode() throws Exception {
        EndpointState endpoint = register(endpoint(tenant(), receiver.url("/hook"), List.of("order.*"), secret()));
        EventMessage event = event(endpoint.tenant(), "order.shipped");

        kafka.publishEvent(event);

        AttemptMessage attempt = kafka.awaitAttempt(DeliveryMessage.deliveryId(event.id(), endpoint.id()), TIMEOUT);
        assertThat(attempt.outcome()).isEqualTo(AttemptOutcome.SUCCEEDED);
        assertThat(attempt.statusCode()).isEqualTo(204);
        assertThat(attempt.attempt()).isEqualTo(1);
        assertThat(attempt.id()).isEqualTo(AttemptMessage.attemptId(attempt.deliveryId(), 1));
        assertThat(attempt.webhookId()).isEqualTo(event.id());
        assertThat(attempt.tenant()).isEqualTo(endpoint.tenant());
        assertThat(attempt.endpointId()).isEqualTo(endpoint.id());
        assertThat(attempt.eventType()).isEqualTo("order.shipped");
        assertThat(attempt.error()).isNull();
        assertThat(receiver.received()).hasSize(1);
    }

    @Test
    void shouldNotDeliverEventsOfOtherTypesOrOtherTenants() throws Exception {
        EndpointState endpoint = register(endpoint(tenant(), receiver.url("/hook"), List.of("order.*"), secret()));
        // One ordering key: one partition, fanned out in order, so the barrier comes after the other two.
        String key = UUID.randomUUID().toString();
        EventMessage otherType = event(endpoint.tenant(), "invoice.paid", key);
        EventMessage otherTenant = event(tenant(), "order.created", key);
        EventMessage barrier = event(endpoint.tenant(), "order.created", key);

        kafka.publishEvent(otherType);
        kafka.publishEvent(otherTenant);
        kafka.publishEvent(barrier);

        receiver.await(1, TIMEOUT);
        assertThat(receiver.received()).extracting(r -> r.header(WebhookHeaders.ID)).containsExactly(barrier.id());
        assertThat(kafka.deliveries(d -> d.endpointId().equals(endpoint.id()))).extracting(DeliveryMessage::eventId)
                .containsExactly(barrier.id());
    }

    @Test
    void shouldStopDeliveringToAnEndpointAfterItsTombstone() throws Exception {
        String tenant = tenant();
        EndpointState deleted = register(endpoint(tenant, receiver.url("/deleted"), List.of("order.*"), secret()));
        EndpointState kept = register(endpoint(tenant, receiver.url("/kept"), List.of("order.*"), secret()));
        String key = UUID.randomUUID().toString();
        EventMessage before = event(tenant, "order.created", key);
        kafka.publishEvent(before);
        receiver.await(2, TIMEOUT);

        kafka.tombstone(deleted.id());
        await("the tombstone is applied").atMost(TIMEOUT).until(() -> table.get(deleted.id()).isEmpty());
        EventMessage after = event(tenant, "order.updated", key);
        EventMessage barrier = event(tenant, "order.closed", key);
        kafka.publishEvent(after);
        kafka.publishEvent(barrier);

        receiver.await(4, TIMEOUT);
        assertThat(receiver.received()).filteredOn(r -> r.path().equals("/deleted"))
                .extracting(r -> r.header(WebhookHeaders.ID)).containsExactly(before.id());
        assertThat(receiver.received()).filteredOn(r -> r.path().equals("/kept"))
                .extracting(r -> r.header(WebhookHeaders.ID)).containsExactly(before.id(), after.id(), barrier.id());
        assertThat(kafka.deliveries(d -> d.endpointId().equals(deleted.id()))).extracting(DeliveryMessage::eventId)
                .containsExactly(before.id());
    }

    @Test
    void shouldSignWithEveryLiveSecretDuringARotation() throws Exception {
        String current = secret();
        String previous = secret();
        String expired = secret();
        EndpointState endpoint = endpoint(tenant(), receiver.url("/hook"), List.of("order.*"), current);
        Instant now = Instant.now();
        register(Fixtures.withSecrets(endpoint,
                List.of(new EndpointSecret(current, null), new EndpointSecret(previous, now.plusSeconds(3600)),
                        new EndpointSecret(expired, now.minusSeconds(60)))));
        EventMessage event = event(endpoint.tenant(), "order.created");

        kafka.publishEvent(event);

        Received received = receiver.await(1, TIMEOUT).get(0);
        String[] signatures = received.header(WebhookHeaders.SIGNATURE).split(" ");
        assertThat(signatures).hasSize(2).allSatisfy(s -> assertThat(s).startsWith("v1,"));
        assertThat(signatures[0]).isNotEqualTo(signatures[1]);
        assertThatCode(() -> WebhookVerifier.of(current).verify(received.body(), received.headers()))
                .doesNotThrowAnyException();
        assertThatCode(() -> WebhookVerifier.of(previous).verify(received.body(), received.headers()))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> WebhookVerifier.of(expired).verify(received.body(), received.headers()))
                .isInstanceOf(WebhookVerificationException.class);
        for (String signature : signatures) {
            Map<String, String> single = new HashMap<>(received.headers());
            single.put(WebhookHeaders.SIGNATURE, signature);
            assertThatCode(() -> WebhookVerifier.of(current, previous).verify(received.body(), single))
                    .doesNotThrowAnyException();
        }
    }

    @Test
    void shouldSendTheEndpointsCustomHeadersButNeverLetThemReplaceTheSignature() throws Exception {
        String secret = secret();
        EndpointState endpoint = register(endpoint(tenant(), receiver.url("/hook"), List.of("order.*"), secret)
                .withDeliveryOptions(Map.of("X-Team", "payments", "Authorization", "Bearer abc",
                        WebhookHeaders.SIGNATURE, "v1,forged"), null, null));
        EventMessage event = event(endpoint.tenant(), "order.created");

        kafka.publishEvent(event);

        Received received = receiver.await(1, TIMEOUT).get(0);
        assertThat(received.header("x-team")).isEqualTo("payments");
        assertThat(received.header("authorization")).isEqualTo("Bearer abc");
        assertThat(received.header(WebhookHeaders.SIGNATURE)).isNotEqualTo("v1,forged");
        assertThatCode(() -> WebhookVerifier.of(secret).verify(received.body(), received.headers()))
                .doesNotThrowAnyException();
    }

}
