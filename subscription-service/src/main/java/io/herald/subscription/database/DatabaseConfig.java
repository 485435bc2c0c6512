package io.herald.subscription.database;

import java.time.Duration;

import org.hibernate.validator.constraints.time.DurationMin;

import io.herald.kit.config.Milliseconds;
import io.herald.kit.config.Seconds;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/**
 * How the API behaves while PostgreSQL is unreachable: every wait on the database is bounded, and a request that cannot
 * reach it answers {@code 503} with {@code Retry-After} instead of hanging or answering 500.
 */
@ConfigMapping(prefix = "herald.subscription.database")
public interface DatabaseConfig {

    /** How long opening a new connection to PostgreSQL may take, in ms (Vert.x' default is 60 s). */
    @WithName("connect-timeout-ms")
    @WithDefault("3000")
    @WithConverter(Milliseconds.class)
    @DurationMin(millis = 1)
    Duration connectTimeout();

    /**
     * How long a request waits for a connection of the pool (all busy, or none can be opened) before it answers 503, in
     * ms (Vert.x' default is 30 s).
     */
    @WithName("acquire-timeout-ms")
    @WithDefault("3000")
    @WithConverter(Milliseconds.class)
    @DurationMin(millis = 1)
    Duration acquireTimeout();

    /** The {@code Retry-After} of a 503 answered while PostgreSQL is unreachable, in seconds. */
    @WithName("retry-after-seconds")
    @WithDefault("5")
    @WithConverter(Seconds.class)
    @DurationMin(seconds = 1)
    Duration retryAfter();
}
