package io.herald.dispatch;

import static org.awaitility.Awaitility.await;

import java.time.Duration;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import io.herald.contracts.messages.EndpointState;
import io.herald.dispatch.routing.RoutingTable;
import io.herald.testing.WebhookReceiver;

/**
 * What the delivery-flow tests share: a client of the test broker, the running app's routing table, and a fresh webhook
 * receiver on 127.0.0.1 per test.
 */
public abstract class DeliveryTestBase {

    private static final Duration REGISTER_TIMEOUT = Duration.ofSeconds(30);

    protected static TestKafka kafka;

    @Inject
    protected RoutingTable table;
    protected WebhookReceiver receiver;

    @BeforeAll
    static void connect() {
        kafka = TestKafka.connect();
    }

    @AfterAll
    static void disconnect() {
        kafka.close();
    }

    @BeforeEach
    void startReceiver() {
        receiver = WebhookReceiver.start();
    }

    @AfterEach
    void stopReceiver() {
        receiver.close();
    }

    /** Publishes the endpoint's state and waits until dispatch's routing table holds this version of it. */
    protected EndpointState register(EndpointState endpoint) {
        kafka.publishEndpoint(endpoint);
        await("endpoint " + endpoint.id() + " is in the routing table").atMost(REGISTER_TIMEOUT)
                .until(() -> table.get(endpoint.id()).map(e -> e.version() == endpoint.version()).orElse(false));
        return endpoint;
    }
}
