package io.herald.dispatch.fanout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.junit.jupiter.api.Test;

import io.herald.contracts.Json;
import io.herald.contracts.messages.DeliveryMessage;
import io.herald.contracts.messages.EndpointSecret;
import io.herald.contracts.messages.EndpointState;
import io.herald.contracts.messages.EventMessage;
import io.herald.contracts.messages.WebhookPayload;
import io.herald.dispatch.KafkaRecords;
import io.herald.dispatch.guard.DeliveryBacklog;
import io.herald.dispatch.guard.TenantBudgets;
import io.herald.dispatch.routing.EndpointFilter;
import io.herald.dispatch.routing.RoutingTable;
import io.herald.dispatch.tracing.DispatchTracing;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordBatchMetadata;

class FanOutTests {

    private static final Instant NOW = Instant.parse("2025-01-02T03:04:05Z");
    private static final KafkaRecords RECORDS = new KafkaRecords(Json.standalone());
    private final RoutingTable table = new RoutingTable();
    private final FanOut fanOut = new FanOut(null, null, null, table, null, Clock.fixed(NOW, ZoneOffset.UTC),
            new SimpleMeterRegistry(), null, null, new EndpointFilter(new SimpleMeterRegistry()), DispatchTracing.off(),
            null, null, RECORDS);

    @Test
    void shouldCreateOneFirstDeliveryPerMatchingEndpointWithTheRenderedPayload() {
        table.apply("a", endpoint("a", "acme", List.of("order.*"), true));
        table.apply("b", endpoint("b", "acme", List.of("order.created"), true));
        table.apply("c", endpoint("c", "acme", List.of("invoice.*"), true));
        table.apply("d", endpoint("d", "acme", List.of("order.*"), false));
        table.apply("e", endpoint("e", "globex", List.of("*"), true));
        EventMessage event = EventMessage.of("evt_1", "acme", "order.created",
                Json.mapper().createObjectNode().put("id", 7), null, NOW.minusSeconds(5), NOW.minusSeconds(4));

        List<DeliveryMessage> deliveries = fanOut.deliveriesFor(event);

        assertThat(deliveries).extracting(DeliveryMessage::endpointId).containsExactlyInAnyOrder("a", "b");
        assertThat(deliveries).allSatisfy(d -> {
            assertThat(d).isEqualTo(DeliveryMessage.first(event, d.endpointId(), WebhookPayload.render(event), NOW));
            assertThat(d.id()).isEqualTo(DeliveryMessage.deliveryId("evt_1", d.endpointId()));
            assertThat(d.webhookId()).isEqualTo("evt_1");
            assertThat(d.attempts()).isZero();
        });
    }

    @Test
    void shouldCreateNothingWhenNoEndpointMatches() {
        EventMessage event = EventMessage.of("evt_2", "acme", "order.created", Json.mapper().createObjectNode(), null,
                NOW, NOW);

        assertThat(fanOut.deliveriesFor(event)).isEmpty();
    }

    @Test
    void shouldFanASmallEventOutWholeAheadOfALargeOneAndContinueTheLargeOneLater() {
        for (int i = 0; i < 10; i++) {
            table.apply("big-" + i, endpoint("big-" + i, "noisy", List.of("order.*"), true));
        }
        table.apply("quiet-1", endpoint("quiet-1", "quiet", List.of("order.*"), true));
        EventMessage large = event("evt_large", "noisy", null, 1_000);
        EventMessage small = event("evt_small", "quiet", null, 10);
        long oneLarge = fanOut.deliveriesFor(large).get(0).payload().length() + 512L;

        FanOut.Plan plan = fanOut.plan(List.of(Json.write(large), Json.write(small)), 3 * oneLarge);

        List<DeliveryMessage> written = plan.chunks().stream().flatMap(List::stream).toList();
        assertThat(written.get(0).endpointId()).as("the small event first").isEqualTo("quiet-1");
        assertThat(written.subList(1, written.size())).extracting(DeliveryMessage::endpointId).containsExactly("big-0",
                "big-1", "big-2");
        assertThat(plan.continuations()).singleElement().satisfies(e -> assertThat(e.fanOutAfter()).isEqualTo("big-2"))
                .satisfies(e -> assertThat(e.id()).isEqualTo("evt_large"));

        FanOut.Plan next = fanOut.plan(List.of(Json.write(plan.continuations().get(0))), 3 * oneLarge);
        assertThat(next.chunks().stream().flatMap(List::stream)).extracting(DeliveryMessage::endpointId)
                .containsExactly("big-3", "big-4", "big-5");
        assertThat(next.continuations()).singleElement().satisfies(e -> assertThat(e.fanOutAfter()).isEqualTo("big-5"));
    }

