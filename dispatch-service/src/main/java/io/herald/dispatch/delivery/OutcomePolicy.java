package io.herald.dispatch.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.enterprise.context.ApplicationScoped;

import io.herald.contracts.messages.AttemptMessage;
import io.herald.contracts.messages.AttemptOutcome;
import io.herald.contracts.messages.DeadLetterReason;
import io.herald.contracts.messages.DeliveryMessage;
import io.herald.contracts.messages.EndpointState;
import io.herald.contracts.messages.ReceiverText;
import io.herald.contracts.tracing.TraceContext;
import io.herald.dispatch.DeliveryPolicyConfig;
import io.herald.dispatch.deadletter.DeadLetterPublisher;
import io.herald.dispatch.guard.EndpointBreakers;
import io.herald.dispatch.guard.EndpointDisabler;
import io.herald.dispatch.guard.FailingEndpoints;
import io.herald.dispatch.http.WebhookResponse;
import io.herald.dispatch.retry.RetryPolicy;
import io.herald.dispatch.retry.RetryPublisher;
import io.herald.dispatch.retry.RetryTiers;
import io.smallrye.mutiny.Uni;

/**
 * What becomes of a delivery, and the records that make it durable; every method completes once Kafka acknowledged
 * them.
 * <ul>
 * <li>2xx: succeeded.</li>
 * <li>410 Gone: the endpoint is disabled and the delivery becomes a dead letter ({@code ENDPOINT_DISABLED}).</li>
 * <li>Any other status, a timeout or a connection error: the next try per the endpoint's retry strategy, honouring
 * {@code Retry-After} on 429 and 503 within bounds; after the last one a dead letter ({@code EXHAUSTED}). An endpoint
 * failing for longer than {@code auto-disable.failing-for-ms} is disabled.</li>
 * <li>Refused by the egress policy: no request, a dead letter ({@code EGRESS_REFUSED}) to replay once the URL is
 * fixed.</li>
 * <li>Not sent now (breaker open, rate limit, concurrency or host cap): postponed through a retry tier without counting
 * a try, each time twice as far up to {@code limits.postpone-max-ms} (refused while the breaker's probe is out: a few
 * seconds each time, see {@link EndpointBreakers#retryAfterRefusal}); postponed for longer than
 * {@code limits.postpone-deadline-ms}, a dead letter ({@code POSTPONED_TOO_LONG}).</li>
 * <li>Due for a disabled endpoint: a dead letter ({@code ENDPOINT_DISABLED}), so that {@code recover} brings it back
 * once the endpoint is enabled again.</li>
 * </ul>
 */
@ApplicationScoped
public class OutcomePolicy {

    private static final WebhookResponse NO_RESPONSE = new WebhookResponse(null, null, null, 0);

    /**
     * Where a delivery that must be tried again later goes: a retry tier ({@link #toRetryTier}), or, for an ordered
     * endpoint, nowhere but the wait of its own queue ({@link OrderedDeliveries}).
     */
    @FunctionalInterface
    interface HandOff {

        /** Makes {@code next} (due at its {@code notBefore}) wait; completes once that is durable. */
        Uni<Void> later(DeliveryMessage next, Instant now);

        /** How long a postponed delivery waits when {@code wait} is asked for: as asked, unless this says otherwise. */
        default Duration postponement(Duration wait) {
            return wait;
        }
    }

    private final AttemptPublisher attempts;
    private final RetryPolicy retryPolicy;
    private final RetryPublisher retries;
    private final DeadLetterPublisher deadLetters;
    private final EndpointDisabler disabler;
    private final EndpointBreakers breakers;
    private final FailingEndpoints failing;
    private final Clock clock;
    private final DeliveryPolicyConfig policy;
    private final DeliveryMeters meters;
    private final HandOff retryTier = new HandOff() {

        @Override
        public Uni<Void> later(DeliveryMessage next, Instant now) {
            return retries.schedule(next, now).replaceWithVoid();
        }

        @Override
        public Duration postponement(Duration wait) {
            return RetryTiers.backOff(wait);
        }
    };

    OutcomePolicy(AttemptPublisher attempts, RetryPolicy retryPolicy, RetryPublisher retries,
            DeadLetterPublisher deadLetters, EndpointDisabler disabler, EndpointBreakers breakers,
            FailingEndpoints failing, Clock clock, DeliveryPolicyConfig policy, DeliveryMeters meters) {
        this.attempts = attempts;
        this.retryPolicy = retryPolicy;
        this.retries = retries;
        this.deadLetters = deadLetters;
        this.disabler = disabler;
        this.breakers = breakers;
        this.failing = failing;
        this.clock = clock;
        this.policy = policy;
        this.meters = meters;
    }

