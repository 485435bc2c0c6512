package io.herald.dispatch.delivery;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;

import io.herald.contracts.Topics;
import io.herald.contracts.messages.AttemptMessage;
import io.herald.dispatch.KafkaRecords;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;

/** Writes attempt records to {@code herald.attempts}, keyed by endpoint id; subscription builds the delivery log. */
@ApplicationScoped
public class AttemptPublisher {

    private final MutinyEmitter<String> emitter;

    AttemptPublisher(@Channel("attempts-out") MutinyEmitter<String> emitter) {
        this.emitter = emitter;
    }

    /** Completes once Kafka acknowledged the record. */
    public Uni<Void> publish(AttemptMessage attempt) {
        return emitter.sendMessage(KafkaRecords.keyed(attempt, Topics.ATTEMPTS, attempt.endpointId()));
    }
}
