package io.herald.contracts.messages;

import java.time.Instant;
import java.util.List;

/**
 * The latest state of one endpoint on the compacted {@code herald.endpoints} topic (a null value is the tombstone of a
 * deleted endpoint). Dispatch builds its routing table from these.
 *
 * @param schemaVersion
 *            version of this record's shape
 * @param id
 *            endpoint id, also the Kafka key
 * @param tenant
 *            owning tenant
 * @param url
 *            where deliveries are POSTed
 * @param eventTypes
 *            subscribed event types: exact ({@code order.created}), prefix wildcard ({@code order.*}) or {@code *}
 * @param enabled
 *            false stops deliveries
 * @param secrets
 *            every live signing secret; during a rotation the old one carries an expiry
 * @param version
 *            increases with every change, so a consumer can ignore a stale state
 * @param updatedAt
 *            when this state was written
 */
public record EndpointState(int schemaVersion, String id, String tenant, String url, List<String> eventTypes,
        boolean enabled, List<EndpointSecret> secrets, long version, Instant updatedAt) {

    public static final int SCHEMA_VERSION = 1;

    public static EndpointState of(String id, String tenant, String url, List<String> eventTypes, boolean enabled,
            List<EndpointSecret> secrets, long version, Instant updatedAt) {
        return new EndpointState(SCHEMA_VERSION, id, tenant, url, eventTypes, enabled, secrets, version, updatedAt);
    }
}
