package io.herald.dispatch.fanout;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.herald.contracts.Topics;
import io.herald.contracts.messages.DeliveryMessage;
import io.herald.contracts.messages.EndpointState;
import io.herald.dispatch.KafkaRecords;
import io.herald.dispatch.guard.EndpointBreakers;
import io.herald.dispatch.guard.FailingEndpoints;
import io.herald.dispatch.retry.RetryTiers;
import io.herald.dispatch.routing.RoutingTable;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.kafka.transactions.TransactionalEmitter;

/**
 * Writes deliveries to {@code herald.deliveries} inside fan-out's Kafka transaction, keyed by endpoint id so that one
 * dispatch replica owns each endpoint.
 * <p>
 * A delivery to an endpoint whose circuit breaker this instance holds open goes straight to the retry tier of the
 * breaker's remaining open time instead, postponed as the delivery stage would have postponed it on taking it (one
 * postponement, counted in {@code herald_delivery_rescheduled_total} as {@code fan-out-breaker-open}): sent through
 * {@code herald.deliveries} it would only be read, refused and written to that tier, so a dead endpoint's share of the
 * traffic costs one Kafka record written per delivery rather than two, and no read, parse and refusal in between.
 * Deliveries of an ordered endpoint always go through {@code herald.deliveries} (they wait in its queue, not in a
 * tier), and so does a delivery whose breaker is about to let a probe through. With several replicas this instance may
 * not hold the endpoint's breaker (another one delivers to it): then the delivery goes the usual way.
 */
@ApplicationScoped
public class DeliveryPublisher {

    /** An open breaker closer than this to half-open lets the delivery go the usual way (it may be the probe). */
    static final Duration MIN_OPEN_LEFT = Duration.ofSeconds(1);

    private final EndpointBreakers breakers;
    private final FailingEndpoints failing;
    private final RoutingTable table;
    private final Clock clock;
    private final Counter postponed;
    private final KafkaRecords records;

    DeliveryPublisher(EndpointBreakers breakers, FailingEndpoints failing, RoutingTable table, Clock clock,
            MeterRegistry registry, KafkaRecords records) {
        this.records = records;
        this.breakers = breakers;
        this.failing = failing;
        this.table = table;
        this.clock = clock;
        // The delivery stage's meter of postponements (DeliveryMeters), with a reason of its own.
        this.postponed = Counter.builder("herald.delivery.rescheduled")
                .description("Deliveries pushed back to a retry tier without a request, by reason")
                .tag("reason", "fan-out-breaker-open").register(registry);
    }

    /**
     * Adds one delivery to the transaction. Kafka makes it visible to {@code read_committed} consumers only when the
     * transaction commits, together with the offsets of the events it came from; on abort it is discarded.
     */
    public void send(TransactionalEmitter<String> transaction, DeliveryMessage delivery) {
        String endpointId = delivery.endpointId();
        Optional<Duration> open = breakers.openFor(endpointId, MIN_OPEN_LEFT);
        if (open.isEmpty() || table.get(endpointId).map(EndpointState::ordered).orElse(true)) {
            transaction.send(records.keyed(delivery, Topics.DELIVERIES, endpointId));
            return;
        }
        Instant now = clock.instant();
        Duration wait = RetryTiers.backOff(open.get());
        DeliveryMessage later = delivery.postponedTo(now.plus(wait), now).withFailingSince(failing.since(endpointId));
        transaction.send(records.keyed(later, Topics.retryTier(RetryTiers.tierFor(wait)), endpointId));
        postponed.increment();
    }
}
