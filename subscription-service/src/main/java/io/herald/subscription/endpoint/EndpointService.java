package io.herald.subscription.endpoint;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashSet;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.herald.contracts.Json;
import io.herald.contracts.signing.WebhookSecret;
import io.herald.kit.problem.ProblemException;
import io.herald.subscription.outbox.OutboxRelay;
import io.herald.subscription.outbox.OutboxRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Endpoint use cases. Every method takes the caller's tenant and touches nothing else; every change is written together
 * with its outbox row, in one transaction.
 */
@ApplicationScoped
public class EndpointService {

    /** Bytes of a new signing secret (Standard Webhooks allows 24 to 64). */
    static final int SECRET_BYTES = 32;

    private final EndpointRepository endpoints;
    private final OutboxRepository outbox;
    private final OutboxRelay relay;
    private final Clock clock;

    public EndpointService(EndpointRepository endpoints, OutboxRepository outbox, OutboxRelay relay, Clock clock) {
        this.endpoints = endpoints;
        this.outbox = outbox;
        this.relay = relay;
        this.clock = clock;
    }

    /** Registers an endpoint with a new secret and queues its state for {@code herald.endpoints}. */
    public Uni<Endpoint> create(String tenant, CreateEndpointRequest request) {
        // PostgreSQL keeps microseconds: truncate so the answer equals what a later read returns.
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Endpoint endpoint = Endpoint.create(EndpointIds.next(), tenant, request.url(), request.description(),
                List.copyOf(new LinkedHashSet<>(request.eventTypes())), request.enabledOrDefault(),
                WebhookSecret.generate(SECRET_BYTES).encoded(), now);
        // Flush before the outbox insert: the state carries the version the flush assigned, and for later updates
        // the row lock taken by the flush orders this endpoint's outbox ids by commit.
        return Panache.withTransaction(() -> endpoints.persistAndFlush(endpoint)
                .chain(saved -> outbox.append(saved.id, Json.write(saved.toState()), now)).replaceWith(endpoint))
                .invoke(relay::trigger);
    }

    /** The tenant's endpoint; 404 when it does not exist or belongs to another tenant (the two look the same). */
    public Uni<Endpoint> get(String tenant, String id) {
        return Panache.withSession(() -> endpoints.findForTenant(tenant, id)).onItem().ifNull()
                .failWith(() -> ProblemException.notFound("No endpoint with id '" + id + "'"));
    }

    public Uni<List<Endpoint>> list(String tenant, int limit) {
        return Panache.withSession(() -> endpoints.listForTenant(tenant, limit));
    }
}
