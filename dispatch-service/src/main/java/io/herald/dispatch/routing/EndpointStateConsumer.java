package io.herald.dispatch.routing;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

import io.herald.contracts.MessageJson;
import io.herald.contracts.Topics;
import io.herald.contracts.kafka.TopicCatchUp;
import io.herald.contracts.messages.EndpointState;
import io.herald.contracts.secrets.SealedValueException;
import io.herald.dispatch.DispatchConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Keeps the {@link RoutingTable} in step with the compacted {@code herald.endpoints} topic.
 * <p>
 * Every dispatch instance needs every endpoint (a delivery for any endpoint may land on it), so this is a plain
 * {@link KafkaConsumer} with {@code assign} over all partitions and {@code seekToBeginning}, on its own thread, rather
 * than a consumer group: no group membership to share partitions away, no committed offsets to skip the beginning on
 * restart, and the end offsets that define "loaded" come from the same consumer.
 * <p>
 * The table counts as loaded once the consumer's position reached, on every partition, the end offset observed at
 * start; until then {@code /q/health/ready} is DOWN and the event and delivery consumers do not start.
 * <p>
 * Afterwards fan-out asks, before each batch of events, that the table be {@linkplain #caughtUp caught up}: applied up
 * to the end offsets of {@code herald.endpoints} as they are then. subscription-service answers an endpoint change only
 * once its record is in that topic, so an event accepted after the answer is fanned out with the change applied
 * ({@link TopicCatchUp}).
 */
@ApplicationScoped
public class EndpointStateConsumer {

    private static final Logger LOG = Logger.getLogger(EndpointStateConsumer.class);

    private final RoutingTable table;
    private final EndpointStateOpener opener;
    private final DispatchConfig.Routing config;
    private final Map<String, Object> kafkaConfig;
    private final MeterRegistry registry;
    private final MessageJson json;
    private final CompletableFuture<Void> loaded = new CompletableFuture<>();
    private volatile TopicCatchUp catchUp;
    private volatile boolean running;
    private volatile KafkaConsumer<String, String> consumer;
    private Thread thread;

    EndpointStateConsumer(RoutingTable table, DispatchConfig config,
            @Identifier("default-kafka-broker") Map<String, Object> kafkaConfig, MeterRegistry registry,
            EndpointStateOpener opener, MessageJson json) {
        this.json = json;
        this.table = table;
        this.opener = opener;
        this.config = config.routing();
        this.kafkaConfig = kafkaConfig;
        this.registry = registry;
    }

    void onStart(@Observes StartupEvent event) {
        Gauge.builder("herald.routing.endpoints", table, RoutingTable::size)
                .description("Endpoints in the routing table, enabled or not").strongReference(true).register(registry);
        Gauge.builder("herald.routing.loaded", loaded, l -> l.isDone() ? 1 : 0)
                .description("1 once the routing table caught up with herald.endpoints").strongReference(true)
                .register(registry);
        running = true;
        catchUp = new TopicCatchUp(kafkaConfig, "herald-dispatch-routing-offsets");
        thread = new Thread(this::run, "herald-routing-table");
        thread.setDaemon(true);
        thread.start();
    }

    void onStop(@Observes ShutdownEvent event) throws InterruptedException {
        running = false;
        KafkaConsumer<String, String> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        if (thread != null) {
            thread.join(Duration.ofSeconds(10).toMillis());
        }
        if (catchUp != null) {
            catchUp.close();
        }
    }

    public boolean isLoaded() {
        return loaded.isDone();
    }

    /** Completes, on the routing thread, once the table is loaded; dependents must not block. */
    public CompletionStage<Void> whenLoaded() {
        return loaded.minimalCompletionStage();
    }

    /**
     * True once the table has applied every record {@code herald.endpoints} held when this was called (at once when it
     * already has); false past {@code timeout} (see {@link TopicCatchUp#caughtUp}).
     */
    public Uni<Boolean> caughtUp(Duration timeout) {
        Context caller = Vertx.currentContext();
        Uni<Boolean> caughtUp = Uni.createFrom().completionStage(catchUp.caughtUp(timeout));
        return caller == null ? caughtUp : caughtUp.emitOn(task -> caller.runOnContext(ignored -> task.run()));
    }

    /** After records were applied: how far, so that the catch-ups waiting for it complete. */
    private void appliedUpTo(KafkaConsumer<String, String> c) {
        Map<TopicPartition, Long> positions = new HashMap<>();
        c.assignment().forEach(partition -> positions.put(partition, c.position(partition)));
        catchUp.applied(positions);
    }

    private void run() {
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(consumerConfig())) {
            consumer = c;
            Map<TopicPartition, Long> loadedAt = null;
            while (running) {
                try {
                    if (loadedAt == null) {
                        loadedAt = assignFromBeginning(c);
                        continue;
                    }
                    for (ConsumerRecord<String, String> record : c.poll(Duration.ofMillis(config.pollTimeoutMs()))) {
                        apply(record);
                    }
                    appliedUpTo(c);
                    if (!loaded.isDone() && caughtUp(c, loadedAt)) {
                        LOG.infof("Routing table loaded: %d endpoints", table.size());
                        loaded.complete(null);
                    }
                } catch (WakeupException e) {
                    // Shutting down: the loop condition ends it.
                } catch (RuntimeException e) {
                    LOG.errorf(e, "Reading %s failed; retrying in %d ms", Topics.ENDPOINTS, config.errorBackoffMs());
                    pause();
                }
            }
        } finally {
            consumer = null;
        }
    }

    /** Assigns every partition, rewinds, and returns the end offsets the table must reach to count as loaded. */
    private Map<TopicPartition, Long> assignFromBeginning(KafkaConsumer<String, String> c) {
        List<TopicPartition> partitions = c.partitionsFor(Topics.ENDPOINTS).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        if (partitions.isEmpty()) {
            LOG.warnf("Topic %s does not exist (yet); retrying in %d ms", Topics.ENDPOINTS, config.errorBackoffMs());
            pause();
            return null;
        }
        c.assign(partitions);
        c.seekToBeginning(partitions);
        catchUp.assigned(partitions);
        Map<TopicPartition, Long> end = c.endOffsets(partitions);
        LOG.infof("Loading the routing table from %d partitions of %s", partitions.size(), Topics.ENDPOINTS);
        return end;
    }

    private static boolean caughtUp(KafkaConsumer<String, String> c, Map<TopicPartition, Long> end) {
        return end.entrySet().stream().allMatch(e -> c.position(e.getKey()) >= e.getValue());
    }

    private void apply(ConsumerRecord<String, String> record) {
        if (record.key() == null) {
            LOG.warnf("Ignoring a %s record without key at %s-%d@%d", Topics.ENDPOINTS, record.topic(),
                    record.partition(), record.offset());
            return;
        }
        EndpointState state;
        try {
            state = record.value() == null ? null : opener.open(json.read(record.value(), EndpointState.class));
        } catch (IllegalArgumentException | SealedValueException e) {
            LOG.warnf("Ignoring an unreadable state of endpoint %s at %s-%d@%d: %s", record.key(), record.topic(),
                    record.partition(), record.offset(), e.getMessage());
            return;
        }
        table.apply(record.key(), state);
    }

    private Map<String, Object> consumerConfig() {
        Map<String, Object> props = new HashMap<>(kafkaConfig);
        // Quarkus adds the application name as group id: without a group nothing is committed or shared.
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "herald-dispatch-routing");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return props;
    }

    private void pause() {
        try {
            Thread.sleep(config.errorBackoffMs());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}
