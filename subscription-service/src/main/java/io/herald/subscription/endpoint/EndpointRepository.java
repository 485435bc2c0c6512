package io.herald.subscription.endpoint;

import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

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

    /**
     * Like {@link #findForTenant}, locking the row until the transaction ends ({@code select ... for update}), so
     * concurrent changes of one endpoint queue up instead of failing on the version check, and its outbox ids follow
     * commit order.
     */
    public Uni<Endpoint> lockForTenant(String tenant, String id) {
        return find("tenant = ?1 and id = ?2", tenant, id).withLock(LockModeType.PESSIMISTIC_WRITE).firstResult();
    }

    /** The tenant's first {@code limit} endpoints in id order after {@code afterId} (null: from the start). */
    public Uni<List<Endpoint>> listForTenant(String tenant, String afterId, int limit) {
        // Keyset pagination on index endpoint_tenant_id_idx: stable under inserts and deletes, no offset scans.
        return afterId == null ? find("tenant = ?1", Sort.by("id"), tenant).page(0, limit).list()
                : find("tenant = ?1 and id > ?2", Sort.by("id"), tenant, afterId).page(0, limit).list();
    }

    /**
     * Endpoints whose rotated-out secret expired at {@code now}, locked (index endpoint_previous_secret_expiry_idx).
     */
    public Uni<List<Endpoint>> lockExpiredRotations(Instant now, int limit) {
        return find("previousSecretExpiresAt <= ?1", Sort.by("id"), now).withLock(LockModeType.PESSIMISTIC_WRITE)
                .page(0, limit).list();
    }

    /**
     * Up to {@code limit} endpoints after {@code afterId} (null: from the first), in id order and locked, that the
     * re-encryption job must move: a secret column not sealed with {@code sealingKeyId}, or a published state older
     * than {@code schemaVersion}.
     */
    public Uni<List<Endpoint>> lockUnsealed(String sealingKeyId, int schemaVersion, String afterId, int limit) {
        return find(UNSEALED + " and id > ?3", Sort.by("id"), sealingKeyId + ":", schemaVersion,
                afterId == null ? "" : afterId).withLock(LockModeType.PESSIMISTIC_WRITE).page(0, limit).list();
    }

    /** How many endpoints {@link #lockUnsealed} has yet to move (after a run: those that failed to open). */
    public Uni<Long> countUnsealed(String sealingKeyId, int schemaVersion) {
        return count(UNSEALED, sealingKeyId + ":", schemaVersion);
    }

    private static final String UNSEALED = "(stateSchemaVersion < ?2 or locate(?1, secret) <> 1"
            + " or (previousSecret is not null and locate(?1, previousSecret) <> 1)"
            + " or (headersJson is not null and locate(?1, headersJson) <> 1)"
            + " or (authJson is not null and locate(?1, authJson) <> 1))";
}
