package io.herald.subscription.deadletter;

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

/** Dead letters: ingestion of {@code herald.dlq}, browsing (its page sizes too), replay and recovery. */
@ConfigMapping(prefix = "herald.subscription.dead-letters")
public interface DeadLetterConfig extends PageLimits {

    /** How long a replay waits for Kafka's acknowledgement before it answers 503 and changes nothing, in ms. */
    @WithName("publish-timeout-ms")
    @WithDefault("10000")
    @WithConverter(Milliseconds.class)
    @DurationMin(millis = 1)
    Duration publishTimeout();

    /** Dead letters replayed per transaction by a recovery (kept below the emitter's buffer of 256). */
    @WithDefault("100")
    @Min(1)
    @Max(256)
    int recoverBatchSize();
}
