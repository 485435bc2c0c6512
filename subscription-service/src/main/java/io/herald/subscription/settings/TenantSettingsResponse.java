package io.herald.subscription.settings;

import java.time.Instant;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The caller's tenant's settings.
 *
 * @param unregisteredEventTypes what ingest does with an event whose type is not in the tenant's event-type catalog:
 *        {@code allow} (default: accepted unvalidated) or {@code reject} (422)
 * @param updatedAt when they last changed; null while they are the defaults
 */
public record TenantSettingsResponse(@Schema(enumeration = {
        "allow",
        "reject" }, defaultValue = "allow", description = "What ingest does with an event whose type is not in the "
                + "tenant's event-type catalog: allow (accept it unvalidated) or reject (422)") String unregisteredEventTypes,
        Instant updatedAt){

    static TenantSettingsResponse of(TenantSettings settings) {
        return new TenantSettingsResponse(settings.unregisteredEventTypes, settings.updatedAt);
    }
}
