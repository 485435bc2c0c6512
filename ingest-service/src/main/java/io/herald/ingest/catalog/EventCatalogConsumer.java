package io.herald.ingest.catalog;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

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
import io.herald.contracts.messages.EventCatalogKeys;
import io.herald.contracts.messages.EventTypeState;
import io.herald.contracts.messages.TenantSettingsState;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;

/**
 * Keeps the {@link EventCatalog} in step with the compacted {@code herald.event-types} topic. Like dispatch's routing
 * table: every ingest instance needs every tenant's catalog, so this is a plain consumer that assigns all partitions
 * and reads from the beginning on its own thread (no group, no committed offsets). The catalog counts as loaded once
 * the consumer reached the end offsets seen at start; until then ingest is not ready and answers events with 503, so
 * that no event slips past a schema that was not read yet.
 */
@ApplicationScoped
public class EventCatalogConsumer {

    private static final Logger LOG = Logger.getLogger(EventCatalogConsumer.class);

    private final EventCatalog catalog;
    private final CatalogConfig config;
    private final Map<String, Object> kafkaConfig;
    private final MeterRegistry registry;
    private final MessageJson json;
    private final CompletableFuture<Void> loaded = new CompletableFuture<>();
    private volatile boolean running;
    private volatile KafkaConsumer<String, String> consumer;
    private Thread thread;

    EventCatalogConsumer(EventCatalog catalog, CatalogConfig config,
            @Identifier("default-kafka-broker") Map<String, Object> kafkaConfig, MeterRegistry registry,
            MessageJson json) {
        this.json = json;
        this.catalog = catalog;
        this.config = config;
        this.kafkaConfig = kafkaConfig;
        this.registry = registry;
    }

    void onStart(@Observes StartupEvent event) {
        Gauge.builder("herald.ingest.catalog.event.types", catalog, EventCatalog::size)
                .description("Event types in the in-memory catalog, over all tenants").strongReference(true)
                .register(registry);
        Gauge.builder("herald.ingest.catalog.loaded", loaded, l -> l.isDone() ? 1 : 0)
                .description("1 once the event-type catalog caught up with herald.event-types").strongReference(true)
                .register(registry);
        running = true;
        thread = new Thread(this::run, "herald-event-catalog");
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
    }

    public boolean isLoaded() {
        return loaded.isDone();
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
                    for (ConsumerRecord<String, String> record : c.poll(config.pollTimeout())) {
                        apply(record);
                    }
                    if (!loaded.isDone() && caughtUp(c, loadedAt)) {
                        LOG.infof("Event-type catalog loaded: %d event types", catalog.size());
                        loaded.complete(null);
                    }
                } catch (WakeupException e) {
                    // Shutting down: the loop condition ends it.
                } catch (RuntimeException e) {
                    LOG.errorf(e, "Reading %s failed; retrying in %d ms", Topics.EVENT_TYPES,
                            config.errorBackoff().toMillis());
                    pause();
                }
            }
        } finally {
            consumer = null;
        }
    }

    private Map<TopicPartition, Long> assignFromBeginning(KafkaConsumer<String, String> c) {
        List<TopicPartition> partitions = c.partitionsFor(Topics.EVENT_TYPES).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        if (partitions.isEmpty()) {
            LOG.warnf("Topic %s does not exist (yet); retrying in %d ms", Topics.EVENT_TYPES,
                    config.errorBackoff().toMillis());
            pause();
            return null;
        }
        c.assign(partitions);
        c.seekToBeginning(partitions);
        return c.endOffsets(partitions);
    }

    private static boolean caughtUp(KafkaConsumer<String, String> c, Map<TopicPartition, Long> end) {
        return end.entrySet().stream().allMatch(e -> c.position(e.getKey()) >= e.getValue());
    }

    private void apply(ConsumerRecord<String, String> record) {
        EventCatalogKeys.Parsed key = EventCatalogKeys.parse(record.key());
        if (key == null) {
            LOG.warnf("Ignoring a %s record with key %s", Topics.EVENT_TYPES, record.key());
            return;
        }
        try {
            if (key.isSettings()) {
                catalog.applySettings(record.key(),
                        record.value() == null ? null : json.read(record.value(), TenantSettingsState.class));
            } else {
                catalog.apply(record.key(),
                        record.value() == null ? null : json.read(record.value(), EventTypeState.class));
            }
        } catch (IllegalArgumentException e) {
            LOG.warnf("Ignoring an unreadable %s record %s at %d@%d: %s", Topics.EVENT_TYPES, record.key(),
                    record.partition(), record.offset(), e.getMessage());
        }
    }

    private Map<String, Object> consumerConfig() {
        Map<String, Object> props = new HashMap<>(kafkaConfig);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "herald-ingest-catalog");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return props;
    }

    private void pause() {
        try {
            Thread.sleep(config.errorBackoff().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}
