package io.herald.ingest.event;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;

import io.herald.contracts.MessageJson;
import io.herald.contracts.messages.EventMessage;
import io.herald.ingest.IngestConfig;
import io.herald.ingest.IngestMetrics;
import io.herald.ingest.catalog.CatalogGuard;
import io.herald.ingest.tracing.EventTraceparent;
import io.herald.kit.auth.Caller;
import io.herald.kit.problem.Problem;
import io.herald.kit.problem.Problem.FieldError;
import io.herald.kit.problem.ProblemException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;

/**
 * Turns a producer's request into an {@link EventMessage} and publishes it to {@code herald.events}. An event counts as
 * accepted only once Kafka acknowledged it (idempotent producer, {@code acks=all}); anything else, including no answer
 * within {@link IngestConfig#publishTimeout()}, is a 503. At most {@link IngestConfig#maxInFlight()} events wait for
 * their acknowledgement at once; past that a request is refused at once (503, {@code Retry-After: 1}) rather than
 * queued without bound.
 */
@ApplicationScoped
public class EventService {

    /** The outgoing channel bound to {@code herald.events} in application.properties. */
    public static final String CHANNEL = "events";

    private static final String INVALID_TYPE = "urn:herald:problem:validation";
    private static final String OVERLOADED_TYPE = "urn:herald:problem:overloaded";
    private static final Duration OVERLOADED_RETRY_AFTER = Duration.ofSeconds(1);
    private static final Logger LOG = Logger.getLogger(EventService.class);

    private final MutinyEmitter<String> emitter;
    private final Clock clock;
    private final Duration publishTimeout;
    private final Duration retryAfter;
    private final Counter accepted;
    private final Counter unavailable;
    private final Counter overloaded;
    private final Counter invalid;
    private final Timer ackLatency;
    private final Semaphore inFlight;
    private final int maxInFlight;
    private final CatalogGuard catalog;
    private final EventTraceparent traces;
    private final MessageJson json;

    public EventService(@Channel(CHANNEL) MutinyEmitter<String> emitter, IngestConfig config, Clock clock,
            MeterRegistry registry, CatalogGuard catalog, EventTraceparent traces, MessageJson json) {
        this.emitter = emitter;
        this.json = json;
        this.traces = traces;
        this.catalog = catalog;
        this.clock = clock;
        this.publishTimeout = config.publishTimeout();
        this.retryAfter = config.retryAfter();
        this.maxInFlight = config.maxInFlight();
        this.inFlight = new Semaphore(maxInFlight);
        this.accepted = Counter.builder("herald.ingest.events").tag("outcome", "accepted")
                .description("Events acknowledged by Kafka and answered 202").register(registry);
        this.unavailable = Counter.builder(IngestMetrics.REJECTED_METRIC).tag("reason", "unavailable")
                .description("Events Kafka did not acknowledge in time, answered 503").register(registry);
        this.overloaded = Counter.builder(IngestMetrics.REJECTED_METRIC).tag("reason", "overloaded")
                .description("Events refused at once because too many were waiting for Kafka, answered 503")
                .register(registry);
        this.invalid = Counter.builder(IngestMetrics.REJECTED_METRIC).tag("reason", "invalid_item")
                .description("Invalid items of batches, answered 400 in the batch result").register(registry);
        this.ackLatency = Timer.builder("herald.ingest.publish").description("Time from send to Kafka acknowledgement")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(publishTimeout).register(registry);
        Gauge.builder("herald.ingest.in.flight", this, s -> s.inFlight())
                .description("Events waiting for Kafka's acknowledgement").register(registry);
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
        EventMessage event = build(caller, body);
        catalog.require(event);
        return event;
    }

