package io.herald.contracts;

import java.util.List;
import java.util.stream.Stream;

/** Names of every Kafka topic Herald uses. The one copy: services, tests, Helm and k8s/ read them from here. */
public final class Topics {

    /** Accepted events, keyed by the producer's ordering key, else the event id. */
    public static final String EVENTS = "herald.events";
    /** Latest state of every endpoint, keyed by endpoint id; compacted, tombstone on delete. */
    public static final String ENDPOINTS = "herald.endpoints";
    /**
     * Each tenant's event-type catalog and its catalog settings, compacted: keys from {@code EventCatalogKeys}, values
     * {@code EventTypeState} or {@code TenantSettingsState}, tombstone on a deleted event type. Ingest validates events
     * against it.
     */
    public static final String EVENT_TYPES = "herald.event-types";
    /** One record per (event, endpoint), keyed by endpoint id. */
    public static final String DELIVERIES = "herald.deliveries";
    /** One record per delivery attempt, keyed by endpoint id. */
    public static final String ATTEMPTS = "herald.attempts";
    /** Deliveries that exhausted their retries, keyed by endpoint id. */
    public static final String DLQ = "herald.dlq";
    /** Prefix of the delayed-retry tier topics: {@code herald.retry.<tier>}. */
    public static final String RETRY_PREFIX = "herald.retry.";

    /**
     * The delay tiers of the retry topics, shortest first. A delayed delivery goes to the longest tier not longer than
     * its delay and carries its own due time; the tier only bounds how early its consumer looks at it.
     */
    public static final List<String> RETRY_TIERS = List.of("5s", "1m", "5m", "30m", "2h", "10h");

    /** Every topic Herald uses, retry tiers included. */
    public static final List<String> ALL = Stream
            .concat(Stream.of(EVENTS, ENDPOINTS, EVENT_TYPES, DELIVERIES, ATTEMPTS, DLQ),
                    RETRY_TIERS.stream().map(Topics::retryTier))
            .toList();

    /** The compacted topics (latest state per key); every other topic is deleted by time. */
    public static final List<String> COMPACTED = List.of(ENDPOINTS, EVENT_TYPES);

    private Topics() {
    }

    /** The retry topic of one delay tier, e.g. {@code retryTier("5s")} is {@code herald.retry.5s}. */
    public static String retryTier(String tier) {
        return RETRY_PREFIX + tier;
    }
}
