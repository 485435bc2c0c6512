package io.herald.dispatch.routing;

import java.time.Duration;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.jboss.logging.Logger;

import io.herald.contracts.MessageJson;
import io.herald.contracts.Topics;
import io.herald.contracts.kafka.CompactedTopicReader;
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
 * Every dispatch instance needs every endpoint (a delivery for any endpoint may land on it), so this reads the whole
 * topic with a {@link CompactedTopicReader}: a plain {@link KafkaConsumer} over all partitions from the beginning, on
 * its own thread, rather than a consumer group.
 * <p>
 * The table counts as loaded once the reader reached, on every partition, the end offset observed at start; until then
 * {@code /q/health/ready} is DOWN and the event and delivery consumers do not start.
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
    private final Map<String, Object> kafkaConfig;
    private final MeterRegistry registry;
    private final MessageJson json;
    private final CompactedTopicReader reader;
    private volatile TopicCatchUp catchUp;

    EndpointStateConsumer(RoutingTable table, DispatchConfig config,
            @Identifier("default-kafka-broker") Map<String, Object> kafkaConfig, MeterRegistry registry,
            EndpointStateOpener opener, MessageJson json) {
        this.json = json;
        this.table = table;
        this.opener = opener;
        this.kafkaConfig = kafkaConfig;
        this.registry = registry;
        this.reader = new CompactedTopicReader(Topics.ENDPOINTS, Duration.ofMillis(config.routing().pollTimeoutMs()),
                Duration.ofMillis(config.routing().errorBackoffMs()), this::apply);
        reader.whenLoaded().thenRun(() -> {
            LOG.infof("Routing table loaded: %d endpoints", table.size());
            table.loaded();
        });
    }

    void onStart(@Observes StartupEvent event) {
        Gauge.builder("herald.routing.endpoints", table, RoutingTable::size)
                .description("Endpoints in the routing table, enabled or not").strongReference(true).register(registry);
        Gauge.builder("herald.routing.loaded", reader, r -> r.isLoaded() ? 1 : 0)
                .description("1 once the routing table caught up with herald.endpoints").strongReference(true)
                .register(registry);
        catchUp = new TopicCatchUp(kafkaConfig, "herald-dispatch-routing-offsets");
        reader.start("herald-routing-table",
                () -> new KafkaConsumer<>(CompactedTopicReader.consumerConfig(kafkaConfig, "herald-dispatch-routing")),
                catchUp);
    }

    void onStop(@Observes ShutdownEvent event) throws InterruptedException {
        reader.stop();
        if (catchUp != null) {
            catchUp.close();
        }
    }

    public boolean isLoaded() {
        return reader.isLoaded();
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
}
