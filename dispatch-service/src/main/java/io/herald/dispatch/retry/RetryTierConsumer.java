package io.herald.dispatch.retry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.herald.contracts.Topics;
import io.herald.contracts.messages.DeliveryMessage;
import io.herald.dispatch.BoundedInFlight;
import io.herald.dispatch.DeliveryPolicyConfig;
import io.herald.dispatch.KafkaRecords;
import io.herald.dispatch.routing.RoutingTable;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;

/**
 * Consumes the retry tiers ({@code herald.retry.<tier>}, one channel {@code retry-<tier>} each) and hands each record
 * to the delivery stage once its {@code notBefore} has passed, never earlier.
 * <p>
 * No record in a tier waits behind one due later. A record stays in a tier at most the tier's delay, counted from when
 * it was written (its Kafka timestamp): it wakes at its due time or at that tier deadline, whichever comes first. Woken
 * at the tier deadline and not yet due, it is forwarded to the tier matching what is left of its wait
 * ({@link RetryPublisher}), carrying the same due time. Since {@link RetryTiers#tierFor} puts a record into a tier no
 * longer than its wait, every record of a tier (the shortest aside) wakes exactly the tier's delay after it was
 * written: in a partition, in offset order, so a record waiting never holds back one due sooner. In the shortest tier a
 * record may wake earlier than the ones before it; those are held concurrently.
 * <p>
 * A record waits on a timer (no thread held), unacknowledged: a restart reads it again, so nothing is lost. A partition
 * is paused only while {@code retry.max-waiting-per-partition} of its records wait, and a tier takes no further record
 * while {@code retry.max-bytes-per-tier} of them are held, which bounds memory; by the above that never delays a record
 * due sooner than the ones held (in the shortest tier, by at most its delay), unless a tier's byte budget is full.
 * Records run concurrently and are acknowledged out of order; the {@code throttled} commit strategy commits an offset
 * only once every record before it was handled, so these channels disable
 * {@code throttled.unprocessed-record-max-age.ms}.
 */
@ApplicationScoped
public class RetryTierConsumer {

    private static final Logger LOG = Logger.getLogger(RetryTierConsumer.class);

    private final Map<String, Multi<Message<String>>> tiers = new LinkedHashMap<>();
    private final Map<String, AtomicInteger> waitingByTier = new LinkedHashMap<>();
    private final Map<TopicPartition, Integer> waitingByPartition = new java.util.HashMap<>();
    private final RoutingTable routing;
    private final DueDeliveries deliveries;
    private final RetryPublisher retries;
    private final KafkaClientService clients;
    private final Clock clock;
    private final int concurrency;
    private final int maxWaitingPerPartition;
    private final long maxBytesPerTier;
    private final MeterRegistry registry;
    private final KafkaRecords records;

    RetryTierConsumer(@Channel("retry-5s") Multi<Message<String>> tier5s,
            @Channel("retry-1m") Multi<Message<String>> tier1m, @Channel("retry-5m") Multi<Message<String>> tier5m,
            @Channel("retry-30m") Multi<Message<String>> tier30m, @Channel("retry-2h") Multi<Message<String>> tier2h,
            @Channel("retry-10h") Multi<Message<String>> tier10h, RoutingTable routing, DueDeliveries deliveries,
            RetryPublisher retries, KafkaClientService clients, Clock clock, DeliveryPolicyConfig config,
            MeterRegistry registry, KafkaRecords records) {
        List<Multi<Message<String>>> channels = List.of(tier5s, tier1m, tier5m, tier30m, tier2h, tier10h);
        if (!Topics.RETRY_TIERS.equals(List.of("5s", "1m", "5m", "30m", "2h", "10h"))) {
            throw new IllegalStateException("Retry tiers changed in contracts: " + Topics.RETRY_TIERS
                    + "; give each a retry-<tier> channel here");
        }
        for (int i = 0; i < channels.size(); i++) {
            tiers.put(Topics.RETRY_TIERS.get(i), channels.get(i));
            waitingByTier.put(Topics.RETRY_TIERS.get(i), new AtomicInteger());
        }
        this.routing = routing;
        this.deliveries = deliveries;
        this.retries = retries;
        this.clients = clients;
        this.clock = clock;
        this.concurrency = config.retry().tierConcurrency();
        this.maxWaitingPerPartition = config.retry().maxWaitingPerPartition();
        this.maxBytesPerTier = config.retry().maxBytesPerTier();
        this.registry = registry;
        this.records = records;
    }

    /** The channel consuming one tier's topic. */
    public static String channel(String tier) {
        return "retry-" + tier;
    }

    void onStart(@Observes StartupEvent event) {
        waitingByTier.forEach((tier, waiting) -> Gauge.builder("herald.retry.waiting", waiting, AtomicInteger::get)
                .description("Records read from a retry tier and waiting for their due time (the retry backlog held)")
                .tag("tier", tier).strongReference(true).register(registry));
        routing.whenLoaded().thenRun(this::consume);
    }

