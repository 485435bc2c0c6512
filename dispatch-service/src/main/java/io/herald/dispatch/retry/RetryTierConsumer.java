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
import io.herald.dispatch.DeliveryPolicyConfig;
import io.herald.dispatch.delivery.DeliveryProcessor;
import io.herald.dispatch.routing.EndpointStateConsumer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;

/**
 * Consumes the retry tiers ({@code herald.retry.<tier>}, one channel {@code retry-<tier>} each) and runs each record
 * through {@link DeliveryProcessor} once its {@code notBefore} has passed, never earlier.
 * <p>
 * A record not yet due waits on a timer (no thread held) and its partition is paused on the consumer until no record of
 * it waits any more, so a tier holds at most one poll's worth of records per partition in memory. Due records of other
 * partitions, and records behind the waiting one once due, keep flowing: records of a tier run concurrently and are
 * acknowledged out of order; the {@code throttled} commit strategy commits an offset only once every record before it
 * was handled. A waiting record stays unacknowledged (that is what makes a restart lose nothing), so these channels
 * disable {@code throttled.unprocessed-record-max-age.ms}.
 */
@ApplicationScoped
public class RetryTierConsumer {

    private static final Logger LOG = Logger.getLogger(RetryTierConsumer.class);

    private final Map<String, Multi<Message<String>>> tiers = new LinkedHashMap<>();
    private final Map<String, AtomicInteger> waitingByTier = new LinkedHashMap<>();
    private final Map<TopicPartition, Integer> waitingByPartition = new java.util.HashMap<>();
    private final EndpointStateConsumer routing;
    private final DeliveryProcessor processor;
    private final KafkaClientService clients;
    private final Clock clock;
    private final int concurrency;
    private final MeterRegistry registry;

    RetryTierConsumer(@Channel("retry-5s") Multi<Message<String>> tier5s,
            @Channel("retry-1m") Multi<Message<String>> tier1m, @Channel("retry-5m") Multi<Message<String>> tier5m,
            @Channel("retry-30m") Multi<Message<String>> tier30m, @Channel("retry-2h") Multi<Message<String>> tier2h,
            @Channel("retry-10h") Multi<Message<String>> tier10h, EndpointStateConsumer routing,
            DeliveryProcessor processor, KafkaClientService clients, Clock clock, DeliveryPolicyConfig config,
            MeterRegistry registry) {
        List<Multi<Message<String>>> channels = List.of(tier5s, tier1m, tier5m, tier30m, tier2h, tier10h);
        if (!Topics.RETRY_TIERS.equals(List.of("5s", "1m", "5m", "30m", "2h", "10h"))) {
            throw new IllegalStateException("Retry tiers changed in contracts: " + Topics.RETRY_TIERS
                    + "; give each a retry-<tier> channel here and in application.properties");
        }
        for (int i = 0; i < channels.size(); i++) {
            tiers.put(Topics.RETRY_TIERS.get(i), channels.get(i));
            waitingByTier.put(Topics.RETRY_TIERS.get(i), new AtomicInteger());
        }
        this.routing = routing;
        this.processor = processor;
        this.clients = clients;
        this.clock = clock;
        this.concurrency = config.retry().tierConcurrency();
        this.registry = registry;
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
            records.onItem().transformToUni(message -> whenDue(tier, message).onFailure().recoverWithUni(failure -> {
                // Never end the tier's stream over one record: it stays unacknowledged and comes back on restart.
                LOG.errorf(failure, "Handling a record of %s failed", Topics.retryTier(tier));
                return Uni.createFrom().completionStage(() -> message.nack(failure));
            })).merge(concurrency).subscribe().with(ignored -> {
            }, failure -> LOG.errorf(failure, "Stopped consuming %s", Topics.retryTier(tier)));
        });
    }

    private Uni<Void> whenDue(String tier, Message<String> message) {
        DeliveryMessage delivery = DeliveryProcessor.read(message.getPayload());
        Instant due = delivery == null ? null : delivery.notBefore();
        Duration wait = due == null ? Duration.ZERO : Duration.between(clock.instant(), due);
        if (wait.isNegative() || wait.isZero()) {
            return processor.process(message, delivery);
        }
        Optional<TopicPartition> partition = message.getMetadata(IncomingKafkaRecordMetadata.class)
                .map(m -> new TopicPartition(m.getTopic(), m.getPartition()));
        partition.ifPresent(p -> hold(tier, p));
        waitingByTier.get(tier).incrementAndGet();
        return waitUntil(due).eventually(() -> {
            waitingByTier.get(tier).decrementAndGet();
            partition.ifPresent(p -> release(tier, p));
        }).chain(() -> processor.process(message, delivery));
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

    /** The first waiting record of a partition pauses it; the pause goes through the consumer's own polling thread. */
    private synchronized void hold(String tier, TopicPartition partition) {
        int waiting = waitingByPartition.merge(partition, 1, Integer::sum);
        if (waiting == 1) {
            onConsumersOf(tier, partition, true);
        }
    }

    private synchronized void release(String tier, TopicPartition partition) {
        Integer waiting = waitingByPartition.computeIfPresent(partition, (p, n) -> n <= 1 ? null : n - 1);
        if (waiting == null) {
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
