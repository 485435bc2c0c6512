package io.herald.dispatch.delivery;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

import io.herald.contracts.Json;
import io.herald.contracts.Topics;
import io.herald.contracts.messages.AttemptMessage;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/** Writes attempt records to {@code herald.attempts}, keyed by endpoint id; subscription builds the delivery log. */
@ApplicationScoped
public class AttemptPublisher {

    private final MutinyEmitter<String> emitter;

    AttemptPublisher(@Channel("attempts-out") MutinyEmitter<String> emitter) {
        this.emitter = emitter;
    }

    /** Completes once Kafka acknowledged the record. */
    public Uni<Void> publish(AttemptMessage attempt) {
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String> builder()
                .withTopic(Topics.ATTEMPTS).withKey(attempt.endpointId()).build();
        return emitter.sendMessage(Message.of(Json.write(attempt)).addMetadata(metadata));
    }
}
