package io.herald.dispatch.failover;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.kafka.clients.consumer.Consumer;
import org.jboss.logging.Logger;

import io.herald.dispatch.ConsumerGroups;
import io.herald.dispatch.DispatchConfig;
import io.herald.dispatch.delivery.DeliveryProcessor;
import io.herald.dispatch.fanout.FanOut;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;

/**
 * Hands this instance's partitions to the other instances as soon as it is told to stop (SIGTERM: a rolling update, a
 * scale-down), instead of after SmallRye's graceful shutdown, which closes the Kafka channels one after another, each
 * after pausing and waiting twice its poll timeout: 7-9 s for dispatch's eight consumer channels, all the while owning
 * their partitions (docs/benchmarks.md, "Failover").
 * <p>
 * Runs before that shutdown, first of the shutdown observers. Every consumer leaves its group at once, in parallel,
 * except the delivery consumer: it stops fetching, waits up to {@code failover.shutdown-grace-ms} for the deliveries it
 * already took to finish, then leaves. Leaving commits what was done (the channels' rebalance listeners) and the others
 * are assigned the partitions at their next heartbeat ({@code failover.heartbeat-interval-ms}). Nothing is lost:
 * whatever was not done is read again by the new owner, from the committed offsets. A fan-out transaction still open
 * when the fan-out consumer left cannot commit its offsets under a membership that ended, so it is aborted, and the
 * closing producer aborts one it still holds; its events are fanned out by the new owner, once. No fan-out transaction
 * begins after the shutdown began ({@link FanOut#handOver()}): the batches already polled are left to the new owner.
 * Records waiting in a retry tier are read again by the tier's new owner. SmallRye's own shutdown of the channels then
 * finds them closed and has little left to do.
 */
@ApplicationScoped
public class ShutdownHandover {

    private static final Duration CHECK_EVERY = Duration.ofMillis(20);
    /** Past the grace, how long leaving the groups may take before shutdown goes on without waiting. */
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private static final Logger LOG = Logger.getLogger(ShutdownHandover.class);

    private final KafkaClientService clients;
    private final DeliveryProcessor deliveries;
    private final FanOut fanOut;
    private final Duration grace;

    ShutdownHandover(KafkaClientService clients, DeliveryProcessor deliveries, FanOut fanOut, DispatchConfig config) {
        this.clients = clients;
        this.deliveries = deliveries;
        this.fanOut = fanOut;
        this.grace = Duration.ofMillis(config.failover().shutdownGraceMs());
    }

    void onStop(@Observes @Priority(1) ShutdownEvent event) {
        handOver();
    }

    /**
     * Leaves every consumer group of this instance, the delivery group once its records are done or the grace ran out.
     */
    void handOver() {
        long started = System.nanoTime();
        // First: a fan-out transaction begun from here on could not commit, and would hold the others' deliveries back.
        fanOut.handOver();
        List<String> channels = List.copyOf(clients.getConsumerChannels());
        if (channels.isEmpty()) {
            return;
        }
        ExecutorService leaving = Executors.newFixedThreadPool(channels.size(), task -> {
            Thread thread = new Thread(task, "herald-handover");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<?>> left = new ArrayList<>();
            for (String channel : channels) {
                KafkaConsumer<Object, Object> consumer = clients.getConsumer(channel);
                left.add(leaving.submit(() -> {
                    if (DeliveryProcessor.CHANNEL.equals(channel)) {
                        drain(consumer, started);
                    }
                    ConsumerGroups.leave(channel, consumer);
                    return null;
                }));
            }
            long deadline = started + grace.plus(CLOSE_TIMEOUT).toNanos();
            for (int i = 0; i < left.size(); i++) {
                try {
                    left.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    LOG.warnf("Shutdown: the consumer of %s did not leave its group within %d ms; going on",
                            channels.get(i), grace.plus(CLOSE_TIMEOUT).toMillis());
                } catch (ExecutionException e) {
                    LOG.warnf(e.getCause(),
                            "Shutdown: the consumer of %s could not leave its group; SmallRye closes it later",
                            channels.get(i));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            leaving.shutdownNow();
        }
        LOG.infof("Shutdown: left the consumer groups of %d channels %d ms after the shutdown began", channels.size(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    /**
     * Stops the delivery consumer fetching (the poll in progress is woken up) and waits until the records it fetched
     * are done, at most the grace.
     */
    private void drain(KafkaConsumer<Object, Object> consumer, long started) throws InterruptedException {
        Consumer<Object, Object> client = consumer.unwrap();
        if (client != null) {
            client.wakeup();
        }
        try {
            consumer.pause().await().atMost(grace);
        } catch (RuntimeException e) {
            LOG.warnf(e, "Shutdown: the delivery consumer could not be paused; leaving after the grace");
        }
        long deadline = started + grace.toNanos();
        int idleChecks = 0;
        int inFlight = deliveries.inFlight();
        // Twice in a row: a record fetched before the pause may be on its way from the connector's queue.
        while (idleChecks < 2 && System.nanoTime() < deadline) {
            Thread.sleep(CHECK_EVERY.toMillis());
            inFlight = deliveries.inFlight();
            idleChecks = inFlight > 0 ? 0 : idleChecks + 1;
        }
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        if (inFlight > 0) {
            LOG.infof("Shutdown: %d deliveries still in flight after %d ms; the next owner of their partitions "
                    + "delivers them again", inFlight, waited);
        } else {
            LOG.infof("Shutdown: deliveries in flight done after %d ms", waited);
        }
    }
}
