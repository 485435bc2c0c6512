package io.herald.dispatch.fanout;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.herald.contracts.Topics;
import io.herald.contracts.messages.DeliveryMessage;
import io.herald.contracts.messages.EndpointState;
import io.herald.contracts.messages.EventMessage;
import io.herald.contracts.messages.WebhookPayload;
import io.herald.dispatch.DispatchConfig;
import io.herald.dispatch.KafkaRecords;
import io.herald.dispatch.guard.DeliveryBacklog;
import io.herald.dispatch.guard.TenantBudgets;
import io.herald.dispatch.routing.EndpointFilter;
import io.herald.dispatch.routing.EndpointStateConsumer;
import io.herald.dispatch.routing.RoutingTable;
import io.herald.dispatch.tracing.DispatchTracing;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.trace.Span;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordBatchMetadata;
import io.smallrye.reactive.messaging.kafka.transactions.TransactionalEmitter;

/**
 * Stage 1: turns each event of {@code herald.events} into one delivery per matching endpoint on
 * {@code herald.deliveries}, exactly once: each polled batch of events is fanned out in one Kafka transaction that also
 * commits the batch's offsets. Either every delivery of the batch becomes visible to {@code read_committed} consumers
 * and its events are done, or none does and the batch is read again from the last committed offsets, so a crash or a
 * failed send never duplicates a delivery.
 * <p>
 * Transactions run one at a time per instance, hence batches: one transaction per event would cap fan-out at a few
 * dozen events per second. A transaction's sends are all issued at once and queue in the emitter until the Kafka sink
 * takes them: its buffer is unbounded, because a bounded one (128 by default) fails the sends past it, aborting every
 * batch that fans out to more deliveries, again and again. What it holds is bounded by {@code max.poll.records} times
 * the largest fan-out of an event, and cut by bytes: a batch whose deliveries exceed
 * {@code fan-out.max-transaction-bytes} is written in several transactions, the last committing the batch's offsets. A
 * crash between them fans the batch out again (duplicates, never loss), the price of keeping one tenant's huge fan-out
 * from holding the partition's memory and transaction hostage. The channel is subscribed only once the routing table is
 * loaded, so no record is even fetched before: an event processed earlier would fan out to nobody and be lost.
 */
@ApplicationScoped
public class FanOut {

    /** The channel of herald.events. */
    static final String CHANNEL = "events-in";

    /**
     * The {@code fanOutAfter} of a large event written back before any of its deliveries: every endpoint id sorts after
     * it, and as a continuation it can be held back again without its deliveries being made.
     */
    static final String FROM_THE_START = "";

    private static final Logger LOG = Logger.getLogger(FanOut.class);

    private final Multi<Message<List<String>>> batches;
    private final FanOutTransactions transactions;
    private final EndpointStateConsumer routing;
    private final RoutingTable table;
    private final DeliveryPublisher publisher;
    private final Clock clock;
    private final Counter created;
    private final Counter continued;
    private final Duration abortBackoff;
    private final long maxTransactionBytes;
    private final FanOutPositions positions;
    private final EndpointFilter filters;
    private final DispatchTracing tracing;
    private final TenantBudgets budgets;
    private final DeliveryBacklog backlog;
    private final Counter deferrals;
    private final Duration deferPause;
    private final Counter behindRouting;
    private final Counter outsideGroup;
    private final Counter polledBeforeRewind;
    private final Timer queued;
    private final Timer batchTime;
    private final Timer catchUp;
    private final Duration catchUpTimeout;
    private final KafkaRecords records;
    /** Set once this instance hands its partitions over on shutdown: no fan-out transaction begins after that. */
    private volatile boolean handedOver;

