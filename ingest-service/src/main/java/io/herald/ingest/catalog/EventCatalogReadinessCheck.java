package io.herald.ingest.catalog;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Not ready until the event-type catalog caught up with {@code herald.event-types}: before, schemas are unknown. */
@Readiness
@ApplicationScoped
public class EventCatalogReadinessCheck implements HealthCheck {

    private final EventCatalogConsumer consumer;
    private final EventCatalog catalog;

    EventCatalogReadinessCheck(EventCatalogConsumer consumer, EventCatalog catalog) {
        this.consumer = consumer;
        this.catalog = catalog;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("event-type-catalog").status(consumer.isLoaded())
                .withData("eventTypes", catalog.size()).build();
    }
}
