package io.herald.dispatch.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

import io.herald.contracts.Json;
import io.herald.contracts.Topics;
import io.herald.contracts.messages.DeliveryMessage;
import io.herald.contracts.messages.EndpointState;
import io.herald.contracts.messages.EventMessage;
import io.herald.contracts.messages.WebhookPayload;
import io.herald.dispatch.DispatchConfig;
import io.herald.dispatch.routing.EndpointFilter;
import io.herald.dispatch.routing.EndpointStateConsumer;
import io.herald.dispatch.routing.RoutingTable;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.transactions.KafkaTransactions;
import io.smallrye.reactive.messaging.kafka.transactions.TransactionalEmitter;

/**
 * Stage 1: turns each event of {@code herald.events} into one delivery per matching endpoint on
 * {@code herald.deliveries}, exactly once: each polled batch of events is fanned out in one Kafka transaction that also
 * commits the batch's offsets. Either every delivery of the batch becomes visible to {@code read_committed} consumers
 * and its events are done, or none does and the batch is read again from the last committed offsets, so a crash or a
 * failed send never duplicates a delivery.
 * <p>
 * Transactions run one at a time per instance, hence batches: one transaction per event would cap fan-out at a few
 * dozen events per second. A transaction's sends are all issued at once and queue in the emitter until the Kafka sink
 * takes them: its buffer is unbounded, because a bounded one (128 by default) fails the sends past it, aborting every
 * batch that fans out to more deliveries, again and again. What it holds is bounded by {@code max.poll.records} times
 * the largest fan-out of an event. The channel is subscribed only once the routing table is loaded, so no record is
 * even fetched before: an event processed earlier would fan out to nobody and be lost.
 */
@ApplicationScoped
public class FanOut {

    private static final Logger LOG = Logger.getLogger(FanOut.class);

    private final Multi<Message<List<String>>> batches;
    private final KafkaTransactions<String> transactions;
    private final EndpointStateConsumer routing;
    private final RoutingTable table;
    private final DeliveryPublisher publisher;
    private final Clock clock;
    private final Counter created;
    private final Duration abortBackoff;
    private final EndpointFilter filters;

    FanOut(@Channel("events-in") Multi<Message<List<String>>> batches,
            @Channel("deliveries-out") @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER) KafkaTransactions<String> transactions,
            EndpointStateConsumer routing, RoutingTable table, DeliveryPublisher publisher, Clock clock,
            MeterRegistry registry, DispatchConfig config, EndpointFilter filters) {
        this.filters = filters;
        this.batches = batches;
        this.transactions = transactions;
        this.routing = routing;
        this.table = table;
        this.publisher = publisher;
        this.clock = clock;
        this.created = Counter.builder("herald.fanout.deliveries").description("Deliveries created by fan-out")
                .register(registry);
        this.abortBackoff = config == null ? Duration.ZERO : Duration.ofMillis(config.fanOut().abortBackoffMs());
    }

    void onStart(@Observes StartupEvent event) {
        routing.whenLoaded().thenRun(this::consume);
    }

    /** One delivery per enabled endpoint of the event's tenant subscribed to its type; all share one payload. */
    public List<DeliveryMessage> deliveriesFor(EventMessage event) {
        List<EndpointState> endpoints = filters.passing(event, table.matching(event.tenant(), event.type()));
        if (endpoints.isEmpty()) {
            return List.of();
        }
        String payload = WebhookPayload.render(event);
        Instant now = clock.instant();
        return endpoints.stream().map(endpoint -> DeliveryMessage.first(event, endpoint.id(), payload, now)).toList();
    }

    private void consume() {
        LOG.infof("Consuming %s", Topics.EVENTS);
        // One batch at a time: the transactional producer runs a single transaction per instance.
        batches.onItem().transformToUniAndConcatenate(this::fanOut).subscribe().with(ignored -> {
        }, failure -> LOG.errorf(failure, "Fan-out stopped consuming %s", Topics.EVENTS));
    }

    private Uni<Void> fanOut(Message<List<String>> batch) {
        return Uni.createFrom().deferred(() -> transactions.withTransaction(batch, transaction -> {
            int count = 0;
            for (String json : batch.getPayload()) {
                count += fanOut(json, transaction);
            }
            return Uni.createFrom().item(count);
        })).onItem().transformToUni(count -> {
            created.increment(count);
            return Uni.createFrom().completionStage(batch::ack);
        }).onFailure().recoverWithUni(failure -> {
            // The transaction was aborted and the consumer set back to the last committed offsets: the same events
            // come again after the pause. The nack only reports it (failure-strategy=ignore keeps the channel).
            LOG.warnf(failure, "Fan-out of a batch of %d events aborted; reading them again",
                    batch.getPayload().size());
            return Uni.createFrom().voidItem().onItem().delayIt().by(abortBackoff)
                    .chain(() -> Uni.createFrom().completionStage(() -> batch.nack(failure)));
        });
    }

    /** Adds the deliveries of one event to the transaction and returns their number; skips an unusable event. */
    private int fanOut(String json, TransactionalEmitter<String> transaction) {
        EventMessage event = read(json);
        if (event == null) {
            return 0;
        }
        List<DeliveryMessage> deliveries;
        try {
            deliveries = deliveriesFor(event);
        } catch (RuntimeException e) {
            // An event that cannot be rendered would abort every retry of its batch and stall the partition for good.
            LOG.warnf(e, "Skipping event %s on %s: it cannot be fanned out", event.id(), Topics.EVENTS);
            return 0;
        }
        deliveries.forEach(delivery -> publisher.send(transaction, delivery));
        return deliveries.size();
    }

    private static EventMessage read(String json) {
        try {
            if (json == null) {
                throw new IllegalArgumentException("no value");
            }
            EventMessage event = Json.read(json, EventMessage.class);
            if (event.id() == null || event.tenant() == null || event.type() == null || event.occurredAt() == null) {
                throw new IllegalArgumentException("id, tenant, type and occurredAt are required");
            }
            return event;
        } catch (IllegalArgumentException e) {
            // Poison records are skipped, their offsets committed with the batch, so they cannot stall the partition.
            LOG.warnf("Skipping an unreadable event on %s: %s", Topics.EVENTS, e.getMessage());
            return null;
        }
    }
}
