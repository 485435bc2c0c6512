package io.herald.dispatch.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.herald.contracts.Topics;
import io.herald.contracts.messages.DeliveryMessage;
import io.herald.contracts.messages.EndpointState;
import io.herald.dispatch.BoundedInFlight;
import io.herald.dispatch.DeliveryPolicyConfig;
import io.herald.dispatch.DispatchConfig;
import io.herald.dispatch.KafkaRecords;
import io.herald.dispatch.auth.EndpointCredentials;
import io.herald.dispatch.guard.DeliveryBacklog;
import io.herald.dispatch.guard.EndpointBreakers;
import io.herald.dispatch.guard.EndpointLimits;
import io.herald.dispatch.guard.FailingEndpoints;
import io.herald.dispatch.guard.TenantBudgets;
import io.herald.dispatch.http.EgressRefusedException;
import io.herald.dispatch.http.HostBusyException;
import io.herald.dispatch.http.WebhookResponse;
import io.herald.dispatch.retry.DueDeliveries;
import io.herald.dispatch.routing.EndpointStateConsumer;
import io.herald.dispatch.routing.RoutingTable;
import io.herald.dispatch.tracing.DispatchTracing;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;

/**
 * Stage 2: delivers each record of {@code herald.deliveries} (and, through {@code RetryTierConsumer}, of the retry
 * tiers once due) to its endpoint as a signed POST ({@link WebhookRequest}), and acknowledges it only once everything
 * it led to is durable in Kafka ({@link OutcomePolicy}).
 * <p>
 * Before a request, its tenant's share of this instance's in-flight deliveries and bytes, then the endpoint's guards,
 * in order: one of its concurrency slots (a short wait at most), its circuit breaker, its rate limit (a short wait
 * paced by a timer at most), then a connection of its own within its host's cap
 * ({@link io.herald.dispatch.http.WebhookHttpClient}, with the endpoint's credentials: {@link EndpointCredentials}). A
 * delivery that cannot go out now is postponed through a retry tier without a request, so no endpoint holds more than
 * its concurrency cap of this instance's delivery slots, and none holds back the partition's committed offset for long.
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
    private final EndpointStateConsumer routing;
    private final RoutingTable table;
    private final EndpointCredentials http;
    private final OrderedDeliveries ordered;
    private final OutcomePolicy outcomes;
    private final EndpointBreakers breakers;
    private final EndpointLimits limits;
    private final FailingEndpoints failing;
    private final TenantBudgets tenants;
    private final Clock clock;
    private final DeliveryPolicyConfig policy;
    private final DispatchConfig.Delivery config;
    private final MeterRegistry registry;
    private final DispatchTracing tracing;
    private final DeliveryMeters meters;
    private final DeliveryBacklog backlog;
    private final DeliveryLanes lanes;
    private final KafkaRecords records;
    private volatile BoundedInFlight<Message<String>> inFlight;

    DeliveryProcessor(@Channel(CHANNEL) Multi<Message<String>> deliveries, EndpointStateConsumer routing,
            RoutingTable table, EndpointCredentials http, OrderedDeliveries ordered, OutcomePolicy outcomes,
            EndpointBreakers breakers, EndpointLimits limits, FailingEndpoints failing, TenantBudgets tenants,
            Clock clock, DispatchConfig config, DeliveryPolicyConfig policy, MeterRegistry registry,
            DispatchTracing tracing, DeliveryMeters meters, DeliveryBacklog backlog, DeliveryLanes lanes,
            KafkaRecords records) {
        this.records = records;
        this.backlog = backlog;
        this.lanes = lanes;
        this.tracing = tracing;
        this.meters = meters;
        this.deliveries = deliveries;
        this.routing = routing;
        this.table = table;
        this.http = http;
        this.ordered = ordered;
        this.outcomes = outcomes;
        this.breakers = breakers;
        this.limits = limits;
        this.failing = failing;
        this.tenants = tenants;
        this.clock = clock;
        this.policy = policy;
        this.config = config.delivery();
        this.registry = registry;
    }

    void onStart(@Observes StartupEvent event) {
        routing.whenLoaded().thenRun(this::consume);
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
        Gauge.builder("herald.delivery.in.flight.bytes", inFlight, BoundedInFlight::bytes)
                .description("Bytes of delivery records taken from herald.deliveries and not yet done")
                .register(registry);
        Gauge.builder("herald.delivery.in.flight.records", inFlight, BoundedInFlight::items)
                .description("Delivery records taken from herald.deliveries and not yet done (at most "
                        + "delivery.concurrency: at that bound the consumer stops fetching)")
                .register(registry);
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
            return ordered.offer(message, delivery, this::deliver);
        }
        return process(message, delivery);
    }

    @Override
    public Uni<Void> process(Message<String> message, DeliveryMessage delivery) {
        if (delivery == null) {
            return Uni.createFrom().completionStage(message::ack);
        }
        return lanes.on(delivery.endpointId(), () -> deliver(delivery))
                .chain(() -> Uni.createFrom().completionStage(message::ack)).onFailure().recoverWithUni(failure -> {
                    LOG.errorf(failure, "Recording the outcome of delivery %s failed", delivery.id());
                    return Uni.createFrom().completionStage(() -> message.nack(failure));
                });
    }

    /** Handles one delivery that is due; completes once every record it led to was acknowledged by Kafka. */
    public Uni<Void> deliver(DeliveryMessage delivery) {
        return deliver(delivery, outcomes.toRetryTier());
    }

    /** As {@link #deliver(DeliveryMessage)}; whatever must wait (a retry, a postponement) goes to {@code later}. */
    Uni<Void> deliver(DeliveryMessage delivery, OutcomePolicy.HandOff later) {
        return Uni.createFrom().deferred(() -> {
            Instant now = clock.instant();
            failing.learn(delivery.endpointId(), delivery.failingSince());
            Optional<EndpointState> found = table.get(delivery.endpointId());
            if (found.isEmpty()) {
                return outcomes.dropped(delivery, now, "Endpoint deleted or unknown; delivery dropped");
            }
            EndpointState endpoint = found.get();
            if (!endpoint.tenant().equals(delivery.tenant())) {
                return outcomes.dropped(delivery, now, "Endpoint belongs to another tenant; delivery dropped");
            }
            if (!endpoint.enabled()) {
                return outcomes.endpointDisabled(delivery, now);
            }
            if (WebhookRequest.liveSecrets(endpoint, now).isEmpty()) {
                return outcomes.dropped(delivery, now, "Endpoint has no live signing secret; delivery dropped");
            }
            long bytes = 2L * delivery.payload().length();
            if (!tenants.tryEnter(delivery.tenant(), bytes)) {
                return outcomes.postpone(delivery, Duration.ofMillis(policy.limits().tenantBusyRescheduleMs()),
                        "tenant-busy", later);
            }
            return limits.enter(endpoint.id()).chain(entered -> {
                if (!entered) {
                    return outcomes.postponeCrowded(delivery, Duration.ofMillis(policy.limits().busyRescheduleMs()),
                            "busy", later);
                }
                return guarded(delivery, endpoint, later).eventually(() -> limits.leave(endpoint.id()));
            }).eventually(() -> tenants.leave(delivery.tenant(), bytes));
        });
    }

    /** Holding one of the endpoint's concurrency slots: breaker, then rate limit, then the request. */
    private Uni<Void> guarded(DeliveryMessage delivery, EndpointState endpoint, OutcomePolicy.HandOff later) {
        if (!breakers.tryAcquire(endpoint.id())) {
            // While the probe is out the wait does not grow: the probe's outcome decides within seconds.
            return outcomes.postpone(delivery, breakers.retryAfterRefusal(endpoint.id()),
                    !breakers.probing(endpoint.id()), "breaker-open", later);
        }
        EndpointLimits.Pace pace = limits.pace(endpoint);
        if (pace instanceof EndpointLimits.Later wait) {
            breakers.release(endpoint.id());
            return outcomes.postpone(delivery, wait.after(), "rate-limited", later);
        }
        long waitMs = (((EndpointLimits.Go) pace).delay().toNanos() + 999_999) / 1_000_000;
        Uni<Void> paced = waitMs <= 0 ? Uni.createFrom().voidItem()
                : Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofMillis(waitMs));
        return paced.chain(() -> send(delivery, endpoint, later));
    }

    private Uni<Void> send(DeliveryMessage delivery, EndpointState endpoint, OutcomePolicy.HandOff later) {
        Instant attemptedAt = clock.instant();
        WebhookRequest request = WebhookRequest.of(delivery, endpoint, attemptedAt);
        String attemptId = tracing.startAttempt(delivery, endpoint);
        return http.post(endpoint, tracing.requestHeaders(request.headers(), attemptId, endpoint), request.body())
                .onItemOrFailure().transformToUni((response, failure) -> {
                    if (failure == null) {
                        return outcomes.concluded(delivery, endpoint, attemptedAt, response, later);
                    }
                    if (failure instanceof EgressRefusedException) {
                        return outcomes.refused(delivery, endpoint, attemptedAt, failure.getMessage());
                    }
                    if (failure instanceof HostBusyException) {
                        breakers.release(endpoint.id());
                        return outcomes.postponeCrowded(delivery, Duration.ofMillis(policy.limits().busyRescheduleMs()),
                                "host-busy", later);
                    }
                    return outcomes.concluded(delivery, endpoint, attemptedAt,
                            new WebhookResponse(null, null, describe(failure), 0), later);
                }).eventually(() -> tracing.endAttempt(attemptId));
    }

    private static String describe(Throwable failure) {
        String message = failure.getMessage();
        String type = failure.getClass().getSimpleName();
        return message == null || message.isBlank() ? type : type + ": " + message;
    }

    /** The delivery of a record's value, or null (logged) for a record that cannot be one: it is skipped. */
    private DeliveryMessage read(String json) {
        return records.delivery(json, Topics.DELIVERIES);
    }
}
