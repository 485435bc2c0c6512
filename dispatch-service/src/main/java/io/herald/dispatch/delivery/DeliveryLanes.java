package io.herald.dispatch.delivery;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.impl.VertxInternal;

/**
 * Spreads the delivery stage over all of Vert.x's event loops, one lane per loop, by endpoint: every delivery of an
 * endpoint runs on its lane (guards, signing, the request over the endpoint's own connections, the outcome), so the
 * endpoints of a busy partition share the process's cores instead of queueing on the one event loop that consumes the
 * channel. The guards are thread-safe, so lanes need no coordination; an endpoint stays on one lane, so its connections
 * stay on one loop.
 */
@ApplicationScoped
public class DeliveryLanes {

    private final List<Context> lanes;

    @Inject
    DeliveryLanes(Vertx vertx) {
        this(lanesOf((VertxInternal) vertx));
    }

    DeliveryLanes(List<Context> lanes) {
        if (lanes.isEmpty()) {
            throw new IllegalArgumentException("No event loop to deliver on");
        }
        this.lanes = List.copyOf(lanes);
    }

    private static List<Context> lanesOf(VertxInternal vertx) {
        List<Context> lanes = new ArrayList<>();
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        for (EventExecutor loop : vertx.getEventLoopGroup()) {
            lanes.add(vertx.createEventLoopContext((EventLoop) loop, null, loader));
        }
        return lanes;
    }

    /** How many lanes there are: one per event loop. */
    public int count() {
        return lanes.size();
    }

    /** The lane of {@code endpointId}: always the same one. */
    Context laneOf(String endpointId) {
        return lanes.get(Math.floorMod(endpointId.hashCode(), lanes.size()));
    }

    /** Runs {@code work} on the lane of {@code endpointId}; its result completes wherever the work completes it. */
    public <T> Uni<T> on(String endpointId, Supplier<Uni<? extends T>> work) {
        Context lane = laneOf(endpointId);
        return Uni.createFrom().deferred(work).runSubscriptionOn(task -> lane.runOnContext(ignored -> task.run()));
    }
}
