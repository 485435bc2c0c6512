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
import java.util.Map;
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
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Fan-out throughput on the test broker, measured on demand (not part of the suite):
 * {@code ./mvnw -B -pl dispatch-service verify -Dtest=FanOutThroughputTests -Dherald.bench=true}. Prints events per
 * second read from {@code herald.events} and deliveries per second written to {@code herald.deliveries} at fan-out 1
 * and 10. The delivery stage reads an idle topic here, so it does not compete for the CPU.
 */
@QuarkusTest
@TestProfile(FanOutThroughputTests.FanOutOnly.class)
@EnabledIfSystemProperty(named = "herald.bench", matches = "true")
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
class FanOutThroughputTests extends DeliveryTestBase {

    public static class FanOutOnly implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("mp.messaging.incoming.deliveries-in.topic", "herald.bench.idle");
        }
    }

    @Inject
    MeterRegistry registry;

    @Test
    void shouldReportFanOutThroughputAtFanOutOneAndTen() {
        // A first round warms the JIT and the clients; it is not reported.
        measure(1, 5_000, false);
        measure(1, 20_000, true);
        measure(10, 5_000, true);
    }

    private void measure(int fanOut, int events, boolean report) {
        String tenant = tenant();
        IntStream.range(0, fanOut)
                .forEach(i -> register(endpoint(tenant, receiver.url("/hook/" + i), List.of("*"), secret())));
        List<EventMessage> batch = IntStream.range(0, events).mapToObj(i -> event(tenant, "order.created")).toList();
        double before = created();
        double expected = before + (double) events * fanOut;
        long start = System.nanoTime();

        kafka.publishEvents(batch);
        await(events + " events fanned out to " + fanOut + " endpoints").atMost(Duration.ofMinutes(5))
                .until(() -> created() >= expected);

        double seconds = (System.nanoTime() - start) / 1e9;
        if (report) {
            System.out.printf(Locale.ROOT, "Fan-out %d: %d events in %.2f s: %.0f events/s in, %.0f deliveries/s out%n",
                    fanOut, events, seconds, events / seconds, events * fanOut / seconds);
        }
        assertThat(created()).isEqualTo(expected);
    }

    private double created() {
        Counter counter = registry.find("herald.fanout.deliveries").counter();
        return counter == null ? 0 : counter.count();
    }
}
