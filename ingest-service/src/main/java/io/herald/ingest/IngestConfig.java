package io.herald.ingest;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How ingest accepts events. Every key can be set by environment variable, e.g. HERALD_INGEST_PUBLISH_TIMEOUT_MS. */
@ConfigMapping(prefix = "herald.ingest")
public interface IngestConfig {

    /**
     * How long a request waits for Kafka to acknowledge its event, in milliseconds, before it answers 503. Keep the
     * producer's {@code max.block.ms + delivery.timeout.ms} below it, so Kafka gives up on the record within the same
     * budget.
     */
    @WithDefault("5000")
    long publishTimeoutMs();

    /** The {@code Retry-After} sent with a 503 when Kafka did not acknowledge an event, in seconds. */
    @WithDefault("5")
    long retryAfterSeconds();
}
