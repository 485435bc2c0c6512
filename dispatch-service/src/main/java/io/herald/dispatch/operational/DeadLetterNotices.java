package io.herald.dispatch.operational;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.herald.contracts.messages.DeadLetterMessage;
import io.herald.contracts.messages.DeliveryMessage;
import io.herald.contracts.messages.OperationalEvents;
import io.herald.contracts.messages.OperationalEvents.DeadLetterCreated;
import io.smallrye.mutiny.Uni;

/**
 * Tells a tenant that deliveries to one of its endpoints became dead letters ({@code herald.dead_letter.created}),
 * coalesced per endpoint so that a flood of dead letters does not become a flood of events: an endpoint's first dead
 * letter is told at once ({@code count} 1); those after it within {@code dead-letter-window-ms} are counted and told in
 * one event when the window ends ({@code count} n, naming the last), which opens the next window. So an endpoint yields
 * at most one event per window however many deliveries die, and a lone dead letter is told without delay.
 * <p>
 * Never for the dead letter of an operational event itself: an endpoint that cannot take {@code herald.*} events would
 * otherwise feed itself one more with every event it fails. The windows live in this instance's memory; a restart loses
 * the count of a window not yet told (the dead letters themselves are in {@code GET /v1/dead-letters}).
 */
@ApplicationScoped
public class DeadLetterNotices {

    private static final Logger LOG = Logger.getLogger(DeadLetterNotices.class);

    private final Sink sink;
    private final Clock clock;
    private final boolean enabled;
    private final Duration window;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    /** Where the events go (the publisher; a list in tests). */
    public interface Sink {
        void publish(String id, String tenant, DeadLetterCreated data, Instant now);
    }

    @Inject
    DeadLetterNotices(OperationalEventPublisher publisher, Clock clock, OperationalEventsConfig config) {
        this((id, tenant, data, now) -> publisher.publishLater(id, tenant, OperationalEvents.DEAD_LETTER_CREATED, data,
                data.endpointId(), now), clock, config.enabled(), Duration.ofMillis(config.deadLetterWindowMs()));
    }

    public DeadLetterNotices(Sink sink, Clock clock, boolean enabled, Duration window) {
        this.sink = sink;
        this.clock = clock;
        this.enabled = enabled;
        this.window = window;
    }

    /** A dead letter was written (Kafka acknowledged it). Never throws: telling must not fail the dead letter. */
    public void created(DeadLetterMessage deadLetter) {
        try {
            count(deadLetter);
        } catch (RuntimeException e) {
            LOG.warnf(e, "Could not tell the tenant of a dead letter of endpoint %s",
                    deadLetter.delivery() == null ? null : deadLetter.delivery().endpointId());
        }
    }

    private void count(DeadLetterMessage deadLetter) {
        DeliveryMessage delivery = deadLetter.delivery();
        if (!enabled || delivery == null || delivery.endpointId() == null || delivery.tenant() == null
                || OperationalEvents.isOperational(delivery.eventType())) {
            return;
        }
        Instant deadAt = deadLetter.deadAt() != null ? deadLetter.deadAt() : clock.instant();
        boolean[] opened = { false };
        windows.compute(delivery.endpointId(), (id, open) -> {
            if (open == null) {
                opened[0] = true;
                return new Window(delivery.tenant());
            }
            open.add(deadLetter, deadAt);
            return open;
        });
        if (opened[0]) {
            tell(delivery.tenant(), deadLetter, 1, deadAt, deadAt);
            closeLater(delivery.endpointId());
        }
    }

    /** Endpoints with a window open (for tests and the eviction check). */
    int openWindows() {
        return windows.size();
    }

    /**
     * Ends the endpoint's window: tells what it counted, and then keeps a new window open for as long again; a window
     * that counted nothing is dropped.
     */
    private void close(String endpointId) {
        Window[] ended = { null };
        windows.computeIfPresent(endpointId, (id, open) -> {
            ended[0] = open;
            return open.count == 0 ? null : new Window(open.tenant);
        });
        Window w = ended[0];
        if (w != null && w.count > 0) {
            tell(w.tenant, w.last, w.count, w.firstDeadAt, w.lastDeadAt);
            closeLater(endpointId);
        }
    }

    private void closeLater(String endpointId) {
        Uni.createFrom().voidItem().onItem().delayIt().by(window).subscribe().with(ignored -> close(endpointId));
    }

    private void tell(String tenant, DeadLetterMessage deadLetter, int count, Instant first, Instant last) {
        DeliveryMessage delivery = deadLetter.delivery();
        DeadLetterCreated data = new DeadLetterCreated(delivery.endpointId(), count, delivery.id(), delivery.eventId(),
                delivery.eventType(), deadLetter.reasonOrDefault().name(), deadLetter.lastStatusCode(), first, last);
        // One id per (endpoint, last dead letter told): the same fact published again keeps its webhook-id.
        sink.publish("evt_dead_letter_" + delivery.endpointId() + "_" + last.toEpochMilli() + "_" + count, tenant, data,
                clock.instant());
    }

    /** Dead letters of one endpoint counted since its last event. */
    private static final class Window {

        final String tenant;
        int count;
        DeadLetterMessage last;
        Instant firstDeadAt;
        Instant lastDeadAt;

        Window(String tenant) {
            this.tenant = tenant;
        }

        void add(DeadLetterMessage deadLetter, Instant deadAt) {
            if (count++ == 0) {
                firstDeadAt = deadAt;
            }
            last = deadLetter;
            lastDeadAt = deadAt;
        }
    }
}
