package io.herald.subscription.settings;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import io.herald.contracts.messages.TenantSettingsState;

/** A tenant's settings; a tenant without a row has the defaults. Table {@code tenant_settings} (Flyway V15). */
@Entity
@Table(name = "tenant_settings")
public class TenantSettings {

    @Id
    public String tenant;

    /** {@code allow} or {@code reject}: see {@link TenantSettingsState#unregisteredEventTypes()}. */
    @Column(name = "unregistered_event_types", nullable = false)
    public String unregisteredEventTypes;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Version
    public Long version;

    /** The settings of a tenant that never changed them. */
    static TenantSettings defaults(String tenant) {
        TenantSettings settings = new TenantSettings();
        settings.tenant = tenant;
        settings.unregisteredEventTypes = TenantSettingsState.ALLOW;
        return settings;
    }

    TenantSettingsState toState() {
        return TenantSettingsState.of(tenant, unregisteredEventTypes, version == null ? 0 : version, updatedAt);
    }
}
