package io.herald.dispatch.operational;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The operational events dispatch publishes into {@code herald.events} for a tenant besides
 * {@code herald.endpoint.disabled} (which is always published: subscription applies it).
 */
@ConfigMapping(prefix = "herald.dispatch.operational-events")
public interface OperationalEventsConfig {

    /**
     * Publish {@code herald.endpoint.failing} (an endpoint's circuit breaker opened: the thresholds are the breaker's,
     * {@code herald.dispatch.breaker.*}), {@code herald.endpoint.recovered} (it closed again) and
     * {@code herald.dead_letter.created}.
     */
    @WithDefault("true")
    boolean enabled();

    /**
     * Coalescing window of {@code herald.dead_letter.created}, per endpoint, in milliseconds: an endpoint's first dead
     * letter is told at once, the ones after it within the window in one event at the window's end (with their count),
     * so a flood of dead letters is at most one event per endpoint per window.
     */
    @WithDefault("300000")
    long deadLetterWindowMs();
}
