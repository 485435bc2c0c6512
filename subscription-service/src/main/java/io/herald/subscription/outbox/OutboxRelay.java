package io.herald.subscription.outbox;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.jboss.logging.Logger;

import io.herald.contracts.Topics;
import io.herald.subscription.SubscriptionConfig;
import io.herald.subscription.kafka.KeyedSends;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduled.ConcurrentExecution;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.Record;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Publishes outbox rows to their topic ({@code herald.endpoints}, or {@code herald.event-types}) in id order (key =
 * endpoint id, value = the payload string), waits for the broker's acknowledgement, then deletes them, all in one
 * database transaction. Runs right after each commit ({@link #trigger()}) and on a schedule, which repairs a crash
 * between commit and publish. One relay at a time: in this JVM by a flag, across replicas by a transaction-scoped
 * advisory lock. At least once: a crash after publishing but before the delete commits publishes those rows again,
 * which the compacted topic and {@code EndpointState.version} absorb.
 * <p>
 * An API change waits for its row to be published ({@link #relayed()}) before it is answered: once a subscriber has its
 * {@code 201}, the endpoint is in {@code herald.endpoints}, and dispatch fans an event accepted after that out to it
 * (dispatch's fan-out catches its routing table up with the topic before each batch).
 */
@ApplicationScoped
public class OutboxRelay {

    /** The outgoing channel (see application.properties); the topic itself is set per record from contracts. */
    public static final String CHANNEL = "endpoint-states";
    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    /** What {@link #relayBatch()} answers when another replica holds the relay lock. */
    static final int NOT_LOCKED = -1;
    private static final long NOT_LOCKED_RETRY_MS = 50;

    private final OutboxRepository outbox;
    private final MutinyEmitter<Record<String, String>> emitter;
    private final Vertx vertx;
    private final SubscriptionConfig.Outbox config;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean pending = new AtomicBoolean();
    private volatile boolean stopped;
    /** Callers of {@link #relayed()} whose rows the next run takes. */
    private final Queue<CompletableFuture<Void>> waiting = new ConcurrentLinkedQueue<>();
    /** Those the run in progress answers; touched only by the one run at a time. */
    private List<CompletableFuture<Void>> answering = new ArrayList<>();

    public OutboxRelay(OutboxRepository outbox, @Channel(CHANNEL) MutinyEmitter<Record<String, String>> emitter,
            Vertx vertx, SubscriptionConfig config) {
        this.outbox = outbox;
        this.emitter = emitter;
        this.vertx = vertx;
        this.config = config.outbox();
    }

    /** The scheduled run, which repairs what a crash between commit and publish left behind. */
    @Scheduled(identity = "outbox-relay", every = "${herald.subscription.outbox.relay-interval-ms}ms", concurrentExecution = ConcurrentExecution.SKIP, skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void onSchedule() {
        trigger();
    }

    /** Shutdown closes the database pool: no run starts after it began. */
    void stop(@Observes ShutdownEvent event) {
        stopped = true;
    }

    /** Asks for a relay run as soon as possible and returns at once; runs requested meanwhile fold into one. */
    public void trigger() {
        if (stopped) {
            // Shutting down: unpublished rows stay for the next start.
            return;
        }
        pending.set(true);
        if (running.compareAndSet(false, true)) {
            start();
        }
    }

    /**
     * Asks for a relay run and completes once every row committed before the call is published (or a run failed, or
     * {@code publish-timeout-ms} passed: the rows stay for the next run), back on the caller's Vert.x context. For API
     * changes, whose answer then means the change is in Kafka; never fails.
     */
    public Uni<Void> relayed() {
        CompletableFuture<Void> published = new CompletableFuture<>();
        waiting.add(published);
        trigger();
        Context caller = Vertx.currentContext();
        Uni<Void> done = Uni.createFrom().completionStage(published).ifNoItem().after(config.publishTimeout())
                .recoverWithItem((Void) null);
        return caller == null ? done : done.emitOn(task -> caller.runOnContext(ignored -> task.run()));
    }

    private void start() {
        // A fresh duplicated context, flagged safe for Hibernate Reactive, gets its own session, never the caller's
        // (the nudge comes from a request's context).
        Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
        VertxContextSafetyToggle.setContextSafe(context, true);
        context.runOnContext(ignored -> run());
    }

    private void run() {
        pending.set(false);
        // Rows committed before these callers asked are visible to this run's transaction.
        for (CompletableFuture<Void> caller = waiting.poll(); caller != null; caller = waiting.poll()) {
            answering.add(caller);
        }
        Uni.createFrom().deferred(this::relayBatch).subscribe().with(published -> {
            if (published == config.batchSize()) {
                // More rows than a batch: the callers are answered once the outbox is drained.
                pending.set(true);
            } else if (published == NOT_LOCKED && !answering.isEmpty()) {
                // Another replica is relaying, maybe these rows: ask again shortly, until the callers' timeout.
                vertx.setTimer(NOT_LOCKED_RETRY_MS, ignored -> trigger());
            } else {
                answerCallers();
            }
            finish();
        }, failure -> {
            LOG.warnf("Outbox relay failed; the rows stay and are retried: %s", failure.toString());
            answerCallers();
            finish();
        });
    }

    private void answerCallers() {
        List<CompletableFuture<Void>> answered = answering;
        answering = new ArrayList<>();
        answered.forEach(caller -> caller.complete(null));
    }

    private void finish() {
        running.set(false);
        if (pending.get() && !stopped && running.compareAndSet(false, true)) {
            start();
        }
    }

    /**
     * One transaction: lock, read the oldest rows, publish them, delete them. Answers how many were published, or
     * {@link #NOT_LOCKED}.
     */
    Uni<Integer> relayBatch() {
        return Panache.withTransaction(() -> outbox.tryRelayLock().chain(locked -> {
            if (!locked) {
                // Another replica is relaying; its run or the next scheduled one takes the rows.
                return Uni.createFrom().item(NOT_LOCKED);
            }
            return outbox.nextBatch(config.batchSize())
                    .chain(rows -> rows.isEmpty() ? Uni.createFrom().item(0)
                            : publish(rows).chain(() -> outbox.deleteByIds(rows.stream().map(row -> row.id).toList()))
                                    .replaceWith(rows.size()));
        }));
    }

    /**
     * Publishes the rows in id order, keyed by aggregate id; a {@link Record} payload lets the value be null: the
     * tombstone of a deleted endpoint.
     */
    private Uni<Void> publish(List<OutboxEvent> rows) {
        List<KeyedSends.Keyed> records = rows.stream()
                .map(row -> new KeyedSends.Keyed(row.topic != null ? row.topic : Topics.ENDPOINTS, row.aggregateId,
                        outbox.payloadOf(row)))
                .toList();
        return KeyedSends.sendAll(emitter, records, config.publishTimeout(),
                () -> new TimeoutException("Kafka did not acknowledge " + rows.size() + " outbox records within "
                        + config.publishTimeout().toMillis() + " ms"));
    }
}