    /**
     * Hands deliveries to wait to the retry tier of their delay. A postponement waits a tier's delay
     * ({@link RetryTiers#backOff}): it costs one record in one tier, however long it waits.
     */
    HandOff toRetryTier() {
        return retryTier;
    }

    /** A request was made and {@code response} is what came of it. */
    Uni<Void> concluded(DeliveryMessage delivery, EndpointState endpoint, Instant attemptedAt,
            WebhookResponse response) {
        return concluded(delivery, endpoint, attemptedAt, response, toRetryTier());
    }

    /**
     * As {@link #concluded(DeliveryMessage, EndpointState, Instant, WebhookResponse)}; a next try goes to
     * {@code retry}.
     */
    Uni<Void> concluded(DeliveryMessage delivery, EndpointState endpoint, Instant attemptedAt, WebhookResponse response,
            HandOff retry) {
        meters.requested(response.isSuccess(), response.latencyMs());
        Instant now = clock.instant();
        String endpointId = endpoint.id();
        if (response.isSuccess()) {
            breakers.succeeded(endpointId, response.latencyMs());
            failing.succeeded(endpointId, now);
            return attempt(delivery, attemptedAt, AttemptOutcome.SUCCEEDED, response, null, null);
        }
        Integer status = response.statusCode();
        String error = response.error() != null ? response.error() : "HTTP " + status;
        if (status != null && status == 410) {
            // Gone says the subscriber removed it, not that it is unhealthy: the breaker does not count it.
            breakers.release(endpointId);
            failing.forget(endpointId);
            return disabler.disable(endpoint, "gone", "HTTP 410 Gone", now)
                    .chain(() -> deadLetters.publish(delivery, DeadLetterReason.ENDPOINT_DISABLED, status,
                            error + "; endpoint disabled", now))
                    .chain(() -> attempt(delivery, attemptedAt, AttemptOutcome.ENDPOINT_DISABLED, response, error,
                            null));
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
        Uni<Void> recorded;
        if (delay.isPresent()) {
            DeliveryMessage next = delivery.retryAt(now.plus(delay.get())).withFailingSince(failingSince);
            handOff = retry.later(next, now);
            recorded = attempt(delivery, attemptedAt, AttemptOutcome.RETRY_SCHEDULED, response, error,
                    next.notBefore());
        } else {
            handOff = deadLetters.publish(delivery, DeadLetterReason.EXHAUSTED, status, error, now);
            recorded = attempt(delivery, attemptedAt, AttemptOutcome.EXHAUSTED, response, error, null);
        }
        return handOff.chain(() -> recorded).chain(() -> disableIfFailingTooLong(endpoint, failingSince, now));
    }

    /** The egress policy refused the endpoint's address: no request went out, and none will until it changes. */
    Uni<Void> refused(DeliveryMessage delivery, EndpointState endpoint, Instant attemptedAt, String error) {
        breakers.release(endpoint.id());
        return deadLetters.publish(delivery, DeadLetterReason.EGRESS_REFUSED, null, error, clock.instant())
                .chain(() -> attempt(delivery, attemptedAt, AttemptOutcome.DROPPED, NO_RESPONSE, error, null));
    }

    /** The delivery's endpoint is disabled: a dead letter, so that recovering the endpoint brings it back. */
    Uni<Void> endpointDisabled(DeliveryMessage delivery, Instant now) {
        String error = "Endpoint disabled; the delivery is a dead letter";
        return deadLetters.publish(delivery, DeadLetterReason.ENDPOINT_DISABLED, null, error, now)
                .chain(() -> attempt(delivery, now, AttemptOutcome.DROPPED, NO_RESPONSE, error, null));
    }

    /** The delivery cannot be made at all (its endpoint is gone or not the tenant's): recorded, not retried. */
    Uni<Void> dropped(DeliveryMessage delivery, Instant now, String reason) {
        return attempt(delivery, now, AttemptOutcome.DROPPED, NO_RESPONSE, reason, null);
    }

    /**
     * Hands a delivery that cannot go out now to a retry tier, without a request and without counting a try: after
     * {@code asked} doubled for each postponement before it (capped), or to the DLQ past the postponement deadline.
     */
    Uni<Void> postpone(DeliveryMessage delivery, Duration asked, String reason) {
        return postpone(delivery, asked, reason, toRetryTier());
    }

    /** As {@link #postpone(DeliveryMessage, Duration, String)}; the postponed delivery goes to {@code handOff}. */
    Uni<Void> postpone(DeliveryMessage delivery, Duration asked, String reason, HandOff handOff) {
        return postpone(delivery, asked, true, reason, handOff);
    }

    /**
     * As {@link #postpone(DeliveryMessage, Duration, String, HandOff)}; unless {@code growing}, the wait is
     * {@code asked} however often the delivery was postponed before (it still counts as one more postponement).
     */
    Uni<Void> postpone(DeliveryMessage delivery, Duration asked, boolean growing, String reason, HandOff handOff) {
        return postpone(delivery, asked, growing, Spread.TAIL, reason, handOff);
    }

    /**
     * As {@link #postpone(DeliveryMessage, Duration, String, HandOff)}, for a delivery turned away because its endpoint
     * or its host had every slot taken at that moment: the wait is spread over the whole back-off
     * ({@link Spread#FULL}).
     */
    Uni<Void> postponeCrowded(DeliveryMessage delivery, Duration asked, String reason, HandOff handOff) {
        return postpone(delivery, asked, true, Spread.FULL, reason, handOff);
    }

    private Uni<Void> postpone(DeliveryMessage delivery, Duration asked, boolean growing, Spread spread, String reason,
            HandOff handOff) {
        Instant now = clock.instant();
        Instant since = delivery.postponedSince() != null ? delivery.postponedSince() : now;
        Duration deadline = Duration.ofMillis(policy.limits().postponeDeadlineMs());
        if (Duration.between(since, now).compareTo(deadline) >= 0) {
            String error = "Not sent for " + deadline.toMinutes() + " min (last: " + reason + ")";
            meters.postponed("deadline");
            return deadLetters.publish(delivery, DeadLetterReason.POSTPONED_TOO_LONG, null, error, now)
                    .chain(() -> attempt(delivery, now, AttemptOutcome.DROPPED, NO_RESPONSE, error, null));
        }
        long afterMs = growing ? backoffMs(asked.toMillis(), delivery.postponements(), policy.limits().postponeMaxMs())
                : asked.toMillis();
        Duration wait = handOff
                .postponement(Duration.ofMillis(spread.waitMs(afterMs, ThreadLocalRandom.current().nextDouble())));
        DeliveryMessage later = delivery.postponedTo(now.plus(wait), now)
                .withFailingSince(failing.since(delivery.endpointId()));
        meters.postponed(reason);
        return handOff.later(later, now);
    }

    /**
     * An ordered endpoint's queue is full (see {@link OrderedDeliveries}): the delivery becomes a dead letter
     * ({@code ORDERED_QUEUE_FULL}) without a request, so that {@code recover} can bring it back.
     */
    Uni<Void> orderedQueueFull(DeliveryMessage delivery, String error) {
        Instant now = clock.instant();
        meters.postponed("ordered-queue-full");
        return deadLetters.publish(delivery, DeadLetterReason.ORDERED_QUEUE_FULL, null, error, now)
                .chain(() -> attempt(delivery, now, AttemptOutcome.DROPPED, NO_RESPONSE, error, null));
    }

    /** How a postponement's wait is spread, so that deliveries pushed back together do not all come back at once. */
    enum Spread {
        /**
         * Up to a tenth longer than the back-off: its cause (a breaker, a rate limit, a tenant's share) named a time.
         */
        TAIL,
        /**
         * From a tenth of the back-off to all of it: the endpoint was full only for that moment, so a burst turned away
         * together (a backlog read at once after a rebalance) comes back as a stream the endpoint can take, not as the
         * same burst a second later, turned away again with twice the wait.
         */
        FULL;

        /** The wait for a back-off of {@code afterMs}, {@code random} drawn uniformly from [0, 1). */
        long waitMs(long afterMs, double random) {
            return this == TAIL ? afterMs + Math.round(afterMs * 0.1 * random)
                    : Math.round(afterMs * (0.1 + 0.9 * random));
        }
    }

    /** {@code askedMs} doubled {@code postponements} times, at most {@code maxMs} (unless asked for more). */
    static long backoffMs(long askedMs, int postponements, long maxMs) {
        long doubled = askedMs << Math.min(Math.max(postponements, 0), 20);
        return Math.max(askedMs, Math.min(doubled, maxMs));
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

    private Uni<Void> attempt(DeliveryMessage delivery, Instant attemptedAt, AttemptOutcome outcome,
            WebhookResponse response, String error, Instant nextAttemptAt) {
        int attempt = delivery.attempts() + 1;
        AttemptMessage record = new AttemptMessage(AttemptMessage.SCHEMA_VERSION,
                AttemptMessage.attemptId(delivery.id(), attempt), delivery.id(), delivery.webhookId(),
                delivery.tenant(), delivery.endpointId(), delivery.eventId(), delivery.eventType(), attempt, outcome,
                response.statusCode(), response.latencyMs(), ReceiverText.sanitize(error), response.bodyExcerpt(),
                attemptedAt, nextAttemptAt, TraceContext.traceId(delivery.traceparent()));
        return attempts.publish(record).invoke(() -> meters.attempted(outcome));
    }
}