    FanOut(@Channel("events-in") Multi<Message<List<String>>> batches, FanOutTransactions transactions,
            EndpointStateConsumer routing, RoutingTable table, DeliveryPublisher publisher, Clock clock,
            MeterRegistry registry, DispatchConfig config, FanOutPositions positions, EndpointFilter filters,
            DispatchTracing tracing, TenantBudgets budgets, DeliveryBacklog backlog, KafkaRecords records) {
        this.records = records;
        this.budgets = budgets;
        this.backlog = backlog;
        this.filters = filters;
        this.tracing = tracing;
        this.batches = batches;
        this.transactions = transactions;
        this.routing = routing;
        this.table = table;
        this.publisher = publisher;
        this.clock = clock;
        this.created = Counter.builder("herald.fanout.deliveries").description("Deliveries created by fan-out")
                .register(registry);
        this.continued = Counter.builder("herald.fanout.continued")
                .description("Large events whose fan-out was continued in a later batch").register(registry);
        this.deferrals = Counter.builder("herald.fanout.deferred")
                .description("Large events written back unfanned: delivery was behind or their tenant saturated")
                .register(registry);
        this.behindRouting = Counter.builder("herald.fanout.routing.lagging")
                .description("Fan-out batches that went out before the routing table caught up with herald.endpoints")
                .register(registry);
        this.outsideGroup = Counter.builder("herald.fanout.outside.group")
                .description("Polled batches of events dropped unfanned: polled while this instance's fan-out consumer "
                        + "had just lost its group membership, so their offsets could not be fenced")
                .register(registry);
        this.polledBeforeRewind = Counter.builder("herald.fanout.polled.before.rewind").description(
                "Polled batches of events dropped unfanned: polled before the consumer was set back to its "
                        + "committed offsets after an aborted fan-out, so they start past the events read again")
                .register(registry);
        this.queued = Timer.builder("herald.fanout.queued")
                .description("Time from an event's write to herald.events until fan-out takes it").register(registry);
        this.batchTime = Timer.builder("herald.fanout.batch")
                .description("Time from taking a polled batch of events until its deliveries are committed: the "
                        + "routing catch-up, planning and the Kafka transactions")
                .register(registry);
        this.catchUp = Timer.builder("herald.fanout.routing.catch.up")
                .description("Time a batch of events waits for the routing table to catch up with herald.endpoints")
                .register(registry);
        this.catchUpTimeout = Duration.ofMillis(config == null ? 5000 : config.routing().catchUpTimeoutMs());
        this.deferPause = config == null ? Duration.ZERO : Duration.ofMillis(config.fanOut().deferPauseMs());
        this.abortBackoff = config == null ? Duration.ZERO : Duration.ofMillis(config.fanOut().abortBackoffMs());
        this.maxTransactionBytes = config == null ? Long.MAX_VALUE : config.fanOut().maxTransactionBytes();
        this.positions = positions;
    }

    void onStart(@Observes StartupEvent event) {
        table.whenLoaded().thenRun(this::consume);
    }

    /**
     * One delivery per enabled endpoint of the event's tenant subscribed to its type, by endpoint id, after
     * {@link EventMessage#fanOutAfter()} when the event is the continuation of a large fan-out; all share one payload.
     */
    public List<DeliveryMessage> deliveriesFor(EventMessage event) {
        List<EndpointState> endpoints = filters.passing(event, table.matching(event.tenant(), event.type())).stream()
                .filter(e -> event.fanOutAfter() == null || e.id().compareTo(event.fanOutAfter()) > 0)
                .sorted(Comparator.comparing(EndpointState::id)).toList();
        if (endpoints.isEmpty()) {
            return List.of();
        }
        String payload = WebhookPayload.render(event);
        Instant now = clock.instant();
        return endpoints.stream().map(endpoint -> DeliveryMessage.first(event, endpoint.id(), payload, now)).toList();
    }

    /**
     * Begins no further fan-out transaction: this instance is leaving the fan-out group (shutdown), so a batch it
     * polled before cannot commit its offsets any more. Begun all the same, its transaction would write the batch's
     * deliveries, fail at the offset commit and be aborted only then, seconds later on a shutting-down instance, while
     * its open transaction holds back every {@code read_committed} reader of the partitions of
     * {@code herald.deliveries} it wrote to: the deliveries of the replica taking over included (seconds, in
     * DispatchHandoverIT). The batches are left to the partitions' next owner, which reads them from the committed
     * offsets.
     */
    public void handOver() {
        handedOver = true;
    }

