package io.herald.dispatch.delivery;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.herald.contracts.Json;
import io.herald.contracts.Topics;
import io.herald.contracts.messages.DeliveryMessage;
import io.herald.contracts.messages.EndpointState;
import io.herald.contracts.messages.EventMessage;
import io.herald.contracts.messages.WebhookPayload;
import io.herald.dispatch.DispatchConfig;
import io.herald.dispatch.routing.EndpointStateConsumer;
import io.herald.dispatch.routing.RoutingTable;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Stage 1: turns each event of {@code herald.events} into one delivery per matching endpoint on
 * {@code herald.deliveries}, and acknowledges the event only after Kafka acknowledged all of them (at-least-once).
 * <p>
 * The channel is subscribed only once the routing table is loaded, so no record is even fetched before: an event
 * processed earlier would fan out to nobody and be lost. Up to {@code herald.dispatch.fan-out.event-concurrency} events
 * are fanned out at once (waiting for each event's acknowledgements one after the other caps fan-out at a few dozen
 * events per second); their sends start in arrival order.
 */
@ApplicationScoped
public class FanOut {

    private static final Logger LOG = Logger.getLogger(FanOut.class);

    private final Multi<Message<String>> events;
    private final EndpointStateConsumer routing;
    private final RoutingTable table;
    private final DeliveryPublisher publisher;
    private final Clock clock;
    private final Counter created;
    private final int concurrency;

    FanOut(@Channel("events-in") Multi<Message<String>> events, EndpointStateConsumer routing, RoutingTable table,
            DeliveryPublisher publisher, Clock clock, MeterRegistry registry, DispatchConfig config) {
        this.events = events;
        this.routing = routing;
        this.table = table;
        this.publisher = publisher;
        this.clock = clock;
        this.created = Counter.builder("herald.fanout.deliveries").description("Deliveries created by fan-out")
                .register(registry);
        this.concurrency = config == null ? 1 : config.fanOut().eventConcurrency();
    }

    void onStart(@Observes StartupEvent event) {
        routing.whenLoaded().thenRun(this::consume);
    }

    /** One delivery per enabled endpoint of the event's tenant subscribed to its type; all share one payload. */
    public List<DeliveryMessage> deliveriesFor(EventMessage event) {
        List<EndpointState> endpoints = table.matching(event.tenant(), event.type());
        if (endpoints.isEmpty()) {
            return List.of();
        }
        String payload = WebhookPayload.render(event);
        Instant now = clock.instant();
        return endpoints.stream().map(endpoint -> DeliveryMessage.first(event, endpoint.id(), payload, now)).toList();
    }

    private void consume() {
        LOG.infof("Consuming %s", Topics.EVENTS);
        events.onItem().transformToUni(this::fanOut).merge(concurrency).subscribe().with(ignored -> {
        }, failure -> LOG.errorf(failure, "Fan-out stopped consuming %s", Topics.EVENTS));
    }

    private Uni<Void> fanOut(Message<String> message) {
        EventMessage event = read(message.getPayload());
        if (event == null) {
            return Uni.createFrom().completionStage(message::ack);
        }
        List<DeliveryMessage> deliveries = deliveriesFor(event);
        return publisher.publish(deliveries).invoke(() -> created.increment(deliveries.size()))
                .chain(() -> Uni.createFrom().completionStage(message::ack)).onFailure().recoverWithUni(failure -> {
                    // With failure-strategy=fail the channel stops and liveness reports it; the event's offset is not
                    // committed, so a restarted instance fans it out again.
                    LOG.errorf(failure, "Fan-out of event %s failed", event.id());
                    return Uni.createFrom().completionStage(() -> message.nack(failure));
                });
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
            // Poison records are skipped so they cannot stall the partition; a dead-letter topic comes with retries.
            LOG.warnf("Skipping an unreadable event on %s: %s", Topics.EVENTS, e.getMessage());
            return null;
        }
    }
}
