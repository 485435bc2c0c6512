package io.herald.dispatch.routing;

import static io.herald.dispatch.Fixtures.endpoint;
import static io.herald.dispatch.Fixtures.event;
import static io.herald.dispatch.Fixtures.secret;
import static io.herald.dispatch.Fixtures.tenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.herald.contracts.messages.EndpointSecret;
import io.herald.contracts.messages.EndpointState;
import io.herald.contracts.messages.EventMessage;
import io.herald.contracts.secrets.Keyring;
import io.herald.contracts.signing.WebhookVerifier;
import io.herald.dispatch.DeliveryTestBase;
import io.herald.testing.KafkaTestResource;
import io.herald.testing.WebhookReceiver.Received;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Dispatch opens the sealed secrets and header values of {@code herald.endpoints} with its keyring and signs with them;
 * a state in clear or sealed under a key id it does not hold is refused, never used.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
class SealedEndpointStateTests extends DeliveryTestBase {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void shouldSignWithTheOpenedSecretAndSendTheOpenedHeaderValue() throws Exception {
        String secret = secret();
        EndpointState endpoint = register(endpoint(tenant(), receiver.url("/sealed"), List.of("order.*"), secret)
                .withDeliveryOptions(Map.of("Authorization", "Bearer receiver-token"), null, null));
        EventMessage event = event(endpoint.tenant(), "order.created");

        kafka.publishEvent(event);

        Received received = receiver.await(1, TIMEOUT).get(0);
        assertThat(received.header("authorization")).isEqualTo("Bearer receiver-token");
        assertThatCode(() -> WebhookVerifier.of(secret).verify(received.body(), received.headers()))
                .doesNotThrowAnyException();
    }

    @Test
    void shouldRefuseAStateInClearOrUnderAnUnknownKeyAndKeepTheLastGoodOne() {
        String secret = secret();
        EndpointState first = register(endpoint(tenant(), receiver.url("/kept"), List.of("*"), secret));
        byte[] otherKey = new byte[32];
        Arrays.fill(otherKey, (byte) 42);
        // Higher versions than the good state that follows: had either been taken, the table would hold it and ignore
        // version 5 as stale.
        EndpointState inClear = bump(first, 10, "whsec_" + Base64.getEncoder().encodeToString(new byte[24]));
        EndpointState underUnknownKey = bump(first, 11, secret())
                .sealed(Keyring.parse("gone:" + Base64.getEncoder().encodeToString(otherKey), "test"));
        EndpointState good = bump(first, 5, secret);

        kafka.publishEndpointAsIs(inClear);
        kafka.publishEndpointAsIs(underUnknownKey);
        kafka.publishEndpoint(good);

        await("version 5 is in the routing table").atMost(TIMEOUT)
                .until(() -> table.get(first.id()).map(e -> e.version() == 5).orElse(false));
        assertThat(table.get(first.id()).orElseThrow().secrets()).isEqualTo(good.secrets());
    }

    private static EndpointState bump(EndpointState state, long version, String secret) {
        return new EndpointState(state.schemaVersion(), state.id(), state.tenant(), state.url(), state.eventTypes(),
                state.enabled(), List.of(new EndpointSecret(secret, null)), version, state.updatedAt(), state.headers(),
                state.rateLimitPerSecond(), state.retryScheduleMs(), state.filter(), state.ordered(), state.auth());
    }
}