    private void consume() {
        LOG.infof("Consuming %s", Topics.EVENTS);
        // One batch at a time: the transactional producer runs a single transaction per instance.
        batches.onItem().transformToUniAndConcatenate(this::fanOut).subscribe().with(ignored -> {
        }, failure -> LOG.errorf(failure, "Fan-out stopped consuming %s", Topics.EVENTS));
    }

    /**
     * Fans a batch out once the routing table has caught up with {@code herald.endpoints} as it is now (see
     * {@link EndpointStateConsumer#caughtUp}): an endpoint whose creation was answered before one of these events was
     * accepted gets its delivery. Should that take longer than {@code routing.catch-up-timeout-ms} (Kafka in trouble),
     * the batch goes out with the table as it is rather than stall every tenant's fan-out.
     */
    Uni<Void> fanOut(Message<List<String>> batch) {
        if (handedOver) {
            LOG.debugf("Fan-out: a batch of %d events left to the next owner of its partitions (shutting down)",
                    batch.getPayload().size());
            return Uni.createFrom().completionStage(() -> batch.nack(new IllegalStateException(
                    "Handed over on shutdown: the partitions' next owner fans these events out")));
        }
        if (polledOutsideTheGroup(batch)) {
            return dropPolledOutsideTheGroup(batch);
        }
        if (positions.polledBeforeRewind(batch)) {
            return dropPolledBeforeRewind(batch);
        }
        Instant taken = clock.instant();
        long takenNanos = System.nanoTime();
        for (Instant written : KafkaRecords.eachRecord(batch, (timestamp, headers) -> timestamp, taken)) {
            queued.record(written.isBefore(taken) ? Duration.between(written, taken) : Duration.ZERO);
        }
        return routing.caughtUp(catchUpTimeout).invoke(caughtUp -> {
            catchUp.record(System.nanoTime() - takenNanos, TimeUnit.NANOSECONDS);
            if (!caughtUp) {
                behindRouting.increment();
                LOG.warnf(
                        "The routing table did not catch up with %s within %d ms; fanning out a batch of %d events "
                                + "with it as it is",
                        Topics.ENDPOINTS, catchUpTimeout.toMillis(), batch.getPayload().size());
            }
        }).chain(() -> fanOutNow(batch))
                .invoke(() -> batchTime.record(System.nanoTime() - takenNanos, TimeUnit.NANOSECONDS));
    }

    private Uni<Void> fanOutNow(Message<List<String>> batch) {
        Plan plan = plan(batch.getPayload(), DispatchTracing.traceparents(batch), maxTransactionBytes);
        List<List<DeliveryMessage>> chunks = plan.chunks();
        deferrals.increment(plan.deferred());
        // A batch of nothing but deferred events would be read back at once: it waits a little, not spinning.
        Uni<Void> earlier = plan.onlyDeferred() ? Uni.createFrom().voidItem().onItem().delayIt().by(deferPause)
                : Uni.createFrom().voidItem();
        // All but the last chunk in transactions of their own; the last commits the batch's offsets with it.
        for (List<DeliveryMessage> chunk : chunks.subList(0, chunks.size() - 1)) {
            earlier = earlier.chain(() -> transactions.run(transaction -> send(chunk, transaction)))
                    .invoke(count -> created.increment(count)).replaceWithVoid();
        }
        List<DeliveryMessage> last = chunks.get(chunks.size() - 1);
        return earlier.chain(() -> transactions.run(batch, transaction -> {
            for (int i = 0; i < plan.continuations().size(); i++) {
                EventMessage event = plan.continuations().get(i);
                transaction.send(
                        records.keyed(event, Topics.EVENTS, event.kafkaKey(), plan.continuationTraceparents().get(i)));
            }
            return send(last, transaction);
        })).onItem().transformToUni(count -> {
            created.increment(count);
            continued.increment(plan.continuations().size());
            DispatchTracing.fannedOut(plan.spans());
            return Uni.createFrom().completionStage(batch::ack);
        }).onFailure().recoverWithUni(failure -> {
            // The transaction was aborted: the same events come again after the pause, from the last committed
            // offsets. The connector set the consumer back already if the batch's own transaction was aborted, not if
            // an earlier chunk's was or the failure came before; set back (again) here, remembering where to, so that
            // batches polled before are not committed past these events. The nack only reports it
            // (failure-strategy=ignore).
            LOG.warnf(failure, "Fan-out of a batch of %d events aborted; reading them again",
                    batch.getPayload().size());
            DispatchTracing.aborted(plan.spans(), failure);
            return positions.rewind().onFailure().recoverWithNull().chain(() -> pauseAfterAbort(batch))
                    .chain(() -> Uni.createFrom().completionStage(() -> batch.nack(failure)));
        });
    }

