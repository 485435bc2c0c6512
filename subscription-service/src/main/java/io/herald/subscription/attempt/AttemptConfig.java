package io.herald.subscription.attempt;

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

/** The delivery log: ingestion of {@code herald.attempts}, its queries (their page sizes too) and its retention. */
@ConfigMapping(prefix = "herald.subscription.attempts")
public interface AttemptConfig extends PageLimits {

    /**
     * How long attempts are kept, in days. Whole daily partitions are dropped once their day ends more than this long
     * ago; attempts that old are not ingested at all.
     */
    @WithDefault("30")
    @Min(1)
    int retentionDays();

    /** Daily partitions created ahead of today, so ingestion normally never has to create one. */
    @WithDefault("3")
    @Min(1)
    @Max(60)
    int partitionsAheadDays();

    /** How often partitions are created ahead and expired ones dropped, in milliseconds. */
    @WithName("maintenance-interval-ms")
    @WithDefault("3600000")
    @WithConverter(Milliseconds.class)
    @DurationMin(millis = 1000)
    Duration maintenanceInterval();

    /**
     * How long the purge waits for a lock on the delivery log before it gives up until the next run, in milliseconds,
     * so a long query never makes readers queue behind the purge.
     */
    @WithName("purge-lock-timeout-ms")
    @WithDefault("5000")
    @WithConverter(Milliseconds.class)
    @DurationMin(millis = 1)
    Duration purgeLockTimeout();
}
