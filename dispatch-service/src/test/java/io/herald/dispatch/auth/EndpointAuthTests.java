package io.herald.dispatch.auth;

import static io.herald.dispatch.Fixtures.endpoint;
import static io.herald.dispatch.Fixtures.event;
import static io.herald.dispatch.Fixtures.secret;
import static io.herald.dispatch.Fixtures.tenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.herald.contracts.Topics;
import io.herald.contracts.messages.AttemptMessage;
import io.herald.contracts.messages.AttemptOutcome;
import io.herald.contracts.messages.DeadLetterMessage;
import io.herald.contracts.messages.DeadLetterReason;
import io.herald.contracts.messages.DeliveryMessage;
import io.herald.contracts.messages.EndpointAuth;
import io.herald.contracts.messages.EndpointState;
import io.herald.contracts.messages.EventMessage;
import io.herald.dispatch.DeliveryTestBase;
import io.herald.dispatch.guard.EndpointBreakers;
import io.herald.testing.KafkaTestResource;
import io.herald.testing.WebhookReceiver;
import io.herald.testing.WebhookReceiver.Received;
import io.herald.testing.WebhookReceiver.Reply;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Deliveries with the credentials of their endpoint: bearer and basic headers, and OAuth 2.0 client-credentials tokens
 * from a token server on 127.0.0.1 (requested once and cached, requested anew once on a 401, a failure of the token
 * endpoint retried like a failed delivery and counted by the endpoint's breaker, a token URL the egress policy refuses
 * never connected to).
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
class EndpointAuthTests extends DeliveryTestBase {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Inject
    EndpointBreakers breakers;

