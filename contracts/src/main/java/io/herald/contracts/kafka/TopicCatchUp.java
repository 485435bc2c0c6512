package io.herald.contracts.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * Read-your-writes for an in-memory view of a compacted topic that one consumer thread keeps up to date (dispatch's
 * routing table): {@link #caughtUp} completes once the view has applied every record the topic held when it was called.
 * A change answered by subscription-service only once its record is in the topic is then seen by whatever waits for
 * this after the answer.
 * <p>
 * The reader tells this what it was assigned ({@link #assigned}) and, after each poll, how far it applied
 * ({@link #applied}). The topic's end offsets come from an admin client with a connection of its own (asked on the
 * reader's connection, they would wait behind its long poll), {@code read_committed}; callers who ask while a request
 * is out share the next one, so the broker answers at most one request per round trip however many callers wait. That
 * is cheap once per fan-out batch, but not once per HTTP request: asked before every {@code POST /v1/events}, it halved
 * ingest's peak (docs/benchmarks.md, "A catalog catch-up per ingest request").
 */
public final class TopicCatchUp implements AutoCloseable {

    private final Admin admin;
    /** Guarded by {@code this}, like everything below. */
    private final Map<TopicPartition, Long> applied = new HashMap<>();
    private final List<Target> targets = new ArrayList<>();
    private List<TopicPartition> partitions = List.of();
    private boolean asking;
    private List<CompletableFuture<Void>> nextAsk;

    private record Target(Map<TopicPartition, Long> end, List<CompletableFuture<Void>> waiting) {
    }

    /**
     * A catch-up over the brokers of {@code kafkaConfig} (client settings; those an admin client lacks are dropped).
     */
    public TopicCatchUp(Map<String, Object> kafkaConfig, String clientId) {
        Map<String, Object> config = new HashMap<>(kafkaConfig);
        config.keySet().retainAll(AdminClientConfig.configNames());
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
        this.admin = Admin.create(config);
    }

    /** The reader's partitions, once it assigned them. */
    public synchronized void assigned(Collection<TopicPartition> assigned) {
        this.partitions = List.copyOf(assigned);
    }

    /** After the reader applied records: the positions it reached (the offset of the next record, per partition). */
    public void applied(Map<TopicPartition, Long> positions) {
        List<CompletableFuture<Void>> reached = new ArrayList<>();
        synchronized (this) {
            applied.putAll(positions);
            for (Iterator<Target> i = targets.iterator(); i.hasNext();) {
                Target target = i.next();
                if (reached(target.end())) {
                    i.remove();
                    reached.addAll(target.waiting());
                }
            }
        }
        reached.forEach(waiting -> waiting.complete(null));
    }

    /**
     * True once the reader applied every record the topic held when this was called (at once when it already has: one
     * offsets request, no wait); false when that took longer than {@code timeout} or the end offsets could not be read.
     * Completes on a Kafka client or timer thread: dependents must not block.
     */
    public CompletionStage<Boolean> caughtUp(Duration timeout) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        List<CompletableFuture<Void>> askNow = null;
        synchronized (this) {
            if (nextAsk == null) {
                nextAsk = new ArrayList<>();
            }
            nextAsk.add(done);
            if (!asking) {
                asking = true;
                askNow = nextAsk;
                nextAsk = null;
            }
        }
        if (askNow != null) {
            ask(askNow);
        }
        return done.thenApply(ignored -> true).exceptionally(failure -> false).completeOnTimeout(false,
                timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One offsets request for {@code callers}, who all asked before it went out. */
    private void ask(List<CompletableFuture<Void>> callers) {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        synchronized (this) {
            partitions.forEach(partition -> latest.put(partition, OffsetSpec.latest()));
        }
        admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
                .whenComplete((offsets, failure) -> {
                    boolean reached = false;
                    List<CompletableFuture<Void>> next;
                    synchronized (this) {
                        if (failure == null) {
                            Map<TopicPartition, Long> end = new HashMap<>();
                            offsets.forEach((partition, info) -> end.put(partition, info.offset()));
                            reached = reached(end);
                            if (!reached) {
                                targets.add(new Target(end, callers));
                            }
                        }
                        next = nextAsk;
                        nextAsk = null;
                        asking = next != null;
                    }
                    if (failure != null) {
                        callers.forEach(waiting -> waiting.completeExceptionally(failure));
                    } else if (reached) {
                        callers.forEach(waiting -> waiting.complete(null));
                    }
                    if (next != null) {
                        ask(next);
                    }
                });
    }

    private boolean reached(Map<TopicPartition, Long> end) {
        return end.entrySet().stream().allMatch(e -> applied.getOrDefault(e.getKey(), 0L) >= e.getValue());
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
