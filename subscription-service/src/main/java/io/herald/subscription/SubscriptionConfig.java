package io.herald.subscription;

import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import org.hibernate.validator.constraints.time.DurationMin;

import io.herald.kit.config.Milliseconds;
import io.herald.subscription.paging.PageLimits;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/** Settings of the subscription service; every key can be set by environment variable too. */
@ConfigMapping(prefix = "herald.subscription")
public interface SubscriptionConfig {

    /** The endpoints API. */
    Endpoints endpoints();

    /** The outbox relay that publishes endpoint changes to Kafka. */
    Outbox outbox();

    /** The endpoints API; its page sizes serve {@code GET /v1/endpoints} and {@code GET /v1/event-types}. */
    interface Endpoints extends PageLimits {

        /** Refuse plain-http endpoint URLs; false only in local and test profiles. */
        @WithDefault("true")
        boolean requireHttps();

        /** Most endpoints one tenant may have; creating one more answers 409. */
        @WithDefault("1000")
        @Min(1)
        int maxPerTenant();

        /**
         * Most bytes one endpoint may take as stored and published: its state on {@code herald.endpoints} as JSON (URL,
         * event types, headers, delivery options, signing keys), which every dispatch instance holds in memory, plus
         * its description. A create or change past it answers 422.
         */
        @WithDefault("65536")
        @Min(4096)
        int maxEndpointBytes();
    }

    interface Outbox {

        /**
         * How often the relay looks for unpublished rows, in milliseconds. Each commit also nudges it at once; the
         * schedule repairs what a crash between commit and publish left behind.
         */
        @WithName("relay-interval-ms")
        @WithDefault("1000")
        @WithConverter(Milliseconds.class)
        @DurationMin(millis = 10)
        Duration relayInterval();

        /** Rows published per relay transaction (kept below the emitter's buffer of 256). */
        @WithDefault("100")
        @Min(1)
        @Max(256)
        int batchSize();

        /** How long a batch may wait for Kafka's acknowledgements before it is rolled back and retried, in ms. */
        @WithName("publish-timeout-ms")
        @WithDefault("10000")
        @WithConverter(Milliseconds.class)
        @DurationMin(millis = 1)
        Duration publishTimeout();
    }
}
