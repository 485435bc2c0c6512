package io.herald.ingest.event;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;

import io.herald.contracts.Json;
import io.herald.contracts.messages.EventMessage;
import io.herald.ingest.IngestConfig;
import io.herald.kit.auth.Caller;
import io.herald.kit.problem.Problem.FieldError;
import io.herald.kit.problem.ProblemException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;

/**
 * Turns a producer's request into an {@link EventMessage} and publishes it to {@code herald.events}. An event counts as
 * accepted only once Kafka acknowledged it (idempotent producer, {@code acks=all}); anything else, including no answer
 * within {@link IngestConfig#publishTimeoutMs()}, is a 503.
 */
@ApplicationScoped
public class EventService {

    /** The outgoing channel bound to {@code herald.events} in application.properties. */
    public static final String CHANNEL = "events";

    private static final Logger LOG = Logger.getLogger(EventService.class);

    private final MutinyEmitter<String> emitter;
    private final Clock clock;
    private final Duration publishTimeout;
    private final Duration retryAfter;
    private final Counter accepted;
    private final Counter unavailable;
    private final Timer ackLatency;

    public EventService(@Channel(CHANNEL) MutinyEmitter<String> emitter, IngestConfig config, Clock clock,
            MeterRegistry registry) {
        this.emitter = emitter;
        this.clock = clock;
        this.publishTimeout = Duration.ofMillis(config.publishTimeoutMs());
        this.retryAfter = Duration.ofSeconds(config.retryAfterSeconds());
        this.accepted = Counter.builder("herald.ingest.events").tag("outcome", "accepted")
                .description("Events acknowledged by Kafka and answered 202").register(registry);
        this.unavailable = Counter.builder("herald.ingest.events").tag("outcome", "unavailable")
                .description("Events Kafka did not acknowledge in time, answered 503").register(registry);
        this.ackLatency = Timer.builder("herald.ingest.publish").description("Time from send to Kafka acknowledgement")
                .register(registry);
    }

    /**
     * The event {@code caller} asks to publish in the JSON {@code body}, validated: the producer's id or a new one, the
     * caller's tenant, the producer's occurrence time or now. Throws a 400 problem naming every invalid field.
     */
    public EventMessage toEvent(Caller caller, String body) {
        return toEvent(caller, EventValidator.parseObject(body));
    }

    /** As {@link #toEvent(Caller, String)}, for one event object already parsed (e.g. an item of a batch). */
    public EventMessage toEvent(Caller caller, JsonNode body) {
        List<FieldError> errors = EventValidator.check(body);
        if (!errors.isEmpty()) {
            throw ProblemException.invalid("The event has " + errors.size() + " invalid field(s)", errors);
        }
        EventRequest request = EventRequest.from(body);
        Instant receivedAt = clock.instant();
        String id = request.id() != null ? request.id() : EventIds.generate(clock);
        Instant occurredAt = request.occurredAt() != null ? EventValidator.parseOccurredAt(request.occurredAt())
                : receivedAt;
        return EventMessage.of(id, caller.tenant(), request.type(), request.data(), request.orderingKey(), occurredAt,
                receivedAt);
    }

    /**
     * Publishes {@code event} keyed by its ordering key (else its id); the Uni completes with it once Kafka
     * acknowledged the record, and fails with a 503 problem carrying {@code Retry-After} otherwise.
     */
    public Uni<EventMessage> publish(EventMessage event) {
        return Uni.createFrom().deferred(() -> {
            Timer.Sample sample = Timer.start();
            return emitter.sendMessage(KafkaRecord.of(event.kafkaKey(), Json.write(event)))
                    .invoke(() -> sample.stop(ackLatency));
        }).ifNoItem().after(publishTimeout).fail().replaceWith(event).invoke(() -> accepted.increment()).onFailure()
                .transform(failure -> {
                    unavailable.increment();
                    LOG.warnf("Kafka did not acknowledge event %s of tenant %s: %s", event.id(), event.tenant(),
                            failure.toString());
                    // The record may still reach Kafka later; the producer's retry with the same id lets
                    // subscribers deduplicate on webhook-id.
                    return ProblemException.unavailable("The event could not be stored: Kafka did not acknowledge it "
                            + "in time. Retry with the same id", retryAfter);
                });
    }
}
