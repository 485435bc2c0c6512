package io.herald.dispatch.delivery;

import static io.herald.dispatch.Fixtures.endpointOn;
import static io.herald.dispatch.Fixtures.partitionOf;
import static io.herald.dispatch.Fixtures.tenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.herald.contracts.Json;
import io.herald.contracts.Topics;
import io.herald.contracts.WebhookHeaders;
import io.herald.contracts.messages.AttemptMessage;
import io.herald.contracts.messages.AttemptOutcome;
import io.herald.contracts.messages.DeadLetterMessage;
import io.herald.contracts.messages.DeadLetterReason;
import io.herald.contracts.messages.DeliveryMessage;
import io.herald.contracts.messages.EndpointState;
import io.herald.contracts.messages.EventMessage;
import io.herald.dispatch.DeliveryTestBase;
import io.herald.dispatch.Fixtures;
import io.herald.testing.KafkaTestResource;
import io.herald.testing.WebhookReceiver;
import io.herald.testing.WebhookReceiver.Received;
import io.herald.testing.WebhookReceiver.Reply;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Endpoints with {@code ordered: true}: webhooks one at a time in posted order, retries waiting in place (never in the
 * shared retry tiers), a healthy unordered endpoint on the same partition at full speed, and a bounded queue whose
 * overflow becomes dead letters. Events share an ordering key, so ingest's order is the order of herald.deliveries.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
class OrderedDeliveryTests extends DeliveryTestBase {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Test
    void shouldDeliverAFlakyOrderedEndpointsWebhooksInPostedOrderRetryingInPlace() throws Exception {
        int events = 20;
        // Events 3 and 11 get 503 twice, event 7 once with Retry-After: 1 (honoured: a second at least).
        Map<Integer, Integer> failuresLeft = new ConcurrentHashMap<>(Map.of(3, 2, 11, 2, 7, 1));
        // Each request's number and whether it was answered 2xx, in arrival order.
        List<int[]> answered = Collections.synchronizedList(new ArrayList<>());
        receiver.respond(r -> {
            int n = number(r);
            if (failuresLeft.getOrDefault(n, 0) > 0) {
                failuresLeft.merge(n, -1, Integer::sum);
                answered.add(new int[] { n, 0 });
                return n == 7 ? Reply.status(503, Map.of("Retry-After", "1"), "") : Reply.status(503);
            }
            answered.add(new int[] { n, 1 });
            return Reply.status(204);
        });
        String tenant = tenant();
        EndpointState endpoint = register(
                endpointOn(partitionOf("ep_" + UUID.randomUUID()), tenant, receiver.url("/ordered")).withOrdered(true));

        List<String> ids = publishNumbered(tenant, events);
        await("every webhook succeeded").atMost(TIMEOUT)
                .until(() -> answered.stream().filter(a -> a[1] == 1).count() >= events);

        List<Integer> succeeded = new ArrayList<>();
        List<int[]> inOrder = List.copyOf(answered);
        for (int i = 0; i < inOrder.size(); i++) {
            int n = inOrder.get(i)[0];
            // Nothing arrives before every earlier webhook has succeeded, and none after it succeeded itself.
            assertThat(succeeded).as("webhooks that succeeded before request %d (webhook %d)", i, n)
                    .isEqualTo(range(n));
            if (inOrder.get(i)[1] == 1) {
                succeeded.add(n);
            }
        }
        assertThat(succeeded).isEqualTo(range(events));
        assertThat(inOrder).hasSize(events + 5);
        List<Received> received = receiver.received();
        Instant failedSeven = received.stream().filter(r -> number(r) == 7).findFirst().orElseThrow().at();
        Instant retriedSeven = received.stream().filter(r -> number(r) == 7).skip(1).findFirst().orElseThrow().at();
        assertThat(Duration.between(failedSeven, retriedSeven)).isGreaterThanOrEqualTo(Duration.ofMillis(900));

        List<AttemptMessage> attempts = kafka.awaitAttempts(DeliveryMessage.deliveryId(ids.get(3), endpoint.id()), 3,
                TIMEOUT);
        assertThat(attempts).extracting(AttemptMessage::outcome).containsExactly(AttemptOutcome.RETRY_SCHEDULED,
                AttemptOutcome.RETRY_SCHEDULED, AttemptOutcome.SUCCEEDED);
        for (String tier : Topics.RETRY_TIERS) {
            assertThat(kafka.readToEnd(Topics.retryTier(tier), DeliveryMessage.class,
                    d -> d.endpointId().equals(endpoint.id()))).as("retries of the ordered endpoint in tier " + tier)
                            .isEmpty();
        }
    }

