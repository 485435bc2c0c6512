package io.herald.dispatch.delivery;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;

import io.herald.contracts.Topics;
import io.herald.contracts.messages.AttemptMessage;
import io.herald.dispatch.KafkaRecords;
import io.herald.dispatch.tracing.DispatchTracing;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;

/** Writes attempt records to {@code herald.attempts}, keyed by endpoint id; subscription builds the delivery log. */
@ApplicationScoped
public class AttemptPublisher {

    private final MutinyEmitter<String> emitter;
    private final DispatchTracing tracing;
    private final KafkaRecords records;

    AttemptPublisher(@Channel("attempts-out") MutinyEmitter<String> emitter, DispatchTracing tracing,
            KafkaRecords records) {
        this.emitter = emitter;
        this.tracing = tracing;
        this.records = records;
    }

    /**
     * Completes once Kafka acknowledged the record. The attempt's span (if its request was traced) ends here with the
     * attempt's outcome, and the record carries its trace id.
     */
    public Uni<Void> publish(AttemptMessage attempt) {
        AttemptMessage traced = tracing.attempted(attempt);
        return emitter.sendMessage(records.keyed(traced, Topics.ATTEMPTS, traced.endpointId()));
    }
}
