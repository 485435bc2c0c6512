package io.herald.dispatch.delivery;

import static io.herald.dispatch.Fixtures.endpointOn;
import static io.herald.dispatch.Fixtures.event;
import static io.herald.dispatch.Fixtures.partitionOf;
import static io.herald.dispatch.Fixtures.tenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.herald.contracts.WebhookHeaders;
import io.herald.contracts.messages.EventMessage;
import io.herald.dispatch.DeliveryTestBase;
import io.herald.testing.KafkaTestResource;
import io.herald.testing.WebhookReceiver;
import io.herald.testing.WebhookReceiver.Reply;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A healthy endpoint sharing its {@code herald.deliveries} partition with one that hangs (every request runs into the
 * 1500 ms deadline) and one that always fails gets all its deliveries about as fast as when it is alone; and so it does
 * when all of them share one host and port, as endpoints of one SaaS host do.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
class IsolationTests extends DeliveryTestBase {

    static final Duration TIMEOUT = Duration.ofSeconds(60);
    static final int EVENTS = 200;
    static final Duration PACE = Duration.ofMillis(20);

    @Test
    void shouldDeliverToAHealthyEndpointAsFastBesideAHangingAndAFailingOne() throws Exception {
        try (WebhookReceiver healthy = WebhookReceiver.start();
                WebhookReceiver hanging = WebhookReceiver.start();
                WebhookReceiver failing = WebhookReceiver.start()) {
            hanging.respond(r -> Reply.hang());
            failing.respond(r -> Reply.status(500));
            int partition = partitionOf("ep_" + UUID.randomUUID());

            String warmUpTenant = tenant();
            register(endpointOn(partition, warmUpTenant, healthy.url("/warm-up")));
            runAndMeasure(warmUpTenant, healthy, "/warm-up");
            // Two rounds each, alternating, best of each: one scheduler hiccup on a shared machine moves a p99 of 200
            // samples by more than the effect measured.
            long[] solo = new long[2];
            long[] mixed = new long[2];
            for (int round = 0; round < 2; round++) {
                String soloTenant = tenant();
                register(endpointOn(partition, soloTenant, healthy.url("/solo" + round)));
                solo[round] = p99(runAndMeasure(soloTenant, healthy, "/solo" + round));

                String mixedTenant = tenant();
                register(endpointOn(partition, mixedTenant, healthy.url("/mixed" + round)));
                register(endpointOn(partition, mixedTenant, hanging.url("/hang" + round)));
                register(endpointOn(partition, mixedTenant, failing.url("/fail" + round)));
                mixed[round] = p99(runAndMeasure(mixedTenant, healthy, "/mixed" + round));
            }
            long soloP99 = Math.min(solo[0], solo[1]);
            long mixedP99 = Math.min(mixed[0], mixed[1]);

            System.out.printf("Isolation: healthy endpoint p99 solo %d ms (rounds %d, %d), beside a hanging and a "
                    + "failing one %d ms (rounds %d, %d); %d events per round; hanging got %d requests, failing %d%n",
                    soloP99, solo[0], solo[1], mixedP99, mixed[0], mixed[1], EVENTS, hanging.received().size(),
                    failing.received().size());
            assertThat(hanging.received()).isNotEmpty();
            assertThat(failing.received()).isNotEmpty();
            // Waiting behind the hanging endpoint costs its whole 1500 ms deadline, and a postponement at least 1 s;
            // the
            // 250 ms are for a busy two-core machine, where a collection or a scheduler hiccup alone moves a p99 of 200
            // samples by that much (CI once measured 96 ms beside a 28 ms solo run).
            assertThat(mixedP99).isLessThanOrEqualTo(2 * Math.max(soloP99, 25) + 250);
        }
    }

    @Test
    void shouldDeliverToAHealthyEndpointAsFastWhenItSharesItsHostWithHangingFailingAndGoneOnes() throws Exception {
        try (WebhookReceiver host = WebhookReceiver.start()) {
            AtomicInteger flaky = new AtomicInteger();
            host.respond(r -> {
                if (r.path().startsWith("/hang")) {
                    return Reply.hang();
                }
                if (r.path().startsWith("/err")) {
                    return Reply.status(500);
                }
                if (r.path().startsWith("/gone")) {
                    return Reply.status(410);
                }
                if (r.path().startsWith("/flaky")) {
                    return flaky.incrementAndGet() % 2 == 0 ? Reply.status(503) : Reply.hang();
                }
                return Reply.status(204);
            });
            int partition = partitionOf("ep_" + UUID.randomUUID());

            String warmUpTenant = tenant();
            register(endpointOn(partition, warmUpTenant, host.url("/ok/warm-up")));
            runAndMeasure(warmUpTenant, host, "/ok/warm-up");
            long[] solo = new long[2];
            long[] shared = new long[2];
            for (int round = 0; round < 2; round++) {
                String soloTenant = tenant();
                register(endpointOn(partition, soloTenant, host.url("/ok/solo" + round)));
                solo[round] = p99(runAndMeasure(soloTenant, host, "/ok/solo" + round));

                String sharedTenant = tenant();
                register(endpointOn(partition, sharedTenant, host.url("/ok/shared" + round)));
                for (String bad : List.of("/hang/", "/err/", "/gone/", "/flaky/")) {
                    register(endpointOn(partition, sharedTenant, host.url(bad + round)));
                }
                shared[round] = p99(runAndMeasure(sharedTenant, host, "/ok/shared" + round));
            }
            long soloP99 = Math.min(solo[0], solo[1]);
            long sharedP99 = Math.min(shared[0], shared[1]);
            long hung = host.received().stream().filter(r -> r.path().startsWith("/hang")).count();

            System.out.printf("Isolation on one host: healthy endpoint p99 solo %d ms (rounds %d, %d), beside hanging, "
                    + "failing, gone and flaky endpoints on the same host and port %d ms (rounds %d, %d); hanging got "
                    + "%d requests%n", soloP99, solo[0], solo[1], sharedP99, shared[0], shared[1], hung);
            assertThat(hung).isPositive();
            // Waiting behind the hanging endpoints' connections costs their whole 1500 ms deadline; scheduling noise on
            // a busy machine costs a few hundred milliseconds at most.
            assertThat(sharedP99).isLessThanOrEqualTo(2 * Math.max(soloP99, 25) + 500);
        }
    }

    /** Publishes {@link #EVENTS} events at a steady pace; returns each one's latency to the healthy receiver. */
    private List<Long> runAndMeasure(String tenant, WebhookReceiver healthy, String path) throws Exception {
        Map<String, Instant> sent = new ConcurrentHashMap<>();
        for (int i = 0; i < EVENTS; i++) {
            EventMessage event = event(tenant, "order.created");
            sent.put(event.id(), Instant.now());
            kafka.publishEvent(event);
            Thread.sleep(PACE.toMillis());
        }
        await("every event reaches " + path).atMost(TIMEOUT)
                .until(() -> healthy.received().stream().filter(r -> r.path().equals(path)).count() >= EVENTS);
        List<Long> latencies = new ArrayList<>();
        healthy.received().stream().filter(r -> r.path().equals(path)).forEach(
                r -> latencies.add(Duration.between(sent.get(r.header(WebhookHeaders.ID)), r.at()).toMillis()));
        assertThat(latencies).hasSize(EVENTS);
        return latencies;
    }

    private static long p99(List<Long> latencies) {
        List<Long> sorted = latencies.stream().sorted().toList();
        return sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1);
    }
}
