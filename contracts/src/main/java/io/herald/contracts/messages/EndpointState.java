package io.herald.contracts.messages;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The latest state of one endpoint on the compacted {@code herald.endpoints} topic (a null value is the tombstone of a
 * deleted endpoint). Dispatch builds its routing table from these.
 *
 * @param schemaVersion version of this record's shape
 * @param id endpoint id, also the Kafka key
 * @param tenant owning tenant
 * @param url where deliveries are POSTed
 * @param eventTypes subscribed event types: exact ({@code order.created}), prefix wildcard ({@code order.*}) or
 *        {@code *}
 * @param enabled false stops deliveries
 * @param secrets every live signing secret; during a rotation the old one carries an expiry
 * @param version increases with every change, so a consumer can ignore a stale state
 * @param updatedAt when this state was written
 * @param headers custom headers sent with every delivery (reserved names are refused at registration), or null
 * @param rateLimitPerSecond most deliveries per second this endpoint accepts, or null for the default
 * @param retryScheduleMs delays before each retry in milliseconds, overriding the default schedule, or null
 * @param filter a CEL expression over the event ({@code io.herald.contracts.filter.EventFilter}) that an event matching
 *        {@code eventTypes} must also pass to be delivered, or null (every such event)
 */
public record EndpointState(int schemaVersion, String id, String tenant, String url, List<String> eventTypes,
        boolean enabled, List<EndpointSecret> secrets, long version, Instant updatedAt, Map<String, String> headers,
        Integer rateLimitPerSecond, List<Long> retryScheduleMs, String filter) {

    public static final int SCHEMA_VERSION = 1;

    /** An endpoint with the default delivery options. */
    public static EndpointState of(String id, String tenant, String url, List<String> eventTypes, boolean enabled,
            List<EndpointSecret> secrets, long version, Instant updatedAt) {
        return new EndpointState(SCHEMA_VERSION, id, tenant, url, eventTypes, enabled, secrets, version, updatedAt,
                null, null, null, null);
    }

    /** The same endpoint with its own headers, rate limit and retry schedule (each may be null: the default). */
    public EndpointState withDeliveryOptions(Map<String, String> headers, Integer rateLimitPerSecond,
            List<Long> retryScheduleMs) {
        return new EndpointState(schemaVersion, id, tenant, url, eventTypes, enabled, secrets, version, updatedAt,
                headers, rateLimitPerSecond, retryScheduleMs, filter);
    }

    /** The same endpoint with a payload filter (null: none). */
    public EndpointState withFilter(String filter) {
        return new EndpointState(schemaVersion, id, tenant, url, eventTypes, enabled, secrets, version, updatedAt,
                headers, rateLimitPerSecond, retryScheduleMs, filter);
    }
}
