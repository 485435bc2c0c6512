package io.herald.dispatch;

import java.util.List;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * How dispatch treats endpoints that misbehave ({@code herald.dispatch.retry|breaker|limits|auto-disable.*}; each also
 * settable by environment variable, e.g. {@code HERALD_DISPATCH_RETRY_SCHEDULE_MS}). Apart from {@link DispatchConfig}
 * so that code needing only the HTTP or Kafka settings does not have to supply these.
 */
@ConfigMapping(prefix = "herald.dispatch")
public interface DeliveryPolicyConfig {

    /** Retries: schedule, jitter, Retry-After bounds and the tier consumers. */
    Retry retry();

    /** The per-endpoint circuit breaker. */
    Breaker breaker();

    /** Per-endpoint rate limit and concurrency cap. */
    Limits limits();

    /** Disabling an endpoint that keeps failing. */
    AutoDisable autoDisable();

    interface Retry {

        /**
         * Delays before each retry, in milliseconds, after the first try: one entry per retry, so its length is the
         * number of retries. An endpoint's own {@code retryScheduleMs} replaces it.
         */
        @WithDefault("5000,300000,1800000,7200000,18000000,36000000,36000000")
        List<Long> scheduleMs();

        /** Each delay is moved randomly by up to this fraction either way (0.2: plus or minus 20 %). */
        @WithDefault("0.2")
        double jitter();

        /** Shortest wait a {@code Retry-After} header can ask for, in milliseconds. */
        @WithDefault("1000")
        long retryAfterMinMs();

        /** Longest wait a {@code Retry-After} header can ask for, in milliseconds (default 1 day). */
        @WithDefault("86400000")
        long retryAfterMaxMs();

        /**
         * Records of one retry tier handled at once per instance, waiting for their due time or being delivered.
         * Waiting costs a timer, not a thread.
         */
        @WithDefault("512")
        int tierConcurrency();

        /**
         * Records of one tier partition held waiting in memory before the partition is paused until the first of them
         * is due. In a tier every record waits the tier's delay from when it was written (see
         * {@code RetryTierConsumer}), so pausing never holds back a record due sooner; the bound keeps memory in check.
         */
        @WithDefault("100")
        int maxWaitingPerPartition();

        /**
         * Bytes of records one retry tier holds in memory at once per instance (waiting or being delivered); past it
         * the tier takes no further record until one is done (default 16 MiB).
         */
        @WithDefault("16777216")
        long maxBytesPerTier();
    }

    interface Breaker {

        /** Outcomes of recent requests the failure rate is computed over. */
        @WithDefault("20")
        int windowSize();

        /** Requests needed in the window before the failure rate can open the breaker. */
        @WithDefault("10")
        int minimumRequests();

        /** Failure rate, in percent of the window, that opens the breaker. */
        @WithDefault("50")
        float failureRatePercent();

        /** Consecutive failed requests that open the breaker whatever the rate. */
        @WithDefault("5")
        int consecutiveFailures();

        /**
         * How long an open breaker refuses requests before a probe may go through, in milliseconds; deliveries
         * meanwhile are rescheduled by this much without a request.
         */
        @WithDefault("60000")
        long openMs();

        /** Breakers of endpoints without deliveries for this long are dropped (closed again when next needed). */
        @WithDefault("3600000")
        long idleEvictionMs();
    }

    interface Limits {

        /** Deliveries per second to one endpoint unless it sets its own {@code rateLimitPerSecond}; 0 for no limit. */
        @WithDefault("0")
        int defaultRatePerSecond();

        /**
         * Longest a delivery waits in memory for a concurrency slot or a rate-limit token of its endpoint, in
         * milliseconds; a longer wait is handed to a retry tier instead (keep it far below
         * {@code throttled.unprocessed-record-max-age.ms}).
         */
        @WithDefault("1000")
        long maxWaitMs();

        /**
         * Requests in flight to one endpoint at once per instance. As many more deliveries may wait for a slot (up to
         * {@code max-wait-ms}); beyond that they are rescheduled, so one slow endpoint holds at most twice this many of
         * the instance's delivery slots.
         */
        @WithDefault("16")
        int maxInFlightPerEndpoint();

        /**
         * How far a delivery over the concurrency cap is pushed back the first time at most, in milliseconds: each
         * waits a random part of it (from a tenth up), so deliveries turned away together come back spread out.
         */
        @WithDefault("1000")
        long busyRescheduleMs();

        /**
         * Longest wait between two postponements of one delivery, in milliseconds: each postponement (breaker open,
         * rate limit, concurrency or host cap) doubles the wait its cause asks for, up to this (default 5 min).
         */
        @WithDefault("300000")
        long postponeMaxMs();

        /**
         * A delivery postponed without a request for this long since its last attempt becomes a dead letter
         * ({@code POSTPONED_TOO_LONG}), so that {@code recover} can bring it back, in milliseconds (default 2 days).
         */
        @WithDefault("172800000")
        long postponeDeadlineMs();

        /**
         * Deliveries one tenant may have in flight at once per instance; past it its deliveries are postponed, so no
         * tenant takes all of {@code delivery.concurrency} (default 512).
         */
        @WithDefault("512")
        int maxInFlightPerTenant();

        /**
         * Payload bytes one tenant may have in flight at once per instance, in bytes; past it its deliveries are
         * postponed, so no tenant takes all of {@code delivery.max-bytes-in-flight} (default 32 MiB: half of it, room
         * for several of the tenant's endpoints hanging on events of the largest size beside its healthy ones).
         */
        @WithDefault("33554432")
        long maxInFlightBytesPerTenant();

        /**
         * How far a delivery over its tenant's share is pushed back the first time, in milliseconds (default 5000):
         * longer than for one endpoint's cap, since a tenant's backlog takes longer to drain, and every postponement
         * writes the delivery to a retry tier again.
         */
        @WithDefault("5000")
        long tenantBusyRescheduleMs();
    }

    interface AutoDisable {

        /**
         * An endpoint whose deliveries have all failed for this long is disabled, in milliseconds (default 5 days).
         * Counted by this instance from the first failure after a success.
         */
        @WithDefault("432000000")
        long failingForMs();
    }
}