    /**
     * Whether the batch was polled while the fan-out consumer had no group generation (-1): its heartbeat had just
     * learnt that the group expelled it (a session timeout: a frozen or starved instance, a long GC pause) while its
     * poll returned records of partitions it no longer owned. SmallRye's connector sends a batch's offsets to the
     * transaction with the consumer's group metadata when that carries the batch's generation, and a transactional
     * offset commit without a generation and member id is accepted by the group coordinator unchecked (older producers
     * sent none), so such a batch would be committed while the partition's new owner fans the same events out:
     * duplicate deliveries in {@code herald.deliveries} (the likely source of the pairs the scale-out suite found
     * written twice; not reproduced). Every batch polled as a member carries a generation of 0 or more, and its offsets
     * are checked against the group's membership.
     */
    static boolean polledOutsideTheGroup(Message<?> batch) {
        @SuppressWarnings("rawtypes")
        Optional<IncomingKafkaRecordBatchMetadata> metadata = batch.getMetadata(IncomingKafkaRecordBatchMetadata.class);
        return metadata.isPresent() && metadata.get().getConsumerGroupGenerationId() < 0;
    }

    /**
     * Drops a batch {@linkplain #polledOutsideTheGroup polled outside the group} without a transaction: its partitions'
     * owner, this instance once it joined again or another, reads its events from the committed offsets. The consumer
     * is set back to those offsets too, in case it still holds a partition of the batch.
     */
    private Uni<Void> dropPolledOutsideTheGroup(Message<List<String>> batch) {
        outsideGroup.increment();
        LOG.warnf(
                "Fan-out: a batch of %d events of %s was polled after its consumer was expelled from its group; "
                        + "dropped unfanned, its partitions' owner reads them again from the committed offsets",
                batch.getPayload().size(), Topics.EVENTS);
        IllegalStateException reason = new IllegalStateException(
                "Polled without a consumer-group generation: offsets that cannot be fenced are never committed");
        return positions.rewind().onFailure().recoverWithNull()
                .chain(() -> Uni.createFrom().completionStage(() -> batch.nack(reason)));
    }

    /**
     * Drops a batch {@linkplain FanOutPositions#polledBeforeRewind polled before the consumer was set back} after an
     * aborted fan-out: its events after the aborted ones come again, in order, from the offsets it was set back to.
     */
    private Uni<Void> dropPolledBeforeRewind(Message<List<String>> batch) {
        polledBeforeRewind.increment();
        LOG.debugf("Fan-out: a batch of %d events polled before the consumer was set back dropped unfanned; read again",
                batch.getPayload().size());
        return Uni.createFrom().completionStage(() -> batch.nack(new IllegalStateException(
                "Polled before the consumer was set back to its committed offsets: read again from there")));
    }

