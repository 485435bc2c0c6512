package io.herald.dispatch.routing;

import static io.herald.dispatch.Fixtures.endpoint;
import static io.herald.dispatch.Fixtures.event;
import static io.herald.dispatch.Fixtures.secret;
import static io.herald.dispatch.Fixtures.tenant;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.herald.contracts.WebhookHeaders;
import io.herald.contracts.messages.EndpointState;
import io.herald.contracts.messages.EventMessage;
import io.herald.dispatch.DeliveryTestBase;
import io.herald.testing.KafkaTestResource;
import io.herald.testing.WebhookReceiver.Received;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Fan-out reads its routing table up to where {@code herald.endpoints} ended before it fans a batch out, so an event
 * written after its endpoint's record reaches that endpoint, however soon after.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
class RoutingCatchUpTests extends DeliveryTestBase {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static final String SLOW = "tenant-slow-";

    @Inject
    EndpointStateConsumer routing;

    @Inject
    EndpointSecretsConfig secretsConfig;

    @Test
    void shouldCompleteACatchUpOnlyOnceTheTableHoldsWhatTheTopicHeldBefore() throws Exception {
        for (int i = 0; i < 5; i++) {
            EndpointState endpoint = endpoint(tenant(), receiver.url("/caught-up"), List.of("order.*"), secret());
            kafka.publishEndpoint(endpoint);

            assertThat(routing.caughtUp(TIMEOUT).await().atMost(TIMEOUT)).as("caught up").isTrue();

            assertThat(table.get(endpoint.id())).as("endpoint %d right after the catch-up", i).isPresent();
        }
    }

    @Test
    void shouldDeliverAnEventWrittenRightAfterItsEndpointWhileTheTableIsSlowToApplyIt() throws Exception {
        // The table takes 500 ms to apply each of these endpoints: an event fanned out meanwhile would reach nobody.
        QuarkusMock.installMockForType(new EndpointStateOpener(secretsConfig) {
            @Override
            public EndpointState open(EndpointState sealed) {
                if (sealed != null && sealed.tenant().startsWith(SLOW)) {
                    try {
                        Thread.sleep(500);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return super.open(sealed);
            }
        }, EndpointStateOpener.class);
        List<EventMessage> events = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            EndpointState endpoint = endpoint(SLOW + UUID.randomUUID(), receiver.url("/right-after/" + i),
                    List.of("order.*"), secret());
            kafka.publishEndpoint(endpoint);
            EventMessage event = event(endpoint.tenant(), "order.created");
            kafka.publishEvent(event);
            events.add(event);
        }

        List<Received> received = receiver.await(events.size(), TIMEOUT);

        assertThat(received).extracting(r -> r.header(WebhookHeaders.ID))
                .containsExactlyInAnyOrderElementsOf(events.stream().map(EventMessage::id).toList());
    }
}
