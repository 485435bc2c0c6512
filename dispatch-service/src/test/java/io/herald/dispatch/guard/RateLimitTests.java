package io.herald.dispatch.guard;

import static io.herald.dispatch.Fixtures.endpoint;
import static io.herald.dispatch.Fixtures.event;
import static io.herald.dispatch.Fixtures.secret;
import static io.herald.dispatch.Fixtures.tenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.herald.contracts.WebhookHeaders;
import io.herald.contracts.messages.EndpointState;
import io.herald.dispatch.DeliveryTestBase;
import io.herald.testing.KafkaTestResource;
import io.herald.testing.WebhookReceiver;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
class RateLimitTests extends DeliveryTestBase {

    static final Duration TIMEOUT = Duration.ofSeconds(60);
    static final int RATE = 5;
    static final int EVENTS = 25;

    @Test
    void shouldNeverSendAnEndpointMoreThanItsRatePlusBurstInAnySecond() throws Exception {
        EndpointState endpoint = endpoint(tenant(), receiver.url("/hook"), List.of("order.*"), secret())
                .withDeliveryOptions(null, RATE, null);
        kafka.publishEndpoint(endpoint);
        await("the endpoint is routed").atMost(TIMEOUT).until(() -> table.get(endpoint.id()).isPresent());

        for (int i = 0; i < EVENTS; i++) {
            kafka.publishEvent(event(endpoint.tenant(), "order.created"));
        }

        await("every event arrives").atMost(TIMEOUT).until(
                () -> receiver.received().stream().map(r -> r.header(WebhookHeaders.ID)).distinct().count() == EVENTS);
        List<Instant> times = receiver.received().stream().map(WebhookReceiver.Received::at).sorted().toList();
        int busiest = 0;
        for (Instant start : times) {
            Instant end = start.plusSeconds(1);
            busiest = Math.max(busiest,
                    (int) times.stream().filter(t -> !t.isBefore(start) && t.isBefore(end)).count());
        }
        Duration span = Duration.between(times.get(0), times.get(times.size() - 1));
        System.out.printf("Rate limit %d/s: %d requests over %d ms, busiest second %d%n", RATE, times.size(),
                span.toMillis(), busiest);
        // A full bucket (RATE) plus what refills within the second (RATE).
        assertThat(busiest).isLessThanOrEqualTo(2 * RATE);
        assertThat(span).isGreaterThanOrEqualTo(Duration.ofMillis((EVENTS - 2 * RATE) * 1000L / RATE - 200));
        assertThat(times).hasSize(EVENTS);
    }
}
