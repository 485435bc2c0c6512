package io.herald.subscription.settings;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

/** Rows of {@code tenant_settings}, one per tenant that changed its settings. */
@ApplicationScoped
public class TenantSettingsRepository implements PanacheRepositoryBase<TenantSettings, String> {

    /**
     * The tenant's row, created with the defaults if missing, locked until the transaction ends: concurrent first
     * changes of one tenant queue up instead of colliding on the primary key.
     */
    Uni<TenantSettings> lockOrCreate(String tenant, Instant now) {
        return getSession().chain(session -> session
                .createNativeQuery("insert into tenant_settings (tenant, updated_at) "
                        + "values (?1, ?2) on conflict (tenant) do nothing")
                .setParameter(1, tenant).setParameter(2, now).executeUpdate())
                .chain(() -> findById(tenant, LockModeType.PESSIMISTIC_WRITE));
    }
}
