package io.herald.dispatch.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.herald.contracts.messages.DeliveryMessage;
import io.herald.dispatch.KafkaRecords;
import io.herald.dispatch.OrderedConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;

/**
 * Delivery in order for endpoints with {@code ordered: true}: a FIFO per endpoint, in the order of
 * {@code herald.deliveries} (records are keyed by endpoint id, so one partition, hence one consumer of one instance,
 * holds all of an endpoint's deliveries). The head is sent like any delivery (same guards, signature, credentials and
 * outcome policy); the next one only once it got a 2xx or became a dead letter (or was dropped: endpoint deleted).
 * <p>
 * A retry, or a postponement (breaker open, rate limit), waits in place: the head keeps its place and is tried again at
 * the due time its retry schedule, {@code Retry-After} or breaker asks for, by this instance. Nothing of an ordered
 * endpoint goes through the shared retry tiers, where a later delivery could overtake it.
 * <p>
 * Each record is acknowledged only once done, so the committed offset of its partition never passes an undelivered
 * webhook of an ordered endpoint: after a crash, the new owner of the partition starts again at or before the oldest
 * such webhook, and may repeat the head (and what its neighbours did since), never skip it, and never send a later one
 * first. The cost is borne by the partition's other endpoints: they keep full speed (this class takes a record off the
 * consumer's hands at once), but their records past a waiting head are not committed until it is done, so a crash
 * repeats them too. See docs/architecture.md, "Ordered delivery".
 * <p>
 * Memory: each queue holds at most {@code ordered.max-bytes-per-endpoint} and all together at most
 * {@code ordered.max-bytes} of records; a record past a bound becomes a dead letter ({@code ORDERED_QUEUE_FULL}) and
 * the queue goes on with the next.
 */
@ApplicationScoped
public class OrderedDeliveries {

    private static final Logger LOG = Logger.getLogger(OrderedDeliveries.class);

    /** Delivers one delivery, handing whatever must wait to {@code later}. */
    @FunctionalInterface
    public interface Delivering {
        Uni<Void> deliver(DeliveryMessage delivery, OutcomePolicy.HandOff later);
    }

    private record Entry(Message<String> message, DeliveryMessage delivery, long bytes) {
    }

    private static final class Queue {

        private final String endpointId;
        private final Delivering delivering;
        private final ArrayDeque<Entry> entries = new ArrayDeque<>();
        private long bytes;
        private boolean running;
        private Instant headSince;
        /** The partition of the endpoint's records, or -1 when unknown. */
        private int partition = -1;
        /** Its partition went to another consumer: that one delivers from the committed offset on; this one stops. */
        private boolean revoked;

        private Queue(String endpointId, Delivering delivering) {
            this.endpointId = endpointId;
            this.delivering = delivering;
        }
    }

    private final OutcomePolicy outcomes;
    private final Clock clock;
    private final long maxBytesPerEndpoint;
    private final long maxBytes;
    private final Map<String, Queue> queues = new HashMap<>();
    private long bytes;

    OrderedDeliveries(OutcomePolicy outcomes, Clock clock, OrderedConfig config, MeterRegistry registry) {
        this.outcomes = outcomes;
        this.clock = clock;
        this.maxBytesPerEndpoint = config.maxBytesPerEndpoint();
        this.maxBytes = config.maxBytes();
        Gauge.builder("herald.ordered.queued.bytes", this, OrderedDeliveries::bytes)
                .description("Bytes of delivery records waiting in ordered endpoints' queues (the heads included)")
                .register(registry);
        Gauge.builder("herald.ordered.queued.deliveries", this, OrderedDeliveries::deliveries)
                .description("Deliveries waiting in ordered endpoints' queues (the heads included)").register(registry);
        Gauge.builder("herald.ordered.head.age.seconds", this, OrderedDeliveries::oldestHeadSeconds).description(
                "How long the oldest head of an ordered endpoint's queue has been in delivery; its partition's offset "
                        + "is not committed past it")
                .register(registry);
    }

    /**
     * Takes a consumed record of an ordered endpoint: queued behind the endpoint's earlier deliveries, delivered with
     * {@code delivering} in turn, and acknowledged once done. Completes once queued (or, past a bound, once it is a
     * dead letter and acknowledged).
     */
    public Uni<Void> offer(Message<String> message, DeliveryMessage delivery, Delivering delivering) {
        long size = KafkaRecords.sizeOf(message);
        String refusal = null;
        Queue start = null;
        synchronized (this) {
            Queue queue = queues.get(delivery.endpointId());
            if (queue != null && queue.revoked) {
                // The partition came back (an eager rebalance revokes all, then assigns): a queue of its own, from the
                // committed offset on; the old one ends with the attempt it has in flight.
                queue = null;
            }
            long queued = queue == null ? 0 : queue.bytes;
            if (queued > 0 && queued + size > maxBytesPerEndpoint) {
                refusal = "The endpoint delivers in order and already has " + queued + " bytes of deliveries waiting "
                        + "(herald.dispatch.ordered.max-bytes-per-endpoint is " + maxBytesPerEndpoint + ")";
            } else if (bytes > 0 && bytes + size > maxBytes) {
                refusal = "Ordered endpoints already have " + bytes + " bytes of deliveries waiting on this instance "
                        + "(herald.dispatch.ordered.max-bytes is " + maxBytes + ")";
            } else {
                if (queue == null) {
                    queue = new Queue(delivery.endpointId(), delivering);
                    queue.partition = message.getMetadata(IncomingKafkaRecordMetadata.class)
                            .map(IncomingKafkaRecordMetadata::getPartition).orElse(-1);
                    queues.put(queue.endpointId, queue);
                }
                queue.entries.addLast(new Entry(message, delivery, size));
                queue.bytes += size;
                bytes += size;
                if (!queue.running) {
                    queue.running = true;
                    start = queue;
                }
            }
        }
        if (refusal != null) {
            LOG.warnf("Delivery %s becomes a dead letter: %s", delivery.id(), refusal);
            return outcomes.orderedQueueFull(delivery, refusal + "; delivery not queued")
                    .chain(() -> Uni.createFrom().completionStage(message::ack)).onFailure().recoverWithUni(failure -> {
                        LOG.errorf(failure, "Recording the outcome of delivery %s failed", delivery.id());
                        return Uni.createFrom().completionStage(() -> message.nack(failure));
                    });
        }
        if (start != null) {
            next(start);
        }
        return Uni.createFrom().voidItem();
    }

