package io.herald.dispatch.delivery;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.herald.contracts.Json;
import io.herald.contracts.Topics;
import io.herald.contracts.WebhookHeaders;
import io.herald.contracts.messages.AttemptMessage;
import io.herald.contracts.messages.AttemptOutcome;
import io.herald.contracts.messages.DeliveryMessage;
import io.herald.contracts.messages.EndpointSecret;
import io.herald.contracts.messages.EndpointState;
import io.herald.contracts.signing.WebhookSecret;
import io.herald.contracts.signing.WebhookSigner;
import io.herald.dispatch.DeliveryPolicyConfig;
import io.herald.dispatch.DispatchConfig;
import io.herald.dispatch.breaker.EndpointBreakers;
import io.herald.dispatch.http.EgressRefusedException;
import io.herald.dispatch.http.WebhookHttpClient;
import io.herald.dispatch.http.WebhookResponse;
import io.herald.dispatch.ratelimit.EndpointLimits;
import io.herald.dispatch.retry.RetryPolicy;
import io.herald.dispatch.retry.RetryPublisher;
import io.herald.dispatch.routing.EndpointStateConsumer;
import io.herald.dispatch.routing.RoutingTable;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Stage 2: delivers each record of {@code herald.deliveries} (and, through {@code RetryTierConsumer}, of the retry
 * tiers once due) to its endpoint as a signed POST, and acknowledges it only once everything it led to is durable in
 * Kafka: its attempt record on {@code herald.attempts}, and its hand-off to a retry tier or {@code herald.dlq}.
 * <p>
 * Outcomes: 2xx succeeds; 410 disables the endpoint (see {@link EndpointDisabler}) and dead-letters the delivery; any
 * other status, a timeout, a connection or TLS error schedules the next try per the endpoint's retry strategy,
 * honouring {@code Retry-After} on 429 and 503 within bounds; after the last try the delivery goes to
 * {@code herald.dlq}. An address refused by the egress policy is not tried again: attempt
 * {@link AttemptOutcome#DROPPED} and a dead letter with the reason, so it can be replayed once the endpoint's URL is
 * fixed.
 * <p>
 * A delivery that cannot go out now is handed to a retry tier without a request and without counting as a try: its
 * endpoint's circuit breaker is open, all its concurrency slots are taken, or its rate limit has no token soon (a short
 * wait happens in memory, paced by a timer). So no endpoint holds more than its concurrency cap of this instance's
 * delivery slots, and none holds back the partition's committed offset for long.
 * <p>
 * Deliveries are processed concurrently (up to {@code herald.dispatch.delivery.concurrency}), also within a partition;
 * the {@code throttled} commit strategy commits an offset only once every record before it was acknowledged. The
 * channel is subscribed only once the routing table is loaded, or deliveries to endpoints not yet read would be dropped
 * as unknown.
 */
@ApplicationScoped
public class DeliveryProcessor {

    private static final Logger LOG = Logger.getLogger(DeliveryProcessor.class);
    private static final WebhookResponse NO_RESPONSE = new WebhookResponse(null, null, null, 0);
    private static final Set<String> OWN_HEADERS = Set.of("content-type", "content-length", "host", "user-agent",
            WebhookHeaders.ID.toLowerCase(Locale.ROOT), WebhookHeaders.TIMESTAMP.toLowerCase(Locale.ROOT),
            WebhookHeaders.SIGNATURE.toLowerCase(Locale.ROOT));

    private final Multi<Message<String>> deliveries;
    private final EndpointStateConsumer routing;
    private final RoutingTable table;
    private final WebhookHttpClient http;
    private final AttemptPublisher attempts;
    private final RetryPolicy retryPolicy;
    private final RetryPublisher retries;
    private final DeadLetterPublisher deadLetters;
    private final EndpointDisabler disabler;
    private final EndpointBreakers breakers;
    private final EndpointLimits limits;
    private final Clock clock;
    private final DeliveryPolicyConfig policy;
    private final int concurrency;
    private final MeterRegistry registry;
    private final FailingEndpoints failing = new FailingEndpoints();