    @Test
    void shouldSendABearerTokenAndBasicCredentials() throws Exception {
        String tenant = tenant();
        register(endpoint(tenant, receiver.url("/bearer"), List.of("order.*"), secret())
                .withAuth(EndpointAuth.bearer("t0ken-for-receiver")));
        register(endpoint(tenant, receiver.url("/basic"), List.of("order.*"), secret())
                .withAuth(EndpointAuth.basic("herald", "pa:ss word")));

        kafka.publishEvent(event(tenant, "order.created"));
        List<Received> received = receiver.await(2, TIMEOUT);

        assertThat(byPath(received, "/bearer").header("Authorization")).isEqualTo("Bearer t0ken-for-receiver");
        assertThat(byPath(received, "/basic").header("Authorization")).isEqualTo(
                "Basic " + Base64.getEncoder().encodeToString("herald:pa:ss word".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void shouldRequestAnOAuth2TokenOnceForManyDeliveriesAndAgainWhenItExpires() throws Exception {
        try (WebhookReceiver tokens = tokenServer(2)) {
            String tenant = tenant();
            register(endpoint(tenant, receiver.url("/oauth2"), List.of("order.*"), secret())
                    .withAuth(EndpointAuth.oauth2(tokens.url("/token"), "client id", "s3cret&", "webhooks read")));

            for (int i = 0; i < 5; i++) {
                kafka.publishEvent(event(tenant, "order.created"));
            }
            List<Received> first = receiver.await(5, TIMEOUT);
            assertThat(first).extracting(r -> r.header("Authorization")).containsOnly("Bearer token-1");
            assertThat(tokens.received()).hasSize(1);
            Received request = tokens.received().get(0);
            assertThat(request.header("Authorization")).isEqualTo("Basic "
                    + Base64.getEncoder().encodeToString("client+id:s3cret%26".getBytes(StandardCharsets.UTF_8)));
            assertThat(request.header("Content-Type")).isEqualTo("application/x-www-form-urlencoded");
            assertThat(request.body()).isEqualTo("grant_type=client_credentials&scope=webhooks+read");

            // The token lives 2 s and is renewed a tenth of that before: past it, a new one.
            Thread.sleep(2_000);
            kafka.publishEvent(event(tenant, "order.created"));
            List<Received> later = receiver.await(6, TIMEOUT);
            assertThat(later.get(5).header("Authorization")).isEqualTo("Bearer token-2");
            assertThat(tokens.received()).hasSize(2);
        }
    }

    @Test
    void shouldRequestANewTokenOnceWhenTheEndpointAnswers401() throws Exception {
        try (WebhookReceiver tokens = tokenServer(3600)) {
            receiver.respond(
                    r -> "Bearer token-1".equals(r.header("Authorization")) ? Reply.status(401) : Reply.status(204));
            String tenant = tenant();
            EndpointState endpoint = register(endpoint(tenant, receiver.url("/revoked"), List.of("order.*"), secret())
                    .withAuth(EndpointAuth.oauth2(tokens.url("/token"), "c", "s", null)));

            EventMessage event = event(tenant, "order.created");
            kafka.publishEvent(event);
            AttemptMessage attempt = kafka.awaitAttempt(DeliveryMessage.deliveryId(event.id(), endpoint.id()), TIMEOUT);

            assertThat(attempt.outcome()).isEqualTo(AttemptOutcome.SUCCEEDED);
            assertThat(attempt.attempt()).isEqualTo(1);
            assertThat(receiver.received()).extracting(r -> r.header("Authorization")).containsExactly("Bearer token-1",
                    "Bearer token-2");
            assertThat(tokens.received()).hasSize(2);
            assertThat(tokens.received().get(0).body()).isEqualTo("grant_type=client_credentials");
        }
    }

    @Test
    void shouldRetryADeliveryWhoseTokenRequestFailedLikeAFailedRequest() throws Exception {
        try (WebhookReceiver tokens = WebhookReceiver.start()) {
            AtomicInteger asked = new AtomicInteger();
            tokens.respond(r -> asked.incrementAndGet() == 1 ? Reply.status(500)
                    : Reply.status(200, Map.of("Content-Type", "application/json"),
                            "{\"access_token\":\"late-token\",\"token_type\":\"Bearer\",\"expires_in\":3600}"));
            String tenant = tenant();
            EndpointState endpoint = register(endpoint(tenant, receiver.url("/late"), List.of("order.*"), secret())
                    .withAuth(EndpointAuth.oauth2(tokens.url("/token"), "c", "s", null)));

            EventMessage event = event(tenant, "order.created");
            kafka.publishEvent(event);
            List<AttemptMessage> attempts = kafka.awaitAttempts(DeliveryMessage.deliveryId(event.id(), endpoint.id()),
                    2, TIMEOUT);

            assertThat(attempts.get(0).outcome()).isEqualTo(AttemptOutcome.RETRY_SCHEDULED);
            assertThat(attempts.get(0).error()).contains("OAuth2 token request to 127.0.0.1 failed", "HTTP 500");
            assertThat(attempts.get(1).outcome()).isEqualTo(AttemptOutcome.SUCCEEDED);
            assertThat(receiver.received()).extracting(r -> r.header("Authorization"))
                    .containsExactly("Bearer late-token");
        }
    }

    @Test
    void shouldOpenTheEndpointsBreakerWhenItsTokenEndpointKeepsFailing() throws Exception {
        try (WebhookReceiver tokens = WebhookReceiver.start()) {
            tokens.respond(r -> Reply.status(500));
            String tenant = tenant();
            // Three tries in all: the third failed token request is the test profile's third failure in a row.
            EndpointState endpoint = register(
                    endpoint(tenant, receiver.url("/broken-idp"), List.of("order.*"), secret())
                            .withAuth(EndpointAuth.oauth2(tokens.url("/token"), "c", "s", null))
                            .withDeliveryOptions(null, null, List.of(100L, 100L)));

            EventMessage first = event(tenant, "order.created");
            kafka.publishEvent(first);
            List<AttemptMessage> attempts = kafka.awaitAttempts(DeliveryMessage.deliveryId(first.id(), endpoint.id()),
                    3, TIMEOUT);
            assertThat(attempts).extracting(AttemptMessage::error)
                    .allSatisfy(error -> assertThat(error).contains("OAuth2 token request", "HTTP 500"));
            await("the breaker opens").atMost(TIMEOUT)
                    .until(() -> breakers.state(endpoint.id()) == CircuitBreaker.State.OPEN);

            EventMessage later = event(tenant, "order.created");
            String laterId = DeliveryMessage.deliveryId(later.id(), endpoint.id());
            kafka.publishEvent(later);

            DeliveryMessage postponed = kafka
                    .await(Topics.retryTier("5s"), DeliveryMessage.class, d -> d.id().equals(laterId), 1, TIMEOUT)
                    .get(0);
            assertThat(postponed.postponements()).as("postponed by the open breaker").isEqualTo(1);
            assertThat(postponed.attempts()).isZero();
            // Once the breaker lets a probe through (the postponed delivery's notBefore), a fourth token request may
            // come; before it, only the three failed tries asked for one.
            assertThat(tokens.received()).filteredOn(r -> r.at().isBefore(postponed.notBefore()))
                    .as("token requests before the breaker let a probe through").hasSize(3);
            assertThat(receiver.received()).isEmpty();
        }
    }

    @Test
    void shouldNeverConnectToATokenUrlTheEgressPolicyRefuses() throws Exception {
        String tenant = tenant();
        EndpointState endpoint = register(endpoint(tenant, receiver.url("/metadata"), List.of("order.*"), secret())
                .withAuth(EndpointAuth.oauth2("http://169.254.169.254/latest/token", "c", "s", null)));

        EventMessage event = event(tenant, "order.created");
        kafka.publishEvent(event);
        String deliveryId = DeliveryMessage.deliveryId(event.id(), endpoint.id());
        AttemptMessage attempt = kafka.awaitAttempt(deliveryId, TIMEOUT);
        List<DeadLetterMessage> dead = kafka.await(Topics.DLQ, DeadLetterMessage.class,
                d -> d.delivery().id().equals(deliveryId), 1, TIMEOUT);

        assertThat(attempt.outcome()).isEqualTo(AttemptOutcome.DROPPED);
        assertThat(attempt.error()).contains("egress", "169.254.169.254");
        assertThat(dead.get(0).reason()).isEqualTo(DeadLetterReason.EGRESS_REFUSED);
        assertThat(receiver.received()).isEmpty();
    }

    /** A token endpoint on 127.0.0.1 issuing token-1, token-2, ... valid for {@code lifetimeSeconds}. */
    private static WebhookReceiver tokenServer(int lifetimeSeconds) {
        WebhookReceiver tokens = WebhookReceiver.start();
        AtomicInteger issued = new AtomicInteger();
        tokens.respond(r -> Reply.status(200, Map.of("Content-Type", "application/json"),
                "{\"access_token\":\"token-" + issued.incrementAndGet() + "\",\"token_type\":\"Bearer\","
                        + "\"expires_in\":" + lifetimeSeconds + "}"));
        return tokens;
    }

    private static Received byPath(List<Received> received, String path) {
        return new ArrayList<>(received).stream().filter(r -> r.path().equals(path)).findFirst().orElseThrow();
    }
}
