package io.herald.subscription.endpoint;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

/** Endpoint rows. Every read takes the tenant: there is deliberately no lookup by id alone. */
@ApplicationScoped
public class EndpointRepository implements PanacheRepositoryBase<Endpoint, String> {

    /** The tenant's endpoint with this id, or null (also when the id belongs to another tenant). */
    public Uni<Endpoint> findForTenant(String tenant, String id) {
        return find("tenant = ?1 and id = ?2", tenant, id).firstResult();
    }

    /** The tenant's first {@code limit} endpoints in id order (index {@code endpoint_tenant_id_idx}). */
    public Uni<List<Endpoint>> listForTenant(String tenant, int limit) {
        return find("tenant = ?1", Sort.by("id"), tenant).page(0, limit).list();
    }
}
