package io.herald.dispatch.retry;

import java.time.Duration;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;

import io.herald.contracts.Topics;
import io.herald.contracts.messages.DeliveryMessage;
import io.herald.dispatch.KafkaRecords;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;

/**
 * Hands a delivery to the retry tier matching its delay ({@link RetryTiers}), keyed by endpoint id. The record carries
 * its due time in {@link DeliveryMessage#notBefore()}; the tier consumer does not run it earlier.
 */
@ApplicationScoped
public class RetryPublisher {

    private final MutinyEmitter<String> emitter;
    private final MeterRegistry registry;
    private final KafkaRecords records;

    RetryPublisher(@Channel("retries-out") MutinyEmitter<String> emitter, MeterRegistry registry,
            KafkaRecords records) {
        this.emitter = emitter;
        this.registry = registry;
        this.records = records;
    }

    /**
     * Moves a record woken at the end of its wait in {@code fromTier} but not yet due to the tier matching what is left
     * of its wait; completes once Kafka acknowledged it.
     */
    public Uni<Void> forward(DeliveryMessage delivery, Instant now, String fromTier) {
        Counter.builder("herald.retry.forwarded").description("Records moved on from a retry tier before they were due")
                .tag("tier", fromTier).register(registry).increment();
        return send(delivery, RetryTiers.tierFor(Duration.between(now, delivery.notBefore()))).replaceWithVoid();
    }

    /** Completes with the tier used once Kafka acknowledged the record. */
    public Uni<String> schedule(DeliveryMessage delivery, Instant now) {
        Instant due = delivery.notBefore() != null ? delivery.notBefore() : now;
        return send(delivery, RetryTiers.tierFor(Duration.between(now, due)));
    }

    private Uni<String> send(DeliveryMessage delivery, String tier) {
        return emitter.sendMessage(records.keyed(delivery, Topics.retryTier(tier), delivery.endpointId()))
                .replaceWith(tier)
                .invoke(t -> Counter.builder("herald.retry.scheduled")
                        .description("Deliveries handed to a retry tier, by tier").tag("tier", t).register(registry)
                        .increment());
    }
}
