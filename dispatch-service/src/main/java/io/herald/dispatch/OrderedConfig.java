package io.herald.dispatch;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Memory bounds of ordered delivery ({@code herald.dispatch.ordered.*}; each also settable by environment variable,
 * e.g. {@code HERALD_DISPATCH_ORDERED_MAX_BYTES_PER_ENDPOINT}). An endpoint with {@code ordered: true} gets its
 * deliveries one at a time: the ones behind the oldest undelivered webhook wait in this instance's memory (see
 * {@code delivery.OrderedDeliveries}). A delivery that would pass a bound becomes a dead letter
 * ({@code ORDERED_QUEUE_FULL}), never silently dropped.
 */
@ConfigMapping(prefix = "herald.dispatch.ordered")
public interface OrderedConfig {

    /**
     * Bytes of delivery records (about two per character of the record) one ordered endpoint may have waiting on this
     * instance, the one being delivered included; one record larger than this is still taken when nothing else waits.
     * Default 4 MiB.
     */
    @WithDefault("4194304")
    long maxBytesPerEndpoint();

    /** Bytes of delivery records all ordered endpoints together may have waiting on this instance. Default 32 MiB. */
    @WithDefault("33554432")
    long maxBytes();
}