    /** Delivers the queue's head, then the next, until the queue is empty. */
    private void next(Queue queue) {
        Entry head;
        synchronized (this) {
            head = queue.revoked ? null : queue.entries.peekFirst();
            if (head == null) {
                queue.running = false;
                queue.headSince = null;
                queues.remove(queue.endpointId, queue);
                return;
            }
            queue.headSince = clock.instant();
        }
        untilDone(queue, head.delivery()).chain(() -> revoked(queue) ? Uni.createFrom().voidItem()
                : Uni.createFrom().completionStage(head.message()::ack)).subscribe().with(done -> {
                    remove(queue, head);
                    next(queue);
                }, failure -> {
                    // The outcome is not durable: the channel stops (failure-strategy=fail) and a restart reads the
                    // head again. Nothing behind it may go first.
                    LOG.errorf(failure, "Recording the outcome of ordered delivery %s failed; its queue stops",
                            head.delivery().id());
                    abandon(queue, failure);
                });
    }

    /** Delivers {@code delivery}; a retry or a postponement waits here until due and goes again, in place. */
    private Uni<Void> untilDone(Queue queue, DeliveryMessage delivery) {
        AtomicReference<DeliveryMessage> again = new AtomicReference<>();
        return queue.delivering.deliver(delivery, (next, now) -> {
            again.set(next);
            return Uni.createFrom().voidItem();
        }).chain(() -> {
            DeliveryMessage next = again.get();
            if (next == null) {
                return Uni.createFrom().voidItem();
            }
            Duration wait = next.notBefore() == null ? Duration.ZERO
                    : Duration.between(clock.instant(), next.notBefore());
            Uni<Void> due = wait.isNegative() || wait.isZero() ? Uni.createFrom().voidItem()
                    : Uni.createFrom().voidItem().onItem().delayIt().by(wait);
            return due.chain(() -> revoked(queue) ? Uni.createFrom().voidItem() : untilDone(queue, next));
        });
    }

    private synchronized void remove(Queue queue, Entry head) {
        if (queue.entries.peekFirst() == head) {
            queue.entries.removeFirst();
            queue.bytes -= head.bytes();
            bytes -= head.bytes();
        }
    }

    private void abandon(Queue queue, Throwable failure) {
        ArrayDeque<Entry> dropped;
        synchronized (this) {
            dropped = new ArrayDeque<>(queue.entries);
            queue.entries.clear();
            bytes -= queue.bytes;
            queue.bytes = 0;
            queue.running = false;
            queue.headSince = null;
            queues.remove(queue.endpointId, queue);
        }
        dropped.forEach(entry -> entry.message().nack(failure));
    }

    /**
     * The consumer lost {@code partitions} of {@code herald.deliveries} (a rebalance): their queues stop after the
     * request in flight, if any, and forget what waits. Their new owner reads them again from the committed offset,
     * which is at or before each queue's head, so nothing is lost, and two instances do not send one endpoint's
     * webhooks side by side for long.
     */
    public void revoked(Collection<Integer> partitions) {
        synchronized (this) {
            for (Queue queue : List.copyOf(queues.values())) {
                if (partitions.contains(queue.partition)) {
                    queue.revoked = true;
                    // The head (if running) stays until its attempt ends; the rest goes.
                    Entry head = queue.running ? queue.entries.pollFirst() : null;
                    for (Entry entry : queue.entries) {
                        queue.bytes -= entry.bytes();
                        bytes -= entry.bytes();
                    }
                    queue.entries.clear();
                    if (head != null) {
                        queue.entries.addFirst(head);
                    } else {
                        queues.remove(queue.endpointId, queue);
                    }
                }
            }
        }
    }

    private synchronized boolean revoked(Queue queue) {
        return queue.revoked;
    }

    /** Bytes of records in ordered queues. */
    public synchronized long bytes() {
        return bytes;
    }

    /** Deliveries in ordered queues, the heads included. */
    public synchronized int deliveries() {
        return queues.values().stream().mapToInt(queue -> queue.entries.size()).sum();
    }

    /** Deliveries waiting in {@code endpointId}'s queue, its head included. */
    public synchronized int queued(String endpointId) {
        Queue queue = queues.get(endpointId);
        return queue == null ? 0 : queue.entries.size();
    }

    private synchronized double oldestHeadSeconds() {
        Instant now = clock.instant();
        return queues.values().stream().filter(queue -> queue.headSince != null)
                .mapToDouble(queue -> Duration.between(queue.headSince, now).toMillis() / 1000.0).max().orElse(0);
    }
}
