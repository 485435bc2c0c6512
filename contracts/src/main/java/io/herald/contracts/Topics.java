package io.herald.contracts;

import java.util.List;

/** Names of every Kafka topic Herald uses. The one copy: services, tests, Helm and k8s/ read them from here. */
public final class Topics {

    /** Accepted events, keyed by the producer's ordering key, else the event id. */
    public static final String EVENTS = "herald.events";
    /** Latest state of every endpoint, keyed by endpoint id; compacted, tombstone on delete. */
    public static final String ENDPOINTS = "herald.endpoints";
    /** One record per (event, endpoint), keyed by endpoint id. */
    public static final String DELIVERIES = "herald.deliveries";
    /** One record per delivery attempt, keyed by endpoint id. */
    public static final String ATTEMPTS = "herald.attempts";
    /** Deliveries that exhausted their retries, keyed by endpoint id. */
    public static final String DLQ = "herald.dlq";
    /** Prefix of the delayed-retry tier topics: {@code herald.retry.<tier>}. */
    public static final String RETRY_PREFIX = "herald.retry.";

    /** Every fixed topic (retry tiers are named by {@link #retryTier(String)}). */
    public static final List<String> ALL = List.of(EVENTS, ENDPOINTS, DELIVERIES, ATTEMPTS, DLQ);

    private Topics() {
    }

    /** The retry topic of one delay tier, e.g. {@code retryTier("5s")} is {@code herald.retry.5s}. */
    public static String retryTier(String tier) {
        return RETRY_PREFIX + tier;
    }
}
