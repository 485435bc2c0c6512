package io.herald.contracts.kafka;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a whole compacted topic into an in-memory view, on a thread of its own, and keeps reading: the loop behind
 * dispatch's routing table and ingest's event-type catalog. Every instance of a service needs every record, so the
 * consumer assigns all partitions and seeks to the beginning rather than joining a group: no group membership to share
 * partitions away, no committed offsets to skip the beginning on restart, and the end offsets that define "loaded" come
 * from the same consumer.
 * <p>
 * The view counts as {@linkplain #isLoaded loaded} once the consumer's position reached, on every partition, the end
 * offset observed when it was assigned. A record the view cannot read is the view's to skip (with a warning); a failed
 * poll or a topic that does not exist yet is retried after the error back-off.
 * <p>
 * The service builds the {@link org.apache.kafka.clients.consumer.KafkaConsumer} itself (from {@link #consumerConfig}),
 * so that its own Kafka settings and ACLs stay visible where it is declared.
 */
public final class CompactedTopicReader {

    private static final System.Logger LOG = System.getLogger(CompactedTopicReader.class.getName());

    private final String topic;
    private final Duration pollTimeout;
    private final Duration errorBackoff;
    private final java.util.function.Consumer<ConsumerRecord<String, String>> apply;
    private TopicCatchUp catchUp;
    private final CompletableFuture<Void> loaded = new CompletableFuture<>();
    private volatile boolean running;
    private volatile Consumer<String, String> consumer;
    private Thread thread;

    /** A reader of {@code topic} that hands each record, in order, to {@code apply}. */
    public CompactedTopicReader(String topic, Duration pollTimeout, Duration errorBackoff,
            java.util.function.Consumer<ConsumerRecord<String, String>> apply) {
        this.topic = topic;
        this.pollTimeout = pollTimeout;
        this.errorBackoff = errorBackoff;
        this.apply = apply;
    }

    /**
     * The service's Kafka client settings for such a reader: no group (Quarkus adds the application name as group id;
     * without a group nothing is committed or shared), no auto-commit, committed records only, string keys and values.
     */
    public static Map<String, Object> consumerConfig(Map<String, Object> kafkaConfig, String clientId) {
        Map<String, Object> props = new HashMap<>(kafkaConfig);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return props;
    }

    /** Starts reading on a daemon thread named {@code threadName}, with the consumer {@code client} builds. */
    public void start(String threadName, Supplier<Consumer<String, String>> client) {
        start(threadName, client, null);
    }

    /** As {@link #start(String, Supplier)}, telling {@code catchUp} what was assigned and how far the view applied. */
    public void start(String threadName, Supplier<Consumer<String, String>> client, TopicCatchUp catchUp) {
        this.catchUp = catchUp;
        running = true;
        thread = new Thread(() -> run(client), threadName);
        thread.setDaemon(true);
        thread.start();
    }

    /** Wakes the consumer out of its poll and waits for the thread to end (10 s at the most). */
    public void stop() throws InterruptedException {
        running = false;
        Consumer<String, String> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        if (thread != null) {
            thread.join(Duration.ofSeconds(10).toMillis());
        }
    }

    public boolean isLoaded() {
        return loaded.isDone();
    }

    /** Completes, on the reader's thread, once the view is loaded; dependents must not block. */
    public CompletionStage<Void> whenLoaded() {
        return loaded.minimalCompletionStage();
    }

    private void run(Supplier<Consumer<String, String>> client) {
        try (Consumer<String, String> c = client.get()) {
            consumer = c;
            Map<TopicPartition, Long> loadedAt = null;
            while (running) {
                try {
                    if (loadedAt == null) {
                        loadedAt = assignFromBeginning(c);
                        continue;
                    }
                    for (ConsumerRecord<String, String> record : c.poll(pollTimeout)) {
                        apply.accept(record);
                    }
                    if (catchUp != null) {
                        appliedUpTo(c);
                    }
                    if (!loaded.isDone() && caughtUp(c, loadedAt)) {
                        loaded.complete(null);
                    }
                } catch (WakeupException e) {
                    // Shutting down: the loop condition ends it.
                } catch (RuntimeException e) {
                    LOG.log(Level.ERROR, "Reading " + topic + " failed; retrying in " + errorBackoff.toMillis() + " ms",
                            e);
                    pause();
                }
            }
        } finally {
            consumer = null;
        }
    }

    /** Assigns every partition, rewinds, and returns the end offsets the view must reach to count as loaded. */
    private Map<TopicPartition, Long> assignFromBeginning(Consumer<String, String> c) {
        List<TopicPartition> partitions = c.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        if (partitions.isEmpty()) {
            LOG.log(Level.WARNING,
                    "Topic " + topic + " does not exist (yet); retrying in " + errorBackoff.toMillis() + " ms");
            pause();
            return null;
        }
        c.assign(partitions);
        c.seekToBeginning(partitions);
        if (catchUp != null) {
            catchUp.assigned(partitions);
        }
        Map<TopicPartition, Long> end = c.endOffsets(partitions);
        LOG.log(Level.INFO, "Loading " + topic + " from " + partitions.size() + " partitions");
        return end;
    }

    /** After records were applied: how far, so that the catch-ups waiting for it complete. */
    private void appliedUpTo(Consumer<String, String> c) {
        Map<TopicPartition, Long> positions = new HashMap<>();
        c.assignment().forEach(partition -> positions.put(partition, c.position(partition)));
        catchUp.applied(positions);
    }

    private static boolean caughtUp(Consumer<String, String> c, Map<TopicPartition, Long> end) {
        return end.entrySet().stream().allMatch(e -> c.position(e.getKey()) >= e.getValue());
    }

    private void pause() {
        try {
            Thread.sleep(errorBackoff.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}
