package io.herald.dispatch.auth;

import static io.herald.dispatch.Fixtures.endpoint;
import static io.herald.dispatch.Fixtures.event;
import static io.herald.dispatch.Fixtures.secret;
import static io.herald.dispatch.Fixtures.tenant;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;

import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.herald.contracts.messages.AttemptMessage;
import io.herald.contracts.messages.AttemptOutcome;
import io.herald.contracts.messages.DeliveryMessage;
import io.herald.contracts.messages.EndpointAuth;
import io.herald.contracts.messages.EndpointState;
import io.herald.contracts.messages.EventMessage;
import io.herald.contracts.tls.Pem;
import io.herald.dispatch.DeliveryTestBase;
import io.herald.testing.KafkaTestResource;
import io.herald.testing.WebhookReceiver;
import io.herald.testing.WebhookReceiver.Received;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * An endpoint behind a TLS receiver on 127.0.0.1 that requires a client certificate issued by its CA (the test CA,
 * which dispatch trusts in tests through {@code herald.dispatch.http.trust-pem-path}): delivered with the endpoint's
 * own certificate; refused in the handshake without one or with one the receiver does not trust.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
class MutualTlsTests extends DeliveryTestBase {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private WebhookReceiver tls;

    @BeforeEach
    void startTlsReceiver() throws GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(Pem.keyManagerFactory(pem("receiver.pem"), pem("receiver-key.pem")).getKeyManagers(),
                Pem.trustingAlso(pem("test-ca.pem")).getTrustManagers(), null);
        tls = WebhookReceiver.startTls(context, true);
    }

    @AfterEach
    void stopTlsReceiver() {
        tls.close();
    }

    @Test
    void shouldDeliverWithTheEndpointsClientCertificate() throws Exception {
        String tenant = tenant();
        register(endpoint(tenant, tls.url("/mtls"), List.of("order.*"), secret())
                .withAuth(EndpointAuth.mtls(pem("client.pem"), pem("client-key.pem"))));

        kafka.publishEvent(event(tenant, "order.created"));
        List<Received> received = tls.await(1, TIMEOUT);

        assertThat(received.get(0).clientCertificate()).contains("CN=herald-endpoint-client");
        assertThat(received.get(0).header("Authorization")).isNull();
    }

    @Test
    void shouldBeRefusedInTheHandshakeWithoutACertificateOrWithOneTheReceiverDoesNotTrust() throws Exception {
        String tenant = tenant();
        EndpointState none = register(endpoint(tenant, tls.url("/none"), List.of("order.*"), secret()));
        EndpointState stranger = register(endpoint(tenant, tls.url("/stranger"), List.of("order.*"), secret())
                .withAuth(EndpointAuth.mtls(pem("stranger.pem"), pem("stranger-key.pem"))));

        EventMessage event = event(tenant, "order.created");
        kafka.publishEvent(event);
        for (EndpointState endpoint : List.of(none, stranger)) {
            AttemptMessage attempt = kafka.awaitAttempt(DeliveryMessage.deliveryId(event.id(), endpoint.id()), TIMEOUT);
            assertThat(attempt.outcome()).isEqualTo(AttemptOutcome.RETRY_SCHEDULED);
            assertThat(attempt.statusCode()).isNull();
            assertThat(attempt.error()).isNotBlank();
        }
        assertThat(tls.received()).isEmpty();
    }

    static String pem(String name) {
        try (InputStream in = MutualTlsTests.class.getResourceAsStream("/tls/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
