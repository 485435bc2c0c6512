package io.herald.dispatch.guard;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.herald.dispatch.DispatchConfig;

/**
 * Whether this instance's delivery stage is behind: the last record it took from {@code herald.deliveries} had waited
 * there at least {@code fan-out.defer-when-queued-ms}. Fan-out then holds back large fan-outs, whose deliveries would
 * only lengthen the queue every tenant's deliveries wait in ({@link io.herald.dispatch.fanout.FanOut}). A stage that
 * took nothing for {@link #QUIET} is not behind (there may be nothing left to take), so holding back never outlives the
 * backlog.
 */
@ApplicationScoped
public class DeliveryBacklog {

    /** How long after the last record taken its wait still tells anything. */
    static final Duration QUIET = Duration.ofMillis(250);

    private final long behindNanos;
    private final long quietNanos;
    private volatile long lastWaitNanos;
    private volatile long lastTakenAt;

    @Inject
    DeliveryBacklog(DispatchConfig config) {
        this(Duration.ofMillis(config.fanOut().deferWhenQueuedMs()));
    }

    public DeliveryBacklog(Duration behind) {
        this(behind, QUIET);
    }

    /** As {@link #DeliveryBacklog(Duration)}, with {@code quiet} instead of {@link #QUIET}. */
    public DeliveryBacklog(Duration behind, Duration quiet) {
        this.behindNanos = behind.toNanos();
        this.quietNanos = quiet.toNanos();
    }

    /** A record was taken for delivery after waiting {@code waited} in the topic. */
    public void taken(Duration waited) {
        lastWaitNanos = waited.toNanos();
        lastTakenAt = System.nanoTime();
    }

    /** Whether deliveries queue longer than they should: the last one taken, recently, waited too long. */
    public boolean behind() {
        return lastTakenAt != 0 && lastWaitNanos >= behindNanos && System.nanoTime() - lastTakenAt < quietNanos;
    }
}
