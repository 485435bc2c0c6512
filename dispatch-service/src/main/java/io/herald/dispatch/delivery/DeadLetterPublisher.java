package io.herald.dispatch.delivery;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

import io.herald.contracts.Json;
import io.herald.contracts.Topics;
import io.herald.contracts.messages.DeadLetterMessage;
import io.herald.contracts.messages.DeliveryMessage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/** Writes deliveries that will not be tried again to {@code herald.dlq}, keyed by endpoint id, with the last error. */
@ApplicationScoped
public class DeadLetterPublisher {

    private final MutinyEmitter<String> emitter;
    private final Counter deadLetters;

    DeadLetterPublisher(@Channel("dlq-out") MutinyEmitter<String> emitter, MeterRegistry registry) {
        this.emitter = emitter;
        this.deadLetters = Counter.builder("herald.dlq.deliveries")
                .description("Deliveries written to the dead-letter topic").register(registry);
    }

    /** Instantiates the bean at startup so that the counter is exported (at 0) before the first dead letter. */
    void onStart(@Observes StartupEvent event) {
        deadLetters.count();
    }

    /** Completes once Kafka acknowledged the record. */
    public Uni<Void> publish(DeliveryMessage delivery, Integer lastStatusCode, String lastError, Instant now) {
        DeadLetterMessage deadLetter = new DeadLetterMessage(DeadLetterMessage.SCHEMA_VERSION, delivery, lastStatusCode,
                lastError, now);
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String> builder()
                .withTopic(Topics.DLQ).withKey(delivery.endpointId()).build();
        return emitter.sendMessage(Message.of(Json.write(deadLetter)).addMetadata(metadata))
                .invoke(() -> deadLetters.increment());
    }
}
