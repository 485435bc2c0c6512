package io.herald.contracts.messages;

import java.time.Instant;

/**
 * A tenant's settings on the compacted {@code herald.event-types} topic, keyed by {@link EventCatalogKeys#settings}. A
 * tenant without a record has the defaults.
 *
 * @param schemaVersion version of this record's shape
 * @param tenant the tenant
 * @param unregisteredEventTypes what ingest does with an event whose type is not in the tenant's catalog:
 *        {@link #ALLOW} (the default) or {@link #REJECT} (422)
 * @param version increases with every change
 * @param updatedAt when this state was written
 */
public record TenantSettingsState(int schemaVersion, String tenant, String unregisteredEventTypes, long version,
        Instant updatedAt) {

    public static final int SCHEMA_VERSION = 1;
    public static final String ALLOW = "allow";
    public static final String REJECT = "reject";

    public static TenantSettingsState of(String tenant, String unregisteredEventTypes, long version,
            Instant updatedAt) {
        return new TenantSettingsState(SCHEMA_VERSION, tenant, unregisteredEventTypes, version, updatedAt);
    }

    /** True when events of types missing from the catalog are refused. */
    public boolean rejectsUnregistered() {
        return REJECT.equals(unregisteredEventTypes);
    }
}
