package io.herald.ingest.catalog;

import java.time.Duration;

import io.herald.kit.config.Milliseconds;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/**
 * How ingest reads the event-type catalog from {@code herald.event-types}. Env e.g.
 * {@code HERALD_INGEST_CATALOG_POLL_TIMEOUT_MS}.
 */
@ConfigMapping(prefix = "herald.ingest.catalog")
public interface CatalogConfig {

    /** How long one poll of {@code herald.event-types} waits for records, in ms (also the pace of the loaded check). */
    @WithName("poll-timeout-ms")
    @WithDefault("200")
    @WithConverter(Milliseconds.class)
    Duration pollTimeout();

    /** Pause before reading {@code herald.event-types} again after an error (or while it does not exist), in ms. */
    @WithName("error-backoff-ms")
    @WithDefault("1000")
    @WithConverter(Milliseconds.class)
    Duration errorBackoff();
}
