package io.herald.dispatch.delivery;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import io.herald.contracts.messages.AttemptOutcome;
import io.herald.dispatch.BoundedInFlight;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The delivery stage's meters: request latency, attempts by outcome, postponements by reason, records in flight. Each
 * meter is looked up in the registry once, not on every delivery.
 */
@ApplicationScoped
class DeliveryMeters {

    private final MeterRegistry registry;
    private final Timer succeeded;
    private final Timer failed;
    private final Timer queued;
    private final Map<AttemptOutcome, Counter> attempts = new EnumMap<>(AttemptOutcome.class);
    private final Map<String, Counter> postponements = new ConcurrentHashMap<>();

    DeliveryMeters(MeterRegistry registry) {
        this.registry = registry;
        this.succeeded = http(registry, true);
        this.failed = http(registry, false);
        this.queued = Timer.builder("herald.delivery.queued")
                .description("Time from a delivery record's write to herald.deliveries until dispatch takes it")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(60)).register(registry);
        for (AttemptOutcome outcome : AttemptOutcome.values()) {
            attempts.put(outcome,
                    Counter.builder("herald.delivery.attempts").description("Delivery attempts recorded, by outcome")
                            .tag("outcome", outcome.name()).register(registry));
        }
    }

    private static Timer http(MeterRegistry registry, boolean success) {
        return Timer.builder("herald.delivery.http").description("Webhook POSTs, from send to end of response")
                .tag("success", Boolean.toString(success)).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry);
    }

    /** One webhook POST ended (a response, a timeout or a connection error). */
    void requested(boolean success, long latencyMs) {
        (success ? succeeded : failed).record(latencyMs, TimeUnit.MILLISECONDS);
    }

    /**
     * A record of {@code herald.deliveries} was taken for delivery {@code queued} after it was written: how long
     * deliveries wait in Kafka and in the consumer before dispatch starts on them.
     */
    void queued(Duration queued) {
        this.queued.record(queued);
    }

    /** One attempt record was written. */
    void attempted(AttemptOutcome outcome) {
        attempts.get(outcome).increment();
    }

    /** A delivery was pushed back to a retry tier without a request. */
    void postponed(String reason) {
        postponements.computeIfAbsent(reason,
                r -> Counter.builder("herald.delivery.rescheduled")
                        .description("Deliveries pushed back to a retry tier without a request, by reason")
                        .tag("reason", r).register(registry))
                .increment();
    }

    /** Gauges of the records and bytes taken from {@code herald.deliveries} and not done yet. */
    void inFlight(BoundedInFlight<?> inFlight) {
        Gauge.builder("herald.delivery.in.flight.bytes", inFlight, BoundedInFlight::bytes)
                .description("Bytes of delivery records taken from herald.deliveries and not yet done")
                .register(registry);
        Gauge.builder("herald.delivery.in.flight.records", inFlight, BoundedInFlight::items)
                .description("Delivery records taken from herald.deliveries and not yet done (at most "
                        + "delivery.concurrency: at that bound the consumer stops fetching)")
                .register(registry);
    }
}
