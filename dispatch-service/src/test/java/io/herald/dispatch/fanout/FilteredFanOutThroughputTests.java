package io.herald.dispatch.fanout;

import static io.herald.dispatch.Fixtures.endpoint;
import static io.herald.dispatch.Fixtures.event;
import static io.herald.dispatch.Fixtures.secret;
import static io.herald.dispatch.Fixtures.tenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import io.herald.contracts.messages.EventMessage;
import io.herald.dispatch.DeliveryTestBase;
import io.herald.testing.KafkaTestResource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * What endpoint filters cost in fan-out, measured on demand (not part of the suite): 100 endpoints of one tenant, first
 * without filters, then each with a CEL filter that every event passes (so both runs create the same deliveries and the
 * difference is the filters' evaluation):
 * {@code ./mvnw -B -pl contracts,dispatch-service verify -Dtest=FilteredFanOutThroughputTests -Dherald.bench=true
 * -Dsurefire.failIfNoSpecifiedTests=false}. {@code -Dherald.bench.events=N} sets the events per run (default 2000; a
 * tiny value checks that the harness runs).
 */
@QuarkusTest
@TestProfile(FanOutThroughputTests.FanOutOnly.class)
@EnabledIfSystemProperty(named = "herald.bench", matches = "true")
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
class FilteredFanOutThroughputTests extends DeliveryTestBase {

    private static final int ENDPOINTS = 100;
    private static final String FILTER = "type == \"order.created\" && data.total > 10.0 && has(data.orderId)";

    @Inject
    MeterRegistry registry;

    @Test
    void shouldReportFanOutThroughputToHundredEndpointsWithAndWithoutFilters() {
        int events = Integer.getInteger("herald.bench.events", 2000);
        // A first round warms the JIT, the clients and CEL; it is not reported.
        measure(null, Math.max(10, events / 4), false);
        measure(FILTER, Math.max(10, events / 4), false);
        double plain = measure(null, events, true);
        double filtered = measure(FILTER, events, true);
        System.out.printf(Locale.ROOT, "Filters cost %.1f %% of the fan-out rate at %d endpoints%n",
                100 * (1 - filtered / plain), ENDPOINTS);
    }

    /** Fans {@code events} out to 100 fresh endpoints (each with {@code filter}, or none) and answers events/s. */
    private double measure(String filter, int events, boolean report) {
        String tenant = tenant();
        IntStream.range(0, ENDPOINTS).forEach(i -> register(
                endpoint(tenant, receiver.url("/hook/" + i), List.of("order.*"), secret()).withFilter(filter)));
        List<EventMessage> batch = IntStream.range(0, events).mapToObj(i -> event(tenant, "order.created")).toList();
        double before = created();
        double expected = before + (double) events * ENDPOINTS;
        long start = System.nanoTime();

        kafka.publishEvents(batch);
        await(events + " events fanned out to " + ENDPOINTS + " endpoints").atMost(Duration.ofMinutes(10))
                .until(() -> created() >= expected);

        double seconds = (System.nanoTime() - start) / 1e9;
        if (report) {
            System.out.printf(Locale.ROOT,
                    "Fan-out to %d endpoints %s: %d events in %.2f s: %.0f events/s in, " + "%.0f deliveries/s out%n",
                    ENDPOINTS, filter == null ? "without filters" : "with filters", events, seconds, events / seconds,
                    events * ENDPOINTS / seconds);
        }
        assertThat(created()).isEqualTo(expected);
        return events / seconds;
    }

    private double created() {
        Counter counter = registry.find("herald.fanout.deliveries").counter();
        return counter == null ? 0 : counter.count();
    }
}