    DeliveryProcessor(@Channel("deliveries-in") Multi<Message<String>> deliveries, EndpointStateConsumer routing,
            RoutingTable table, WebhookHttpClient http, AttemptPublisher attempts, RetryPolicy retryPolicy,
            RetryPublisher retries, DeadLetterPublisher deadLetters, EndpointDisabler disabler,
            EndpointBreakers breakers, EndpointLimits limits, Clock clock, DispatchConfig config,
            DeliveryPolicyConfig policy, MeterRegistry registry) {
        this.deliveries = deliveries;
        this.routing = routing;
        this.table = table;
        this.http = http;
        this.attempts = attempts;
        this.retryPolicy = retryPolicy;
        this.retries = retries;
        this.deadLetters = deadLetters;
        this.disabler = disabler;
        this.breakers = breakers;
        this.limits = limits;
        this.clock = clock;
        this.policy = policy;
        this.concurrency = config.delivery().concurrency();
        this.registry = registry;
    }

    void onStart(@Observes StartupEvent event) {
        routing.whenLoaded().thenRun(this::consume);
    }

    /**
     * Delivers one consumed record and acknowledges it once its outcome is durable; a record that cannot be read is
     * skipped. On a Kafka failure the record is nacked (the channel stops and the record is consumed again after a
     * restart).
     */
    public Uni<Void> process(Message<String> message) {
        return process(message, read(message.getPayload()));
    }

    /** As {@link #process(Message)}, for a record the caller already read with {@link #read} (null if unreadable). */
    public Uni<Void> process(Message<String> message, DeliveryMessage delivery) {
        if (delivery == null) {
            return Uni.createFrom().completionStage(message::ack);
        }
        return deliver(delivery).chain(() -> Uni.createFrom().completionStage(message::ack)).onFailure()
                .recoverWithUni(failure -> {
                    LOG.errorf(failure, "Recording the outcome of delivery %s failed", delivery.id());
                    return Uni.createFrom().completionStage(() -> message.nack(failure));
                });
    }

    /** Handles one delivery that is due; completes once every record it led to was acknowledged by Kafka. */
    public Uni<Void> deliver(DeliveryMessage delivery) {
        return Uni.createFrom().deferred(() -> {
            Instant now = clock.instant();
            failing.learn(delivery.endpointId(), delivery.failingSince());
            Optional<EndpointState> found = table.get(delivery.endpointId());
            String dropReason = dropReason(delivery, found.orElse(null), now);
            if (dropReason != null) {
                LOG.debugf("Dropping delivery %s: %s", delivery.id(), dropReason);
                return publish(attemptRecord(delivery, now, AttemptOutcome.DROPPED, NO_RESPONSE, dropReason, null));
            }
            EndpointState endpoint = found.get();
            return limits.enter(endpoint.id()).chain(entered -> {
                if (!entered) {
                    return reschedule(delivery, clock.instant(), Duration.ofMillis(policy.limits().busyRescheduleMs()),
                            "busy");
                }
                return guarded(delivery, endpoint, clock.instant()).eventually(() -> limits.leave(endpoint.id()));
            });
        });
    }

    private void consume() {
        LOG.infof("Consuming %s", Topics.DELIVERIES);
        deliveries.onItem().transformToUni(this::process).merge(concurrency).subscribe().with(ignored -> {
        }, failure -> LOG.errorf(failure, "Delivery stopped consuming %s", Topics.DELIVERIES));
    }

    private static String dropReason(DeliveryMessage delivery, EndpointState endpoint, Instant now) {
        if (endpoint == null) {
            return "Endpoint deleted or unknown; delivery dropped";
        }
        if (!endpoint.tenant().equals(delivery.tenant())) {
            return "Endpoint belongs to another tenant; delivery dropped";
        }
        if (!endpoint.enabled()) {
            return "Endpoint disabled; delivery dropped";
        }
        if (liveSecrets(endpoint, now).isEmpty()) {
            return "Endpoint has no live signing secret; delivery dropped";
        }
        return null;
    }