    private void consume() {
        tiers.forEach((tier, records) -> {
            LOG.infof("Consuming %s", Topics.retryTier(tier));
            BoundedInFlight<Message<String>> held = BoundedInFlight.consume(Topics.retryTier(tier), records,
                    concurrency, maxBytesPerTier, KafkaRecords::sizeOf,
                    message -> whenDue(tier, message).onFailure().recoverWithUni(failure -> {
                        // Never end the tier's stream over one record: it stays unacknowledged, read again on restart.
                        LOG.errorf(failure, "Handling a record of %s failed", Topics.retryTier(tier));
                        return Uni.createFrom().completionStage(() -> message.nack(failure));
                    }));
            Gauge.builder("herald.retry.held.bytes", held, BoundedInFlight::bytes)
                    .description("Bytes of retry records read from a tier and not yet done").tag("tier", tier)
                    .register(registry);
        });
    }

    private Uni<Void> whenDue(String tier, Message<String> message) {
        DeliveryMessage delivery = records.delivery(message.getPayload(),
                message.getMetadata(IncomingKafkaRecordMetadata.class).map(IncomingKafkaRecordMetadata::getTopic)
                        .orElse("a retry tier"));
        Instant now = clock.instant();
        Instant due = delivery == null || delivery.notBefore() == null ? now : delivery.notBefore();
        Optional<IncomingKafkaRecordMetadata> metadata = message.getMetadata(IncomingKafkaRecordMetadata.class);
        Instant written = metadata.map(IncomingKafkaRecordMetadata::getTimestamp).filter(t -> t.isBefore(now))
                .orElse(now);
        Instant wake = earlier(due, written.plus(RetryTiers.delayOf(tier)));
        if (!wake.isAfter(now)) {
            return handOver(tier, message, delivery, due);
        }
        Optional<TopicPartition> partition = metadata.map(m -> new TopicPartition(m.getTopic(), m.getPartition()));
        partition.ifPresent(p -> hold(tier, p));
        waitingByTier.get(tier).incrementAndGet();
        return waitUntil(wake).eventually(() -> {
            waitingByTier.get(tier).decrementAndGet();
            partition.ifPresent(p -> release(tier, p));
        }).chain(() -> handOver(tier, message, delivery, due));
    }

    /** Delivers a record that is due; forwards one that is not to the tier matching the rest of its wait. */
    private Uni<Void> handOver(String tier, Message<String> message, DeliveryMessage delivery, Instant due) {
        Instant now = clock.instant();
        if (delivery == null || !due.isAfter(now)) {
            return deliveries.process(message, delivery);
        }
        return retries.forward(delivery, now, tier).chain(() -> Uni.createFrom().completionStage(message::ack));
    }

    private static Instant earlier(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    /** Completes at {@code due} by the injected clock (timers may fire a little early; wait again then). */
    private Uni<Void> waitUntil(Instant due) {
        return Uni.createFrom().deferred(() -> {
            long leftNanos = Duration.between(clock.instant(), due).toNanos();
            if (leftNanos <= 0) {
                return Uni.createFrom().voidItem();
            }
            // Timers take whole milliseconds (at least one): round up, never run early.
            Duration left = Duration.ofMillis(Math.max(1, (leftNanos + 999_999) / 1_000_000));
            return Uni.createFrom().voidItem().onItem().delayIt().by(left).chain(() -> waitUntil(due));
        });
    }

    /** A partition with too many records waiting is paused; the pause goes through the consumer's polling thread. */
    private synchronized void hold(String tier, TopicPartition partition) {
        int waiting = waitingByPartition.merge(partition, 1, Integer::sum);
        if (waiting == maxWaitingPerPartition) {
            onConsumersOf(tier, partition, true);
        }
    }

    private synchronized void release(String tier, TopicPartition partition) {
        Integer waiting = waitingByPartition.computeIfPresent(partition, (p, n) -> n <= 1 ? null : n - 1);
        if ((waiting == null ? 0 : waiting) == maxWaitingPerPartition - 1) {
            onConsumersOf(tier, partition, false);
        }
    }

    private void onConsumersOf(String tier, TopicPartition partition, boolean pause) {
        // Called under the lock, so pause and resume of one partition are queued to the polling thread in order.
        for (KafkaConsumer<Object, Object> consumer : clients.<Object, Object> getConsumers(channel(tier))) {
            consumer.runOnPollingThread(c -> {
                if (c.assignment().contains(partition)) {
                    if (pause) {
                        c.pause(Set.of(partition));
                    } else {
                        c.resume(Set.of(partition));
                    }
                }
            }).subscribe().with(ignored -> {
            }, failure -> LOG.debugf("Could not %s %s: %s", pause ? "pause" : "resume", partition,
                    failure.getMessage()));
        }
    }

}
