package io.herald.subscription.eventtype;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

/** Event-type rows. Every read takes the tenant. */
@ApplicationScoped
public class EventTypeRepository implements PanacheRepository<EventType> {

    public Uni<EventType> findForTenant(String tenant, String name) {
        return find("tenant = ?1 and name = ?2", tenant, name).firstResult();
    }

    /** Like {@link #findForTenant}, locking the row until the transaction ends, so changes of one type queue up. */
    public Uni<EventType> lockForTenant(String tenant, String name) {
        return find("tenant = ?1 and name = ?2", tenant, name).withLock(LockModeType.PESSIMISTIC_WRITE).firstResult();
    }

    /** The tenant's first {@code limit} event types in name order after {@code afterName} (null: from the start). */
    public Uni<List<EventType>> listForTenant(String tenant, String afterName, int limit) {
        // Keyset pagination on the unique (tenant, name) index.
        return afterName == null ? find("tenant = ?1", Sort.by("name"), tenant).page(0, limit).list()
                : find("tenant = ?1 and name > ?2", Sort.by("name"), tenant, afterName).page(0, limit).list();
    }
}