    /** Holding one of the endpoint's concurrency slots: breaker, then rate limit, then the request. */
    private Uni<Void> guarded(DeliveryMessage delivery, EndpointState endpoint, Instant now) {
        if (!breakers.tryAcquire(endpoint.id())) {
            return reschedule(delivery, now, breakers.retryAfterRefusal(endpoint.id()), "breaker-open");
        }
        EndpointLimits.Pace pace = limits.pace(endpoint);
        if (pace instanceof EndpointLimits.Later later) {
            breakers.release(endpoint.id());
            return reschedule(delivery, now, later.after(), "rate-limited");
        }
        long waitMs = (((EndpointLimits.Go) pace).delay().toNanos() + 999_999) / 1_000_000;
        Uni<Void> paced = waitMs <= 0 ? Uni.createFrom().voidItem()
                : Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofMillis(waitMs));
        return paced.chain(() -> send(delivery, endpoint));
    }

    private Uni<Void> send(DeliveryMessage delivery, EndpointState endpoint) {
        Instant attemptedAt = clock.instant();
        byte[] body = delivery.payload().getBytes(StandardCharsets.UTF_8);
        long timestamp = attemptedAt.getEpochSecond();
        Map<String, String> headers = new LinkedHashMap<>();
        if (endpoint.headers() != null) {
            // Reserved names are refused at registration; never let one replace what signs or frames the request.
            endpoint.headers().forEach((name, value) -> {
                if (name != null && value != null && !OWN_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                    headers.put(name, value);
                }
            });
        }
        headers.put("Content-Type", "application/json");
        headers.put(WebhookHeaders.ID, delivery.webhookId());
        headers.put(WebhookHeaders.TIMESTAMP, Long.toString(timestamp));
        headers.put(WebhookHeaders.SIGNATURE, WebhookSigner.signatureHeader(liveSecrets(endpoint, attemptedAt),
                delivery.webhookId(), timestamp, body));
        return http.post(endpoint.url(), headers, body).onItemOrFailure().transformToUni((response, failure) -> {
            if (failure == null) {
                return conclude(delivery, endpoint, attemptedAt, response);
            }
            if (failure instanceof EgressRefusedException) {
                return refused(delivery, endpoint, attemptedAt, failure.getMessage());
            }
            return conclude(delivery, endpoint, attemptedAt, new WebhookResponse(null, null, describe(failure), 0));
        });
    }

    private Uni<Void> conclude(DeliveryMessage delivery, EndpointState endpoint, Instant attemptedAt,
            WebhookResponse response) {
        Timer.builder("herald.delivery.http").description("Webhook POSTs, from send to end of response")
                .tag("success", Boolean.toString(response.isSuccess())).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry).record(response.latencyMs(), TimeUnit.MILLISECONDS);
        Instant now = clock.instant();
        String endpointId = endpoint.id();
        if (response.isSuccess()) {
            breakers.succeeded(endpointId, response.latencyMs());
            failing.succeeded(endpointId, now);
            return publish(attemptRecord(delivery, attemptedAt, AttemptOutcome.SUCCEEDED, response, null, null));
        }
        Integer status = response.statusCode();
        String error = response.error() != null ? response.error() : "HTTP " + status;
        if (status != null && status == 410) {
            // Gone says the subscriber removed it, not that it is unhealthy: the breaker does not count it.
            breakers.release(endpointId);
            failing.forget(endpointId);
            return disabler.disable(endpoint, "gone", "HTTP 410 Gone", now)
                    .chain(() -> deadLetters.publish(delivery, status, error + "; endpoint disabled", now))
                    .chain(() -> publish(attemptRecord(delivery, attemptedAt, AttemptOutcome.ENDPOINT_DISABLED,
                            response, error, null)));
        }
        breakers.failed(endpointId, response.latencyMs(), error);
        Instant failingSince = failing.failed(endpointId, now);
        Optional<Duration> delay = retryPolicy.strategyFor(endpoint).nextDelay(delivery.attempts() + 1);
        if (delay.isPresent() && status != null && (status == 429 || status == 503)) {
            Optional<Duration> asked = retryPolicy.retryAfter(response.retryAfter(), now);
            if (asked.isPresent()) {
                delay = asked;
            }
        }
        Uni<Void> handOff;
        AttemptMessage attempt;
        if (delay.isPresent()) {
            DeliveryMessage next = delivery.retryAt(now.plus(delay.get())).withFailingSince(failingSince);
            handOff = retries.schedule(next, now).replaceWithVoid();
            attempt = attemptRecord(delivery, attemptedAt, AttemptOutcome.RETRY_SCHEDULED, response, error,
                    next.notBefore());
        } else {
            handOff = deadLetters.publish(delivery, status, error, now);
            attempt = attemptRecord(delivery, attemptedAt, AttemptOutcome.EXHAUSTED, response, error, null);
        }
        return handOff.chain(() -> publish(attempt)).chain(() -> disableIfFailingTooLong(endpoint, failingSince, now));
    }

    /** The egress policy refused the endpoint's address: no request went out, and none will until it changes. */
    private Uni<Void> refused(DeliveryMessage delivery, EndpointState endpoint, Instant attemptedAt, String error) {
        breakers.release(endpoint.id());
        return deadLetters.publish(delivery, null, error, clock.instant()).chain(
                () -> publish(attemptRecord(delivery, attemptedAt, AttemptOutcome.DROPPED, NO_RESPONSE, error, null)));
    }

    /**
     * Counts from the first failure after a success, as this instance saw it or learnt it from a retry record (so the
     * count survives a restart).
     */
    private Uni<Void> disableIfFailingTooLong(EndpointState endpoint, Instant since, Instant now) {
        if (Duration.between(since, now).toMillis() < policy.autoDisable().failingForMs()) {
            return Uni.createFrom().voidItem();
        }
        failing.forget(endpoint.id());
        return disabler.disable(endpoint, "failing", "Every delivery failed since " + since, now);
    }

    /** Hands a delivery that cannot go out now to a retry tier, without a request and without counting a try. */
    private Uni<Void> reschedule(DeliveryMessage delivery, Instant now, Duration after, String reason) {
        // Up to 10 % later, so deliveries pushed back together do not all come back at once.
        long spreadMs = Math.round(after.toMillis() * 0.1 * ThreadLocalRandom.current().nextDouble());
        DeliveryMessage later = delivery.postponedTo(now.plus(after).plusMillis(spreadMs), now)
                .withFailingSince(failing.since(delivery.endpointId()));
        Counter.builder("herald.delivery.rescheduled")
                .description("Deliveries pushed back to a retry tier without a request, by reason")
                .tag("reason", reason).register(registry).increment();
        return retries.schedule(later, now).replaceWithVoid();
    }

    private Uni<Void> publish(AttemptMessage attempt) {
        return attempts.publish(attempt)
                .invoke(() -> Counter.builder("herald.delivery.attempts")
                        .description("Delivery attempts recorded, by outcome").tag("outcome", attempt.outcome().name())
                        .register(registry).increment());
    }

    private static AttemptMessage attemptRecord(DeliveryMessage delivery, Instant attemptedAt, AttemptOutcome outcome,
            WebhookResponse response, String error, Instant nextAttemptAt) {
        int attempt = delivery.attempts() + 1;
        return new AttemptMessage(AttemptMessage.SCHEMA_VERSION, AttemptMessage.attemptId(delivery.id(), attempt),
                delivery.id(), delivery.webhookId(), delivery.tenant(), delivery.endpointId(), delivery.eventId(),
                delivery.eventType(), attempt, outcome, response.statusCode(), response.latencyMs(), error,
                response.bodyExcerpt(), attemptedAt, nextAttemptAt);
    }

    private static String describe(Throwable failure) {
        String message = failure.getMessage();
        String type = failure.getClass().getSimpleName();
        return message == null || message.isBlank() ? type : type + ": " + message;
    }

    private static List<WebhookSecret> liveSecrets(EndpointState endpoint, Instant now) {
        List<WebhookSecret> secrets = new ArrayList<>();
        for (EndpointSecret secret : endpoint.secrets() == null ? List.<EndpointSecret> of() : endpoint.secrets()) {
            if (secret.liveAt(now)) {
                try {
                    secrets.add(WebhookSecret.parse(secret.secret()));
                } catch (IllegalArgumentException e) {
                    LOG.warnf("Endpoint %s has an unreadable secret; not signing with it", endpoint.id());
                }
            }
        }
        return secrets;
    }

    /** The delivery of a record's value, or null (logged) for a record that cannot be one: it is skipped. */
    public static DeliveryMessage read(String json) {
        try {
            if (json == null) {
                throw new IllegalArgumentException("no value");
            }
            DeliveryMessage delivery = Json.read(json, DeliveryMessage.class);
            if (delivery.id() == null || delivery.endpointId() == null || delivery.tenant() == null
                    || delivery.webhookId() == null || delivery.payload() == null) {
                throw new IllegalArgumentException("id, endpointId, tenant, webhookId and payload are required");
            }
            return delivery;
        } catch (IllegalArgumentException e) {
            // Poison records are skipped so they cannot stall the partition.
            LOG.warnf("Skipping an unreadable delivery: %s", e.getMessage());
            return null;
        }
    }
}
