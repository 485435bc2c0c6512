package io.herald.ingest;

import java.time.Duration;
import java.util.Map;

import io.herald.kit.config.Milliseconds;
import io.herald.kit.config.Seconds;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/** How ingest accepts events. Every key can be set by environment variable, e.g. HERALD_INGEST_PUBLISH_TIMEOUT_MS. */
@ConfigMapping(prefix = "herald.ingest")
public interface IngestConfig {

    /**
     * How long a request waits for Kafka to acknowledge its event, in milliseconds, before it answers 503. Keep the
     * producer's {@code max.block.ms + delivery.timeout.ms} below it, so Kafka gives up on the record within the same
     * budget.
     */
    @WithName("publish-timeout-ms")
    @WithDefault("5000")
    @WithConverter(Milliseconds.class)
    Duration publishTimeout();

    /** The {@code Retry-After} sent with a 503 when Kafka did not acknowledge an event, in seconds. */
    @WithName("retry-after-seconds")
    @WithDefault("5")
    @WithConverter(Seconds.class)
    Duration retryAfter();

    /**
     * Events of this instance waiting for Kafka's acknowledgement at most; one more answers 503 at once (with
     * {@code Retry-After: 1}) instead of queueing. Keep it at or below the channel's {@code max-inflight-messages}.
     */
    @WithDefault("1000")
    int maxInFlight();

    /** {@code POST /v1/events/batch}. */
    Batch batch();

    /** Per-tenant rate limit. */
    RateLimit rateLimit();

    /** The {@code Idempotency-Key} store. */
    Idempotency idempotency();

    interface Batch {

        /** The most events one batch may carry; a larger batch is refused with 400. */
        @WithDefault("100")
        int maxEvents();
    }

    interface RateLimit {

        /**
         * Events per second a tenant may publish, refilled continuously, with bursts up to the same number; past it 429
         * with {@code Retry-After}. A batch costs one per event. 0 switches the limit off.
         */
        @WithDefault("1000")
        long defaultPerSecond();

        /**
         * Overrides per tenant, e.g. {@code herald.ingest.rate-limit.tenants."acme".per-second=5000} (env
         * {@code HERALD_INGEST_RATE_LIMIT_TENANTS__ACME__PER_SECOND}).
         */
        Map<String, TenantLimit> tenants();

        interface TenantLimit {

            /** Events per second for this tenant; 0 switches its limit off. */
            long perSecond();
        }
    }

    interface Idempotency {

        /** How long an answer is kept and replayed for the same key, in seconds (24 h). */
        @WithName("ttl-seconds")
        @WithDefault("86400")
        @WithConverter(Seconds.class)
        Duration ttl();

        /**
         * How long a request waits for another in-flight request with the same key to finish, in milliseconds, before
         * it answers 409. Longer than the publish timeout, so the first request normally finishes first.
         */
        @WithName("wait-ms")
        @WithDefault("7000")
        @WithConverter(Milliseconds.class)
        Duration waitTime();

        /** How often expired keys are deleted, in seconds. */
        @WithName("cleanup-interval-seconds")
        @WithDefault("300")
        @WithConverter(Seconds.class)
        Duration cleanupInterval();
    }
}
