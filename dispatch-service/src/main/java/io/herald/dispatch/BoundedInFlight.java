package io.herald.dispatch;

import java.util.concurrent.Flow;
import java.util.function.Function;
import java.util.function.ToLongFunction;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.MultiSubscriber;

/**
 * Consumes a stream, handling its items concurrently but taking a new one only while fewer than {@code maxItems} items
 * and fewer than {@code maxBytes} bytes of them are in flight: unlike {@code merge(n)}, a burst of large records cannot
 * take more memory than the byte budget (at most {@link #BATCH} items past it). Handlers must not fail; a failure is
 * logged and counts as done.
 */
public final class BoundedInFlight<T> implements MultiSubscriber<T> {

    /** Items asked for at once: a few, so that the byte budget is not overshot by much. */
    public static final int BATCH = 16;

    private static final Logger LOG = Logger.getLogger(BoundedInFlight.class);

    private final int maxItems;
    private final long maxBytes;
    private final ToLongFunction<T> size;
    private final Function<T, Uni<Void>> handler;
    private final String name;
    private Flow.Subscription subscription;
    private int items;
    private long bytes;
    private long requested;

    private BoundedInFlight(String name, int maxItems, long maxBytes, ToLongFunction<T> size,
            Function<T, Uni<Void>> handler) {
        this.name = name;
        this.maxItems = maxItems;
        this.maxBytes = maxBytes;
        this.size = size;
        this.handler = handler;
    }

    /** Subscribes to {@code items}; returns the subscriber, whose {@link #bytes()} tells what is in flight. */
    public static <T> BoundedInFlight<T> consume(String name, Multi<T> items, int maxItems, long maxBytes,
            ToLongFunction<T> size, Function<T, Uni<Void>> handler) {
        BoundedInFlight<T> subscriber = new BoundedInFlight<>(name, maxItems, maxBytes, size, handler);
        items.subscribe().withSubscriber(subscriber);
        return subscriber;
    }

    /** Bytes of the items in flight. */
    public synchronized long bytes() {
        return bytes;
    }

    /** Items in flight. */
    public synchronized int items() {
        return items;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        synchronized (this) {
            this.subscription = subscription;
        }
        requestMore();
    }

    @Override
    public void onItem(T item) {
        long itemBytes = size.applyAsLong(item);
        synchronized (this) {
            requested--;
            items++;
            bytes += itemBytes;
        }
        Uni<Void> handled;
        try {
            handled = handler.apply(item);
        } catch (RuntimeException e) {
            handled = Uni.createFrom().failure(e);
        }
        handled.subscribe().with(ignored -> done(itemBytes), failure -> {
            LOG.errorf(failure, "Handling a record of %s failed", name);
            done(itemBytes);
        });
        requestMore();
    }

    @Override
    public void onFailure(Throwable failure) {
        LOG.errorf(failure, "Stopped consuming %s", name);
    }

    @Override
    public void onCompletion() {
        LOG.infof("No more records from %s", name);
    }

    private void done(long itemBytes) {
        synchronized (this) {
            items--;
            bytes -= itemBytes;
        }
        requestMore();
    }

    private void requestMore() {
        long more;
        Flow.Subscription upstream;
        synchronized (this) {
            if (subscription == null || bytes >= maxBytes) {
                return;
            }
            // Outstanding demand stays within one batch, so the budget is overshot by one batch at most.
            more = Math.min(BATCH - requested, maxItems - items - requested);
            if (more <= 0 || requested > 0 && more < BATCH / 2) {
                // Ask in batches, not one record at a time.
                return;
            }
            requested += more;
            upstream = subscription;
        }
        upstream.request(more);
    }
}