    @Test
    void shouldNotSlowAHealthyUnorderedEndpointBesideAFailingOrderedOneOnTheSamePartition() throws Exception {
        try (WebhookReceiver healthy = WebhookReceiver.start();
                WebhookReceiver failing = WebhookReceiver.start()) {
            failing.respond(r -> Reply.status(500));
            int partition = partitionOf("ep_" + UUID.randomUUID());
            String warmUp = tenant();
            register(endpointOn(partition, warmUp, healthy.url("/warm-up")));
            latencies(warmUp, healthy, "/warm-up", 100);

            long[] solo = new long[2];
            long[] beside = new long[2];
            List<EndpointState> orderedOnes = new ArrayList<>();
            for (int round = 0; round < 2; round++) {
                String soloTenant = tenant();
                register(endpointOn(partition, soloTenant, healthy.url("/solo" + round)));
                solo[round] = p99(latencies(soloTenant, healthy, "/solo" + round, 200));

                String mixedTenant = tenant();
                register(endpointOn(partition, mixedTenant, healthy.url("/beside" + round)));
                orderedOnes.add(register(
                        endpointOn(partition, mixedTenant, failing.url("/ordered" + round)).withOrdered(true)));
                beside[round] = p99(latencies(mixedTenant, healthy, "/beside" + round, 200));
            }
            long soloP99 = Math.min(solo[0], solo[1]);
            long besideP99 = Math.min(beside[0], beside[1]);
            System.out.printf(Locale.ROOT,
                    "Ordered isolation: unordered endpoint p99 alone %d ms (rounds %d, %d), beside a failing ordered "
                            + "endpoint on its partition %d ms (rounds %d, %d); the ordered one got %d requests%n",
                    soloP99, solo[0], solo[1], besideP99, beside[0], beside[1], failing.received().size());
            assertThat(failing.received()).isNotEmpty();
            assertThat(besideP99).isLessThanOrEqualTo(2 * Math.max(soloP99, 25));
            // Its queue goes to the DLQ rather than on retrying against a closed receiver after the test.
            orderedOnes.forEach(e -> register(Fixtures.disabled(e)));
        }
    }

    @Test
    void shouldTurnDeliveriesPastTheOrderedQueueBoundIntoDeadLetters() throws Exception {
        receiver.respond(r -> Reply.hang());
        String tenant = tenant();
        EndpointState endpoint = register(
                endpointOn(partitionOf("ep_" + UUID.randomUUID()), tenant, receiver.url("/full")).withOrdered(true));

        // The test profile holds 64 KiB per ordered endpoint: about 45 of these deliveries.
        int events = 100;
        publishNumbered(tenant, events);
        List<DeadLetterMessage> full = kafka.await(Topics.DLQ, DeadLetterMessage.class,
                d -> d.delivery().endpointId().equals(endpoint.id())
                        && d.reason() == DeadLetterReason.ORDERED_QUEUE_FULL,
                20, TIMEOUT);
        assertThat(full).allSatisfy(d -> assertThat(d.lastError()).contains("max-bytes-per-endpoint"));
        AttemptMessage dropped = kafka.awaitAttempt(full.get(0).delivery().id(), TIMEOUT);
        assertThat(dropped.outcome()).isEqualTo(AttemptOutcome.DROPPED);
        // The head hangs until its deadline and its retries wait in place: whatever went out went in order.
        List<Integer> sent = receiver.received().stream().map(OrderedDeliveryTests::number).toList();
        assertThat(sent).isNotEmpty().isSorted().startsWith(0);
        register(Fixtures.disabled(endpoint));
    }

