package io.herald.dispatch.deadletter;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.reactive.messaging.Channel;

import io.herald.contracts.Topics;
import io.herald.contracts.messages.DeadLetterMessage;
import io.herald.contracts.messages.DeadLetterReason;
import io.herald.contracts.messages.DeliveryMessage;
import io.herald.dispatch.KafkaRecords;
import io.herald.dispatch.operational.DeadLetterNotices;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;

/**
 * Writes deliveries that will not be tried again to {@code herald.dlq}, keyed by endpoint id, with the last error; the
 * tenant hears of them through {@code herald.dead_letter.created} ({@link DeadLetterNotices}).
 */
@ApplicationScoped
public class DeadLetterPublisher {

    private final MutinyEmitter<String> emitter;
    private final MeterRegistry registry;
    private final DeadLetterNotices notices;
    private final KafkaRecords records;

    DeadLetterPublisher(@Channel("dlq-out") MutinyEmitter<String> emitter, MeterRegistry registry,
            DeadLetterNotices notices, KafkaRecords records) {
        this.records = records;
        this.emitter = emitter;
        this.notices = notices;
        this.registry = registry;
    }

    /** Instantiates the bean at startup so that the counters are exported (at 0) before the first dead letter. */
    void onStart(@Observes StartupEvent event) {
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            counter(reason);
        }
    }

    /** Completes once Kafka acknowledged the record. */
    public Uni<Void> publish(DeliveryMessage delivery, DeadLetterReason reason, Integer lastStatusCode,
            String lastError, Instant now) {
        DeadLetterMessage deadLetter = new DeadLetterMessage(DeadLetterMessage.SCHEMA_VERSION, delivery, lastStatusCode,
                lastError, now, reason);
        return emitter.sendMessage(records.keyed(deadLetter, Topics.DLQ, delivery.endpointId()))
                .invoke(() -> counter(reason).increment()).invoke(() -> notices.created(deadLetter));
    }

    private Counter counter(DeadLetterReason reason) {
        return Counter.builder("herald.dlq.deliveries")
                .description("Deliveries written to the dead-letter topic, by reason").tag("reason", reason.name())
                .register(registry);
    }
}
