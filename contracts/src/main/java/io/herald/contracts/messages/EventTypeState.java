package io.herald.contracts.messages;

import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One event type of a tenant's catalog on the compacted {@code herald.event-types} topic, keyed by
 * {@link EventCatalogKeys#eventType}; a null value (tombstone) removes it. Ingest validates the {@code data} of events
 * of this type against {@code schema}.
 *
 * @param schemaVersion version of this record's shape
 * @param tenant owning tenant
 * @param name the event type, e.g. {@code order.created}
 * @param schema JSON Schema 2020-12 that {@code data} must satisfy, or null (any object; the type is registered)
 * @param deprecated the producer should stop using it; events are still accepted
 * @param version increases with every change, so a consumer can ignore a stale state
 * @param updatedAt when this state was written
 */
public record EventTypeState(int schemaVersion, String tenant, String name, JsonNode schema, boolean deprecated,
        long version, Instant updatedAt) {

    public static final int SCHEMA_VERSION = 1;

    public static EventTypeState of(String tenant, String name, JsonNode schema, boolean deprecated, long version,
            Instant updatedAt) {
        return new EventTypeState(SCHEMA_VERSION, tenant, name, schema, deprecated, version, updatedAt);
    }
}
