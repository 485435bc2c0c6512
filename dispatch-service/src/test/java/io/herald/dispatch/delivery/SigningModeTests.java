package io.herald.dispatch.delivery;

import static io.herald.dispatch.Fixtures.endpoint;
import static io.herald.dispatch.Fixtures.event;
import static io.herald.dispatch.Fixtures.secret;
import static io.herald.dispatch.Fixtures.tenant;
import static io.herald.dispatch.Fixtures.withSecrets;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.herald.contracts.WebhookHeaders;
import io.herald.contracts.messages.EndpointSecret;
import io.herald.contracts.messages.EndpointState;
import io.herald.contracts.messages.EventMessage;
import io.herald.contracts.signing.WebhookSecret;
import io.herald.contracts.signing.WebhookVerificationException;
import io.herald.contracts.signing.WebhookVerifier;
import io.herald.dispatch.DeliveryTestBase;
import io.herald.testing.KafkaTestResource;
import io.herald.testing.WebhookReceiver.Received;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Standard Webhooks asymmetric signing ({@code v1a}, Ed25519): subscription publishes a {@code v1a} endpoint with its
 * {@code whsk_} private key in {@code EndpointState.secrets}, dispatch signs with it as with any key, and the
 * subscriber verifies with the {@code whpk_} public key alone.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
class SigningModeTests extends DeliveryTestBase {

    static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void shouldSignAV1aEndpointsDeliveryThatVerifiesWithItsPublicKeyOnly() throws Exception {
        WebhookSecret privateKey = WebhookSecret.generateEd25519();
        String publicKey = privateKey.verificationKey().encoded();
        EndpointState endpoint = register(
                endpoint(tenant(), receiver.url("/v1a"), List.of("order.*"), privateKey.encoded()));
        EventMessage event = event(endpoint.tenant(), "order.created");

        kafka.publishEvent(event);

        Received received = receiver.await(1, TIMEOUT).get(0);
        assertThat(received.header(WebhookHeaders.SIGNATURE)).startsWith("v1a,").doesNotContain(" ");
        assertThat(received.header(WebhookHeaders.ID)).isEqualTo(event.id());
        assertThatCode(() -> WebhookVerifier.of(publicKey).verify(received.body(), received.headers()))
                .doesNotThrowAnyException();
        String anotherKey = WebhookSecret.generateEd25519().verificationKey().encoded();
        assertThatThrownBy(() -> WebhookVerifier.of(anotherKey).verify(received.body(), received.headers()))
                .isInstanceOf(WebhookVerificationException.class);
        assertThatThrownBy(() -> WebhookVerifier.of(publicKey).verify(received.body() + " ", received.headers()))
                .isInstanceOf(WebhookVerificationException.class);
    }

    @Test
    void shouldSignWithBothSchemesWhileAnEndpointSwitchesFromV1ToV1a() throws Exception {
        String hmacSecret = secret();
        WebhookSecret privateKey = WebhookSecret.generateEd25519();
        EndpointState v1 = endpoint(tenant(), receiver.url("/switch"), List.of("order.*"), hmacSecret);
        EndpointState switching = register(withSecrets(v1, List.of(new EndpointSecret(privateKey.encoded(), null),
                new EndpointSecret(hmacSecret, Instant.now().plusSeconds(3600)))));

        kafka.publishEvent(event(switching.tenant(), "order.created"));

        Received received = receiver.await(1, TIMEOUT).get(0);
        String[] signatures = received.header(WebhookHeaders.SIGNATURE).split(" ");
        assertThat(signatures).hasSize(2);
        assertThat(signatures[0]).startsWith("v1a,");
        assertThat(signatures[1]).startsWith("v1,");
        for (String subscriberKey : List.of(hmacSecret, privateKey.verificationKey().encoded())) {
            assertThatCode(() -> WebhookVerifier.of(subscriberKey).verify(received.body(), received.headers()))
                    .as(subscriberKey.substring(0, 5)).doesNotThrowAnyException();
        }
    }
}
