package io.herald.ingest.catalog;

import java.time.Duration;
import java.util.function.BooleanSupplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.herald.contracts.messages.EventMessage;
import io.herald.ingest.IngestMetrics;
import io.herald.kit.problem.ProblemException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Where ingest applies the event-type catalog to an event, after the event's own rules and before Kafka: a type with a
 * schema must have {@code data} that satisfies it; a type missing from the catalog passes unless its tenant's
 * {@code unregisteredEventTypes} is {@code reject}. Refusals are 422 problems whose {@code errors} carry a JSON pointer
 * per failure ({@code /data/amount}) and are counted in {@code herald.ingest.rejected}.
 */
@ApplicationScoped
public class CatalogGuard {

    public static final String SCHEMA_VIOLATION_TYPE = "urn:herald:problem:schema-violation";
    public static final String UNREGISTERED_TYPE = "urn:herald:problem:unregistered-event-type";
    private static final Duration LOADING_RETRY_AFTER = Duration.ofSeconds(1);

    private final EventCatalog catalog;
    private final BooleanSupplier loaded;
    private final Counter schemaViolations;
    private final Counter unregistered;

    @Inject
    public CatalogGuard(EventCatalog catalog, EventCatalogConsumer consumer, MeterRegistry registry) {
        this(catalog, consumer::isLoaded, registry);
    }

    private CatalogGuard(EventCatalog catalog, BooleanSupplier loaded, MeterRegistry registry) {
        this.catalog = catalog;
        this.loaded = loaded;
        this.schemaViolations = Counter.builder(IngestMetrics.REJECTED_METRIC).tag("reason", "schema_violation")
                .description("Events whose data broke their type's JSON schema, answered 422").register(registry);
        this.unregistered = Counter.builder(IngestMetrics.REJECTED_METRIC).tag("reason", "unregistered_type")
                .description("Events of types missing from a catalog that rejects them, answered 422")
                .register(registry);
    }

    /** A guard over {@code catalog} that counts as loaded from the start (for tests and benchmarks). */
    public static CatalogGuard over(EventCatalog catalog, MeterRegistry registry) {
        return new CatalogGuard(catalog, () -> true, registry);
    }

    /** 503 with {@code Retry-After} while the catalog is still loading (right after a start). */
    public void requireLoaded() {
        if (!loaded.getAsBoolean()) {
            throw ProblemException.unavailable("The event-type catalog is still loading; retry shortly",
                    LOADING_RETRY_AFTER);
        }
    }

    /** Null when the catalog accepts the event, else the 422 problem that refuses it. */
    public ProblemException check(EventMessage event) {
        EventCatalog.Rejection rejection = catalog.check(event.tenant(), event.type(), event.data());
        if (rejection == null) {
            return null;
        }
        if (rejection.reason() == EventCatalog.Reason.SCHEMA_VIOLATION) {
            schemaViolations.increment();
            return ProblemException.unprocessable(SCHEMA_VIOLATION_TYPE, "Schema violation", rejection.detail(),
                    rejection.errors());
        }
        unregistered.increment();
        return ProblemException.unprocessable(UNREGISTERED_TYPE, "Unregistered event type", rejection.detail(),
                rejection.errors());
    }

    /** Throws the 422 of {@link #check} when the catalog refuses the event. */
    public void require(EventMessage event) {
        requireLoaded();
        ProblemException refused = check(event);
        if (refused != null) {
            throw refused;
        }
    }
}
