package io.herald.dispatch.retry;

import java.time.Duration;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

import io.herald.contracts.Json;
import io.herald.contracts.Topics;
import io.herald.contracts.messages.DeliveryMessage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Hands a delivery to the retry tier matching its delay ({@link RetryTiers}), keyed by endpoint id. The record carries
 * its due time in {@link DeliveryMessage#notBefore()}; the tier consumer does not run it earlier.
 */
@ApplicationScoped
public class RetryPublisher {

    private final MutinyEmitter<String> emitter;
    private final MeterRegistry registry;

    RetryPublisher(@Channel("retries-out") MutinyEmitter<String> emitter, MeterRegistry registry) {
        this.emitter = emitter;
        this.registry = registry;
    }

    /** Completes with the tier used once Kafka acknowledged the record. */
    public Uni<String> schedule(DeliveryMessage delivery, Instant now) {
        Instant due = delivery.notBefore() != null ? delivery.notBefore() : now;
        String tier = RetryTiers.tierFor(Duration.between(now, due));
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String> builder()
                .withTopic(Topics.retryTier(tier)).withKey(delivery.endpointId()).build();
        return emitter.sendMessage(Message.of(Json.write(delivery)).addMetadata(metadata)).replaceWith(tier)
                .invoke(t -> Counter.builder("herald.retry.scheduled")
                        .description("Deliveries handed to a retry tier, by tier").tag("tier", t).register(registry)
                        .increment());
    }
}
