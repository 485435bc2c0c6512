package io.herald.contracts;

import java.time.Clock;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.quarkus.arc.DefaultBean;

/**
 * The one clock of every Herald service, so logic never reads the time by itself; a test may replace it with its own
 * bean. Here, not in the service kit, because dispatch (which has no public API) does not take the kit.
 */
public class ClockProducer {

    @Produces
    @Singleton
    @DefaultBean
    Clock clock() {
        return Clock.systemUTC();
    }
}
