package io.herald.ingest.catalog;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;

import io.herald.contracts.messages.EventCatalogKeys;
import io.herald.contracts.messages.EventTypeState;
import io.herald.contracts.messages.TenantSettingsState;
import io.herald.kit.problem.Problem.FieldError;
import io.herald.kit.schema.EventSchema;

/**
 * Every tenant's event types with their compiled JSON schemas, and every tenant's policy for unregistered types, as
 * read from the compacted {@code herald.event-types} topic ({@link EventCatalogConsumer}). Checking an event is a map
 * lookup and an in-memory validation: no database or network call per request. One thread writes; requests read.
 */
@Singleton
public class EventCatalog {

    private static final Logger LOG = Logger.getLogger(EventCatalog.class);

    private final Map<String, Map<String, Registered>> types = new ConcurrentHashMap<>();
    private final Map<String, TenantSettingsState> settings = new ConcurrentHashMap<>();

    /** A registered event type; {@code schema} is null when it has none. */
    record Registered(long version, EventSchema schema) {
    }

    /** Why an event was refused: an unregistered type under {@code reject}, or its data breaking the schema. */
    public record Rejection(Reason reason, String detail, List<FieldError> errors) {
    }

    public enum Reason {
        UNREGISTERED_TYPE, SCHEMA_VIOLATION
    }

    /**
     * What the catalog says about an event of {@code tenant} with {@code type} and {@code data}: null when it may be
     * accepted, else why not. A type without schema accepts any object.
     */
    public Rejection check(String tenant, String type, JsonNode data) {
        Map<String, Registered> tenantTypes = types.get(tenant);
        Registered registered = tenantTypes == null ? null : tenantTypes.get(type);
        if (registered == null) {
            TenantSettingsState policy = settings.get(tenant);
            return policy != null
                    && policy.rejectsUnregistered()
                            ? new Rejection(Reason.UNREGISTERED_TYPE,
                                    "The tenant accepts only registered event types, and '" + type + "' is not one",
                                    List.of(new FieldError("type",
                                            "is not registered in the tenant's event-type catalog (/v1/event-types)")))
                            : null;
        }
        if (registered.schema() == null) {
            return null;
        }
        List<FieldError> violations = registered.schema().validate(data, "/data");
        return violations.isEmpty() ? null
                : new Rejection(Reason.SCHEMA_VIOLATION,
                        "The event's data breaks the schema of '" + type + "' in " + violations.size() + " place(s)",
                        violations);
    }

    /** Applies one record of {@code herald.event-types}; a record older than the one held is ignored. */
    public void apply(String key, EventTypeState state) {
        EventCatalogKeys.Parsed parsed = EventCatalogKeys.parse(key);
        if (parsed == null || parsed.isSettings()) {
            return;
        }
        if (state == null) {
            types.computeIfPresent(parsed.tenant(), (t, byName) -> {
                byName.remove(parsed.name());
                return byName.isEmpty() ? null : byName;
            });
            return;
        }
        Map<String, Registered> byName = types.computeIfAbsent(parsed.tenant(), t -> new ConcurrentHashMap<>());
        Registered held = byName.get(parsed.name());
        if (held != null && held.version() > state.version()) {
            return;
        }
        EventSchema schema = null;
        if (state.schema() != null && !state.schema().isNull()) {
            try {
                schema = EventSchema.compile(state.schema());
            } catch (RuntimeException e) {
                // Subscription checked it when stored; a schema this version cannot compile is not enforced.
                LOG.errorf("The schema of event type %s of tenant %s does not compile here; not enforced: %s",
                        parsed.name(), parsed.tenant(), e.toString());
            }
        }
        byName.put(parsed.name(), new Registered(state.version(), schema));
    }

    /** Applies a tenant's settings record (null: back to the defaults). */
    public void applySettings(String key, TenantSettingsState state) {
        EventCatalogKeys.Parsed parsed = EventCatalogKeys.parse(key);
        if (parsed == null || !parsed.isSettings()) {
            return;
        }
        if (state == null) {
            settings.remove(parsed.tenant());
            return;
        }
        settings.merge(parsed.tenant(), state, (held, fresh) -> fresh.version() >= held.version() ? fresh : held);
    }

    /** Event types held, over all tenants. */
    public int size() {
        return types.values().stream().mapToInt(Map::size).sum();
    }
}
