package io.herald.dispatch.delivery;

import java.time.Clock;
import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.herald.contracts.Topics;
import io.herald.contracts.messages.DeliveryMessage;
import io.herald.contracts.messages.EndpointState;
import io.herald.dispatch.BoundedInFlight;
import io.herald.dispatch.DispatchConfig;
import io.herald.dispatch.KafkaRecords;
import io.herald.dispatch.guard.DeliveryBacklog;
import io.herald.dispatch.retry.DueDeliveries;
import io.herald.dispatch.routing.RoutingTable;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;

/**
 * Stage 2: delivers each record of {@code herald.deliveries} (and, through {@code RetryTierConsumer}, of the retry
 * tiers once due) to its endpoint ({@link DeliveryAttempts}: the {@link EndpointGuards}, then a signed POST built by
 * {@link WebhookRequest}), and acknowledges it only once everything it led to is durable in Kafka
 * ({@link OutcomePolicy}). A delivery that cannot go out now is postponed through a retry tier without a request, so
 * none holds back the partition's committed offset for long.
 * <p>
 * Deliveries are processed concurrently, also within a partition, up to {@code delivery.concurrency} records and
 * {@code delivery.max-bytes-in-flight} bytes of payload at once; the {@code throttled} commit strategy commits an
 * offset only once every record before it was acknowledged. Each delivery runs on its endpoint's lane
 * ({@link DeliveryLanes}: one per event loop), not on the loop that consumes the channel. The channel is subscribed
 * only once the routing table is loaded, or deliveries to endpoints not yet read would be dropped as unknown.
 * <p>
 * A record of an endpoint that delivers in order goes to {@link OrderedDeliveries} instead: it waits there behind the
 * endpoint's earlier deliveries, is sent the same way, waits in place for its retries, and is acknowledged only once
 * done.
 */
@ApplicationScoped
public class DeliveryProcessor implements DueDeliveries {

    /** The channel of herald.deliveries. */
    public static final String CHANNEL = "deliveries-in";

    private static final Logger LOG = Logger.getLogger(DeliveryProcessor.class);

    private final Multi<Message<String>> deliveries;
    private final RoutingTable table;
    private final DeliveryAttempts attempts;
    private final OrderedDeliveries ordered;
    private final DeliveryLanes lanes;
    private final DeliveryMeters meters;
    private final DeliveryBacklog backlog;
    private final KafkaRecords records;
    private final Clock clock;
    private final DispatchConfig.Delivery config;
    private volatile BoundedInFlight<Message<String>> inFlight;

    DeliveryProcessor(@Channel(CHANNEL) Multi<Message<String>> deliveries, RoutingTable table,
            DeliveryAttempts attempts, OrderedDeliveries ordered, DeliveryLanes lanes, DeliveryMeters meters,
            DeliveryBacklog backlog, KafkaRecords records, Clock clock, DispatchConfig config) {
        this.deliveries = deliveries;
        this.table = table;
        this.attempts = attempts;
        this.ordered = ordered;
        this.lanes = lanes;
        this.meters = meters;
        this.backlog = backlog;
        this.records = records;
        this.clock = clock;
        this.config = config.delivery();
    }

    void onStart(@Observes StartupEvent event) {
        table.whenLoaded().thenRun(this::consume);
    }

    /** Records taken from herald.deliveries and not done yet; none before consuming starts. */
    public int inFlight() {
        BoundedInFlight<Message<String>> consuming = inFlight;
        return consuming == null ? 0 : consuming.items();
    }

    private void consume() {
        LOG.infof("Consuming %s", Topics.DELIVERIES);
        inFlight = BoundedInFlight.consume(Topics.DELIVERIES, deliveries, config.concurrency(),
                config.maxBytesInFlight(), KafkaRecords::sizeOf, this::process);
        meters.inFlight(inFlight);
    }

    /**
     * Delivers one consumed record and acknowledges it once its outcome is durable; a record that cannot be read is
     * skipped. On a Kafka failure the record is nacked (the channel stops and the record is consumed again after a
     * restart).
     */
    public Uni<Void> process(Message<String> message) {
        message.getMetadata(IncomingKafkaRecordMetadata.class).ifPresent(record -> {
            Duration queued = Duration.between(record.getTimestamp(), clock.instant());
            meters.queued(queued);
            backlog.taken(queued);
        });
        DeliveryMessage delivery = read(message.getPayload());
        if (delivery != null && table.get(delivery.endpointId()).map(EndpointState::ordered).orElse(false)) {
            // Queued behind the endpoint's earlier deliveries; acknowledged once done, not now.
            return ordered.offer(message, delivery, attempts::deliver);
        }
        return process(message, delivery);
    }

    @Override
    public Uni<Void> process(Message<String> message, DeliveryMessage delivery) {
        if (delivery == null) {
            return Uni.createFrom().completionStage(message::ack);
        }
        return lanes.on(delivery.endpointId(), () -> attempts.deliver(delivery))
                .chain(() -> Uni.createFrom().completionStage(message::ack)).onFailure().recoverWithUni(failure -> {
                    LOG.errorf(failure, "Recording the outcome of delivery %s failed", delivery.id());
                    return Uni.createFrom().completionStage(() -> message.nack(failure));
                });
    }

    /** The delivery of a record's value, or null (logged) for a record that cannot be one: it is skipped. */
    private DeliveryMessage read(String json) {
        return records.delivery(json, Topics.DELIVERIES);
    }
}