    /**
     * The pause after an aborted transaction ({@code fan-out.abort-backoff-ms}), so a broker outage does not spin the
     * consumer; skipped when the consumer group moved on since the batch was polled. Then a rebalance ended the
     * transaction (its offsets carry the old generation and are refused): another replica joined or left, or took over
     * a dead one's partitions, and the events must be fanned out again at once, not a second later.
     */
    private Uni<Void> pauseAfterAbort(Message<List<String>> batch) {
        @SuppressWarnings("rawtypes")
        Optional<IncomingKafkaRecordBatchMetadata> metadata = batch.getMetadata(IncomingKafkaRecordBatchMetadata.class);
        Uni<Void> pause = Uni.createFrom().voidItem().onItem().delayIt().by(abortBackoff);
        if (metadata.isEmpty() || abortBackoff.isZero()) {
            return pause;
        }
        int polledIn = metadata.get().getConsumerGroupGenerationId();
        return positions.rebalancedSince(polledIn).chain(rebalanced -> {
            if (rebalanced) {
                LOG.debugf("Fan-out aborted by a rebalance (generation %d, now another): reading again at once",
                        polledIn);
                return Uni.createFrom().voidItem();
            }
            return pause;
        });
    }

    private Uni<Integer> send(List<DeliveryMessage> deliveries, TransactionalEmitter<String> transaction) {
        deliveries.forEach(delivery -> publisher.send(transaction, delivery));
        return Uni.createFrom().item(deliveries.size());
    }

    /**
     * What one batch of events writes: their deliveries in chunks of at most {@code maxBytes} (at least one delivery
     * each), and the events whose fan-out continues in a later batch.
     *
     * @param chunks never empty; the last one is written with the batch's offsets
     * @param continuations events written back to {@code herald.events}, to fan out to the rest of their endpoints
     * @param continuationTraceparents the {@code traceparent} each continuation carries on (its event's, or null)
     * @param spans the fan-out span of each event planned, ended once the batch is committed or aborted
     * @param deferred large events written back without any delivery, held back (see {@link #holdBack})
     */
    record Plan(List<List<DeliveryMessage>> chunks, List<EventMessage> continuations,
            List<String> continuationTraceparents, List<Span> spans, int deferred) {

        /** Whether the batch writes nothing but deferred events back. */
        boolean onlyDeferred() {
            return deferred > 0 && deferred == continuations.size() && chunks.size() == 1 && chunks.get(0).isEmpty();
        }
    }

    /** Plans a batch of records without trace headers. */
    Plan plan(List<String> events, long maxBytes) {
        return plan(events, Collections.nCopies(events.size(), null), maxBytes);
    }