    /**
     * An ordered endpoint's throughput with a receiver answering in 5 ms, beside an unordered one's: run with
     * {@code -Dherald.measure.ordered=true -Dherald.dispatch.ordered.max-bytes-per-endpoint=4194304} (the test
     * profile's 64 KiB bound would turn most of the burst into dead letters); prints webhooks per second.
     */
    @Test
    @EnabledIfSystemProperty(named = "herald.measure.ordered", matches = "true")
    void shouldMeasureOrderedThroughputWithAFiveMillisecondReceiver() throws Exception {
        receiver.respond(r -> {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Reply.status(204);
        });
        int events = Integer.getInteger("herald.measure.events", 1000);
        for (boolean ordered : List.of(false, true, false, true)) {
            String tenant = tenant();
            String path = "/" + (ordered ? "ordered" : "unordered") + "-" + UUID.randomUUID();
            register(endpointOn(partitionOf("ep_" + UUID.randomUUID()), tenant, receiver.url(path))
                    .withOrdered(ordered));
            long start = System.nanoTime();
            publishNumbered(tenant, events);
            await("all " + events + " webhooks reach " + path).atMost(Duration.ofMinutes(5))
                    .until(() -> receiver.received().stream().filter(r -> r.path().equals(path)).count() >= events);
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT,
                    "Ordered throughput: %s endpoint, receiver answering in 5 ms: %d webhooks "
                            + "in %.2f s = %.0f webhooks/s%n",
                    ordered ? "ordered" : "unordered", events, seconds, events / seconds);
        }
    }

    /** Publishes events numbered 0.. with one ordering key (one partition of herald.events); answers their ids. */
    private static List<String> publishNumbered(String tenant, int count) {
        String orderingKey = "key-" + UUID.randomUUID();
        List<EventMessage> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ObjectNode data = Json.mapper().createObjectNode().put("n", i);
            Instant now = Instant.now();
            events.add(
                    EventMessage.of("evt_" + UUID.randomUUID(), tenant, "order.created", data, orderingKey, now, now));
        }
        kafka.publishEvents(events);
        return events.stream().map(EventMessage::id).toList();
    }

    private List<Long> latencies(String tenant, WebhookReceiver healthy, String path, int count) throws Exception {
        Map<String, Instant> sent = new ConcurrentHashMap<>();
        for (int i = 0; i < count; i++) {
            EventMessage event = Fixtures.event(tenant, "order.created");
            sent.put(event.id(), Instant.now());
            kafka.publishEvent(event);
            Thread.sleep(20);
        }
        await("every event reaches " + path).atMost(TIMEOUT)
                .until(() -> healthy.received().stream().filter(r -> r.path().equals(path)).count() >= count);
        List<Long> latencies = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        healthy.received().stream().filter(r -> r.path().equals(path) && seen.add(r.header(WebhookHeaders.ID))).forEach(
                r -> latencies.add(Duration.between(sent.get(r.header(WebhookHeaders.ID)), r.at()).toMillis()));
        return latencies;
    }

    private static long p99(List<Long> latencies) {
        List<Long> sorted = latencies.stream().sorted().toList();
        return sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1);
    }

    static int number(Received request) {
        return Json.read(request.body(), ObjectNode.class).path("data").path("n").asInt();
    }

    private static List<Integer> range(int end) {
        List<Integer> range = new ArrayList<>();
        for (int i = 0; i < end; i++) {
            range.add(i);
        }
        return range;
    }

}