    /** The event of a body {@link EventValidator#check} found valid. */
    private EventMessage build(Caller caller, JsonNode body) {
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
        // Few operators on purpose: this runs once per request, and each Mutiny stage costs a subscription plus a
        // context-propagation wrapper.
        return Uni.createFrom().deferred(() -> {
            if (!inFlight.tryAcquire()) {
                overloaded.increment();
                return Uni.createFrom().failure(overloaded());
            }
            Timer.Sample sample = Timer.start();
            Uni<Void> acknowledged;
            try {
                acknowledged = emitter
                        .sendMessage(traces.onRecord(KafkaRecord.of(event.kafkaKey(), json.write(event))));
            } catch (RuntimeException e) {
                acknowledged = Uni.createFrom().failure(e);
            }
            return acknowledged.ifNoItem().after(publishTimeout).fail().onTermination()
                    .invoke((ignored, failure, cancelled) -> {
                        // Also on cancellation (the client went away), so that the permit is never lost.
                        inFlight.release();
                        if (failure == null && !cancelled) {
                            sample.stop(ackLatency);
                            accepted.increment();
                        }
                    }).onFailure().transform(failure -> unavailable(event, failure)).replaceWith(event);
        });
    }

    private ProblemException unavailable(EventMessage event, Throwable failure) {
        unavailable.increment();
        LOG.warnf("Kafka did not acknowledge event %s of tenant %s: %s", event.id(), event.tenant(),
                failure.toString());
        // The record may still reach Kafka later; the producer's retry with the same id lets subscribers deduplicate on
        // webhook-id.
        return ProblemException.unavailable(
                "The event could not be stored: Kafka did not acknowledge it in time. Retry with the same id",
                retryAfter);
    }

    /**
     * The items of a batch ({@code events}, a JSON array), each validated on its own: an event to publish, or a 400
     * result naming its invalid fields.
     */
    public List<BatchItem> prepareBatch(Caller caller, JsonNode events) {
        catalog.requireLoaded();
        List<BatchItem> items = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            JsonNode item = events.get(i);
            List<FieldError> errors = item.isObject() ? EventValidator.check(item)
                    : List.of(new FieldError("", "must be a JSON object"));
            if (errors.isEmpty()) {
                EventMessage event = build(caller, item);
                ProblemException refused = catalog.check(event);
                items.add(refused == null ? new BatchItem(i, event, null)
                        : new BatchItem(i, null, new BatchResult.Item(i, 422, event.id(), refused.problem().type(),
                                refused.problem().detail(), refused.problem().errors())));
            } else {
                invalid.increment();
                JsonNode id = item.get("id");
                String validId = id != null && id.isTextual() && EventIds.isValid(id.asText()) ? id.asText() : null;
                items.add(new BatchItem(i, null, new BatchResult.Item(i, 400, validId, INVALID_TYPE,
                        "The event has " + errors.size() + " invalid field(s)", errors)));
            }
        }
        return items;
    }

    /**
     * Publishes every valid item of a batch at once; each one's result says whether Kafka acknowledged it (202) or not
     * (503), next to the 400s of the invalid ones.
     */
    public Uni<BatchResult> publishBatch(List<BatchItem> items) {
        List<Uni<BatchResult.Item>> results = items.stream()
                .map(item -> item.rejected() != null ? Uni.createFrom().item(item.rejected())
                        : publish(item.event()).map(e -> BatchResult.Item.accepted(item.index(), e.id())).onFailure()
                                .recoverWithItem(failure -> {
                                    Problem problem = failure instanceof ProblemException p ? p.problem()
                                            : ProblemException.unavailable(failure.toString(), retryAfter).problem();
                                    return new BatchResult.Item(item.index(), problem.status(), item.event().id(),
                                            problem.type(), problem.detail(), null);
                                }))
                .toList();
        return Uni.join().all(results).andFailFast().map(list -> {
            int accepted = (int) list.stream().filter(r -> r.status() == 202).count();
            return new BatchResult(accepted, list.size() - accepted, list);
        });
    }

    /** One item of a batch: the event to publish, or (invalid) its 400 result. */
    public record BatchItem(int index, EventMessage event, BatchResult.Item rejected) {
    }

    /** The {@code Retry-After} of a batch that has items Kafka did not acknowledge. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** Events waiting for their acknowledgement right now. */
    public int inFlight() {
        return maxInFlight - inFlight.availablePermits();
    }

    private static ProblemException overloaded() {
        return new ProblemException(new Problem(OVERLOADED_TYPE, "Service overloaded", 503,
                "Too many events are waiting for Kafka on this instance; retry after Retry-After seconds", null),
                OVERLOADED_RETRY_AFTER);
    }
}