    @Test
    void shouldNeverSplitAnEventWithAnOrderingKeyButCutItsDeliveriesIntoChunks() {
        for (int i = 0; i < 10; i++) {
            table.apply("big-" + i, endpoint("big-" + i, "noisy", List.of("order.*"), true));
        }
        EventMessage ordered = event("evt_ordered", "noisy", "customer-7", 1_000);
        long oneLarge = fanOut.deliveriesFor(ordered).get(0).payload().length() + 512L;

        FanOut.Plan plan = fanOut.plan(List.of(Json.write(ordered)), 3 * oneLarge);

        assertThat(plan.continuations()).isEmpty();
        assertThat(plan.chunks()).hasSize(4).allSatisfy(chunk -> assertThat(chunk).hasSizeLessThanOrEqualTo(3));
        assertThat(plan.chunks().stream().flatMap(List::stream)).hasSize(10);
    }

    @Test
    void shouldHoldLargeFanOutsBackWhileDeliveryIsBehindButNeverSmallEventsOrOrderedOnes() {
        // Behind from a wait of 1 s on, for as long as the test runs, however slow the machine.
        DeliveryBacklog backlog = new DeliveryBacklog(Duration.ofSeconds(1), Duration.ofHours(1));
        FanOut held = new FanOut(null, null, null, table, null, Clock.fixed(NOW, ZoneOffset.UTC),
                new SimpleMeterRegistry(), null, null, new EndpointFilter(new SimpleMeterRegistry()),
                DispatchTracing.off(), null, backlog, RECORDS);
        for (int i = 0; i < 10; i++) {
            table.apply("big-" + i, endpoint("big-" + i, "noisy", List.of("order.*"), true));
        }
        table.apply("quiet-1", endpoint("quiet-1", "quiet", List.of("order.*"), true));
        EventMessage large = event("evt_large", "noisy", null, 1_000);
        EventMessage ordered = event("evt_ordered", "noisy", "customer-7", 1_000);
        EventMessage small = event("evt_small", "quiet", null, 10);
        long oneLarge = held.deliveriesFor(large).get(0).payload().length() + 512L;
        FanOut.Plan started = held.plan(List.of(Json.write(large)), 3 * oneLarge);
        EventMessage continuation = started.continuations().get(0);

        backlog.taken(Duration.ofSeconds(2));
        FanOut.Plan plan = held.plan(
                List.of(Json.write(large), Json.write(continuation), Json.write(ordered), Json.write(small)),
                3 * oneLarge);

        assertThat(plan.chunks().stream().flatMap(List::stream)).extracting(DeliveryMessage::endpointId)
                .as("the ordered event whole, the small one, nothing of the large ones").hasSize(11).contains("quiet-1")
                .doesNotHaveDuplicates();
        assertThat(plan.deferred()).isEqualTo(2);
        assertThat(plan.continuations()).extracting(EventMessage::id, EventMessage::fanOutAfter).containsExactly(
                tuple("evt_large", FanOut.FROM_THE_START), tuple("evt_large", continuation.fanOutAfter()));
        assertThat(plan.onlyDeferred()).isFalse();
        assertThat(held.plan(List.of(Json.write(continuation)), 3 * oneLarge).onlyDeferred()).isTrue();

        backlog.taken(Duration.ofMillis(10));
        assertThat(held.plan(List.of(Json.write(continuation)), 3 * oneLarge).chunks().get(0))
                .extracting(DeliveryMessage::endpointId).containsExactly("big-3", "big-4", "big-5");
        assertThat(held.plan(List.of(Json.write(plan.continuations().get(0))), 3 * oneLarge).chunks().get(0))
                .as("held back before its first delivery: from the start").extracting(DeliveryMessage::endpointId)
                .containsExactly("big-0", "big-1", "big-2");
    }

