package io.herald.ingest.event;

import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

import io.herald.ingest.IngestConfig;
import io.quarkus.runtime.StartupEvent;

/** Warns at start when the producer's timeouts exceed the publish budget, rather than letting an outage find out. */
public class StartupChecks {

    private static final Logger LOG = Logger.getLogger(StartupChecks.class);
    private static final String PRODUCER = "mp.messaging.outgoing." + EventService.CHANNEL + ".";
    // Kafka's own defaults, which apply when the keys are removed from application.properties.
    private static final long KAFKA_DEFAULT_MAX_BLOCK_MS = 60_000;
    private static final long KAFKA_DEFAULT_DELIVERY_TIMEOUT_MS = 120_000;

    void onStart(@Observes StartupEvent event, IngestConfig ingest, Config config) {
        long maxBlockMs = config.getOptionalValue(PRODUCER + "max.block.ms", Long.class)
                .orElse(KAFKA_DEFAULT_MAX_BLOCK_MS);
        long deliveryTimeoutMs = config.getOptionalValue(PRODUCER + "delivery.timeout.ms", Long.class)
                .orElse(KAFKA_DEFAULT_DELIVERY_TIMEOUT_MS);
        if (maxBlockMs + deliveryTimeoutMs >= ingest.publishTimeout().toMillis()) {
            LOG.warnf(
                    "The producer may keep trying for %d ms (max.block.ms %d + delivery.timeout.ms %d), longer than "
                            + "herald.ingest.publish-timeout-ms %d: events answered 503 may still be written later",
                    maxBlockMs + deliveryTimeoutMs, maxBlockMs, deliveryTimeoutMs, ingest.publishTimeout().toMillis());
        }
    }
}