    /**
     * Plans a batch. An event whose deliveries fit in {@code maxBytes} is fanned out whole, ahead of the large ones.
     * The large ones (and their continuations) share {@code maxBytes} per batch: what does not fit is continued through
     * a record written back to {@code herald.events}, behind the events that arrived meanwhile, so a tenant fanning
     * large events out to thousands of endpoints advances a bounded amount per batch and never holds the partition's
     * other events behind it. Events with an ordering key are never split, so they keep their order.
     * <p>
     * Nor does a large fan-out run ahead of its delivery: while the delivery stage is
     * {@linkplain DeliveryBacklog#behind behind} or the event's tenant is {@linkplain TenantBudgets#saturated
     * saturated} (its deliveries are being postponed for want of its share of in-flight room), large events are written
     * back untouched. Fanned out then, their deliveries would queue in {@code herald.deliveries} in front of other
     * tenants' deliveries (and be postponed through a retry tier, record by record) while those wait.
     */
    Plan plan(List<String> events, List<String> traceparents, long maxBytes) {
        List<DeliveryMessage> whole = new ArrayList<>();
        List<DeliveryMessage> parts = new ArrayList<>();
        List<EventMessage> continuations = new ArrayList<>();
        List<String> continuationTraceparents = new ArrayList<>();
        List<Span> spans = new ArrayList<>();
        long largeBudget = maxBytes;
        int deferred = 0;
        for (int i = 0; i < events.size(); i++) {
            EventMessage event = read(events.get(i));
            if (event != null && event.fanOutAfter() != null && event.orderingKey() == null
                    && holdBack(event.tenant())) {
                // The rest of a large fan-out that is held back now: written back as it is, its deliveries unmade.
                continuations.add(event);
                continuationTraceparents.add(traceparents.get(i));
                deferred++;
                continue;
            }
            List<DeliveryMessage> deliveries = event == null ? List.of() : deliveriesOf(event);
            if (event != null) {
                // Each delivery carries its event's fan-out span, so every attempt, retries included, is its child.
                Span span = tracing.startFanOut(event, traceparents.get(i));
                span.setAttribute("herald.deliveries", (long) deliveries.size());
                spans.add(span);
                String traceparent = DispatchTracing.traceparent(span);
                if (traceparent != null) {
                    deliveries = deliveries.stream().map(d -> d.withTraceparent(traceparent)).toList();
                }
            }
            long bytes = deliveries.stream().mapToLong(FanOut::sizeOf).sum();
            if (event == null || event.orderingKey() != null || event.fanOutAfter() == null && bytes <= maxBytes) {
                whole.addAll(deliveries);
                continue;
            }
            int taken = 0;
            boolean defer = holdBack(event.tenant());
            deferred += defer ? 1 : 0;
            while (!defer && taken < deliveries.size()
                    && (parts.isEmpty() || sizeOf(deliveries.get(taken)) <= largeBudget)) {
                largeBudget -= sizeOf(deliveries.get(taken));
                parts.add(deliveries.get(taken++));
            }
            if (taken < deliveries.size()) {
                String after = taken > 0 ? deliveries.get(taken - 1).endpointId()
                        : event.fanOutAfter() != null ? event.fanOutAfter() : FROM_THE_START;
                continuations.add(event.continuedAfter(after));
                continuationTraceparents.add(traceparents.get(i));
            }
        }
        whole.addAll(parts);
        return new Plan(chunks(whole, maxBytes), continuations, continuationTraceparents, spans, deferred);
    }

    /** Whether a large fan-out of the tenant is held back now: delivery is behind, or the tenant is saturated. */
    private boolean holdBack(String tenant) {
        return backlog != null && backlog.behind() || budgets != null && budgets.saturated(tenant);
    }

    /** {@code deliveries} in order, in chunks of at most {@code maxBytes} (at least one delivery each); never empty. */
    private static List<List<DeliveryMessage>> chunks(List<DeliveryMessage> deliveries, long maxBytes) {
        List<List<DeliveryMessage>> chunks = new ArrayList<>();
        List<DeliveryMessage> chunk = new ArrayList<>();
        long bytes = 0;
        for (DeliveryMessage delivery : deliveries) {
            long size = sizeOf(delivery);
            if (!chunk.isEmpty() && bytes + size > maxBytes) {
                chunks.add(chunk);
                chunk = new ArrayList<>();
                bytes = 0;
            }
            chunk.add(delivery);
            bytes += size;
        }
        chunks.add(chunk);
        return chunks;
    }

    /** What one delivery record takes on the wire and in the producer's buffer, about. */
    private static long sizeOf(DeliveryMessage delivery) {
        return delivery.payload().length() + 512L;
    }

    /** The deliveries of one event; none for an event that cannot be rendered (logged). */
    private List<DeliveryMessage> deliveriesOf(EventMessage event) {
        try {
            return deliveriesFor(event);
        } catch (RuntimeException e) {
            // An event that cannot be rendered would abort every retry of its batch and stall the partition for good.
            LOG.warnf(e, "Skipping event %s on %s: it cannot be fanned out", event.id(), Topics.EVENTS);
            return List.of();
        }
    }

    /** The event of a record, or null (logged) for one that cannot be an event: it is skipped. */
    private EventMessage read(String json) {
        return records.readOrSkip(json, EventMessage.class, Topics.EVENTS,
                e -> e.id() == null || e.tenant() == null || e.type() == null || e.occurredAt() == null
                        ? "id, tenant, type and occurredAt"
                        : null);
    }
}