    @Test
    void shouldHoldASaturatedTenantsLargeFanOutBackButNotAnotherTenants() {
        TenantBudgets budgets = new TenantBudgets(1, 1 << 20);
        FanOut held = new FanOut(null, null, null, table, null, Clock.fixed(NOW, ZoneOffset.UTC),
                new SimpleMeterRegistry(), null, null, new EndpointFilter(new SimpleMeterRegistry()),
                DispatchTracing.off(), budgets, null, RECORDS);
        for (int i = 0; i < 4; i++) {
            table.apply("noisy-" + i, endpoint("noisy-" + i, "noisy", List.of("order.*"), true));
            table.apply("other-" + i, endpoint("other-" + i, "other", List.of("order.*"), true));
        }
        EventMessage noisy = event("evt_noisy", "noisy", null, 1_000);
        EventMessage other = event("evt_other", "other", null, 1_000);
        long oneLarge = held.deliveriesFor(noisy).get(0).payload().length() + 512L;
        assertThat(budgets.tryEnter("noisy", 1)).isTrue();
        assertThat(budgets.tryEnter("noisy", 1)).as("refused: the tenant is saturated").isFalse();

        FanOut.Plan plan = held.plan(List.of(Json.write(noisy), Json.write(other)), 2 * oneLarge);

        assertThat(plan.chunks().stream().flatMap(List::stream)).extracting(DeliveryMessage::endpointId)
                .containsExactly("other-0", "other-1");
        assertThat(plan.deferred()).isEqualTo(1);
        assertThat(plan.continuations()).extracting(EventMessage::id).containsExactly("evt_noisy", "evt_other");
    }

    @Test
    void shouldTellABatchPolledWithoutAGroupGenerationFromOnePolledAsAMember() {
        // What SmallRye's connector stamps on a batch whose poll returned after the heartbeat learnt of an expulsion:
        // its offsets would go to the transaction without a generation, which the coordinator never checks.
        assertThat(FanOut.polledOutsideTheGroup(polledIn(-1))).isTrue();
        assertThat(FanOut.polledOutsideTheGroup(polledIn(0))).isFalse();
        assertThat(FanOut.polledOutsideTheGroup(polledIn(7))).isFalse();
        assertThat(FanOut.polledOutsideTheGroup(Message.of(List.of("{}")))).as("no Kafka metadata: not a poll")
                .isFalse();
    }

    @Test
    void shouldBeginNoTransactionOnceHandedOverButLeaveTheBatchToTheNextOwner() {
        // No transactions, no consumer: a batch taken after the hand-over must touch neither.
        AtomicReference<Throwable> nacked = new AtomicReference<>();
        AtomicBoolean acked = new AtomicBoolean();
        Message<List<String>> batch = polledIn(3).withAck(() -> {
            acked.set(true);
            return CompletableFuture.completedFuture(null);
        }).withNack(failure -> {
            nacked.set(failure);
            return CompletableFuture.completedFuture(null);
        });

        fanOut.handOver();
        fanOut.fanOut(batch).await().atMost(Duration.ofSeconds(5));

        assertThat(acked).isFalse();
        assertThat(nacked.get()).hasMessageContaining("next owner");
    }

    @SuppressWarnings({ "unchecked", "rawtypes" })
    private static Message<List<String>> polledIn(int generation) {
        TopicPartition partition = new TopicPartition("herald.events", 0);
        IncomingKafkaRecordBatchMetadata metadata = new IncomingKafkaRecordBatchMetadata<>(ConsumerRecords.empty(),
                "events-in", 0, Map.of(partition, new OffsetAndMetadata(41)), generation);
        return Message.of(List.of("{}"), Metadata.of(metadata));
    }

    private static EventMessage event(String id, String tenant, String orderingKey, int dataBytes) {
        return EventMessage.of(id, tenant, "order.created",
                Json.mapper().createObjectNode().put("blob", "x".repeat(dataBytes)), orderingKey, NOW, NOW);
    }

    private static EndpointState endpoint(String id, String tenant, List<String> types, boolean enabled) {
        return EndpointState.of(id, tenant, "https://example.com/" + id, types, enabled,
                List.of(new EndpointSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", null)), 1, NOW);
    }
}
