package io.herald.ingest.catalog;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.jboss.logging.Logger;

import io.herald.contracts.MessageJson;
import io.herald.contracts.Topics;
import io.herald.contracts.kafka.CompactedTopicReader;
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
 * table: every ingest instance needs every tenant's catalog, so this reads the whole topic with a
 * {@link CompactedTopicReader} (all partitions from the beginning, on its own thread, no group). The catalog counts as
 * loaded once the reader reached the end offsets seen at start; until then ingest is not ready and answers events with
 * 503, so that no event slips past a schema that was not read yet.
 */
@ApplicationScoped
public class EventCatalogConsumer {

    private static final Logger LOG = Logger.getLogger(EventCatalogConsumer.class);

    private final EventCatalog catalog;
    private final Map<String, Object> kafkaConfig;
    private final MeterRegistry registry;
    private final MessageJson json;
    private final CompactedTopicReader reader;

    EventCatalogConsumer(EventCatalog catalog, CatalogConfig config,
            @Identifier("default-kafka-broker") Map<String, Object> kafkaConfig, MeterRegistry registry,
            MessageJson json) {
        this.json = json;
        this.catalog = catalog;
        this.kafkaConfig = kafkaConfig;
        this.registry = registry;
        this.reader = new CompactedTopicReader(Topics.EVENT_TYPES, config.pollTimeout(), config.errorBackoff(),
                this::apply);
        reader.whenLoaded().thenRun(() -> LOG.infof("Event-type catalog loaded: %d event types", catalog.size()));
    }

    void onStart(@Observes StartupEvent event) {
        Gauge.builder("herald.ingest.catalog.event.types", catalog, EventCatalog::size)
                .description("Event types in the in-memory catalog, over all tenants").strongReference(true)
                .register(registry);
        Gauge.builder("herald.ingest.catalog.loaded", reader, r -> r.isLoaded() ? 1 : 0)
                .description("1 once the event-type catalog caught up with herald.event-types").strongReference(true)
                .register(registry);
        reader.start("herald-event-catalog",
                () -> new KafkaConsumer<>(CompactedTopicReader.consumerConfig(kafkaConfig, "herald-ingest-catalog")));
    }

    void onStop(@Observes ShutdownEvent event) throws InterruptedException {
        reader.stop();
    }

    public boolean isLoaded() {
        return reader.isLoaded();
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
}
