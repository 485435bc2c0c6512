package io.herald.subscription.eventtype;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;

import io.herald.contracts.MessageJson;
import io.herald.contracts.Topics;
import io.herald.contracts.messages.EventCatalogKeys;
import io.herald.kit.problem.ProblemException;
import io.herald.subscription.outbox.OutboxRelay;
import io.herald.subscription.outbox.OutboxRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Event-type use cases, scoped to the caller's tenant. Every change is written with its outbox row for
 * {@code herald.event-types} in one transaction, like endpoints; each change is answered once the relay published it.
 */
@ApplicationScoped
public class EventTypeService {

    private final EventTypeRepository types;
    private final OutboxRepository outbox;
    private final OutboxRelay relay;
    private final Clock clock;
    private final MessageJson json;

    public EventTypeService(EventTypeRepository types, OutboxRepository outbox, OutboxRelay relay, Clock clock,
            MessageJson json) {
        this.json = json;
        this.types = types;
        this.outbox = outbox;
        this.relay = relay;
        this.clock = clock;
    }

    /** Registers a new event type; 409 when the tenant already has one of that name. */
    public Uni<EventType> create(String tenant, CreateEventTypeRequest request) {
        Instant now = now();
        EventType type = new EventType();
        type.tenant = tenant;
        type.name = request.name();
        type.description = request.description();
        type.schemaJson = EventType.write(request.schema());
        type.examplesJson = request.examples() == null ? null : examplesJson(request.examples());
        type.deprecated = request.deprecated() != null && request.deprecated();
        type.createdAt = now;
        type.updatedAt = now;
        return Panache.withTransaction(() -> types.findForTenant(tenant, type.name).chain(existing -> {
            if (existing != null) {
                return Uni.createFrom().failure(conflict(type.name));
            }
            return types.persistAndFlush(type).chain(saved -> publish(saved, now));
        })).onFailure(EventTypeService::isDuplicate).transform(failure -> conflict(type.name)).call(relay::relayed);
    }

    /** Applies a merge patch; a patch that changes nothing writes and publishes nothing. */
    public Uni<EventType> update(String tenant, String name, UpdateEventTypeRequest patch) {
        boolean[] changed = new boolean[1];
        return Panache.withTransaction(() -> locked(tenant, name).chain(type -> {
            String before = snapshot(type);
            if (patch.has("description")) {
                type.description = patch.getDescription();
            }
            if (patch.has("schema")) {
                type.schemaJson = EventType.write(patch.getSchema());
            }
            if (patch.has("examples")) {
                type.examplesJson = patch.getExamples() == null ? null : examplesJson(patch.getExamples());
            }
            if (patch.has("deprecated")) {
                type.deprecated = patch.getDeprecated();
            }
            if (before.equals(snapshot(type))) {
                return Uni.createFrom().item(type);
            }
            changed[0] = true;
            Instant now = now();
            type.updatedAt = now;
            return types.flush().chain(() -> publish(type, now));
        })).call(() -> changed[0] ? relay.relayed() : Uni.createFrom().voidItem());
    }

    /** Deletes the event type and queues the tombstone that removes it from ingest's catalog. */
    public Uni<Void> delete(String tenant, String name) {
        return Panache.withTransaction(
                () -> locked(tenant, name).chain(type -> types.delete(type)).chain(() -> types.flush()).chain(
                        () -> outbox.append(EventCatalogKeys.eventType(tenant, name), null, now(), Topics.EVENT_TYPES)))
                .call(relay::relayed).replaceWithVoid();
    }

    /** The tenant's event type; 404 when it does not exist or belongs to another tenant. */
    public Uni<EventType> get(String tenant, String name) {
        return Panache.withSession(() -> types.findForTenant(tenant, name)).onItem().ifNull()
                .failWith(() -> notFound(name));
    }

    /** Up to {@code limit} of the tenant's event types after {@code afterName} (null: the first page). */
    public Uni<List<EventType>> list(String tenant, String afterName, int limit) {
        return Panache.withSession(() -> types.listForTenant(tenant, afterName, limit));
    }

    private Uni<EventType> locked(String tenant, String name) {
        return types.lockForTenant(tenant, name).onItem().ifNull().failWith(() -> notFound(name));
    }

    private Uni<EventType> publish(EventType type, Instant now) {
        return outbox.append(EventCatalogKeys.eventType(type.tenant, type.name), json.write(type.toState()), now,
                Topics.EVENT_TYPES).replaceWith(type);
    }

    private String examplesJson(List<JsonNode> examples) {
        ArrayNode array = json.mapper().createArrayNode();
        examples.forEach(array::add);
        return array.toString();
    }

    private static String snapshot(EventType type) {
        return type.description + "\u0000" + type.schemaJson + "\u0000" + type.examplesJson + "\u0000"
                + type.deprecated;
    }

    private static boolean isDuplicate(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("event_type_tenant_name_key")) {
                return true;
            }
        }
        return false;
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private static ProblemException conflict(String name) {
        return new ProblemException(409, "urn:herald:problem:conflict", "Conflict",
                "An event type named '" + name + "' exists already; PATCH it instead");
    }

    private static ProblemException notFound(String name) {
        return ProblemException.notFound("No event type named '" + name + "'");
    }
}
