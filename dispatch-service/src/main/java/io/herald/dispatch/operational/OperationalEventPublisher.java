package io.herald.dispatch.operational;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.jboss.logging.Logger;

import io.herald.contracts.MessageJson;
import io.herald.contracts.Topics;
import io.herald.contracts.messages.EventMessage;
import io.herald.contracts.messages.OperationalEvents;
import io.herald.dispatch.KafkaRecords;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;

/**
 * Publishes Herald's own events ({@link OperationalEvents}) into {@code herald.events} for a tenant, so they take the
 * same path as a producer's: fan-out to the tenant's endpoints subscribed to the type (or {@code herald.*}, or
 * {@code *}), signed delivery, retries, the delivery log. Keyed by the endpoint concerned, so one endpoint's events
 * stay in order (failing before recovered).
 */
@ApplicationScoped
public class OperationalEventPublisher {

    /** Operational events published, by type. */
    public static final String METRIC = "herald.operational.events";
    private static final Logger LOG = Logger.getLogger(OperationalEventPublisher.class);

    private final MutinyEmitter<String> emitter;
    private final MeterRegistry registry;
    private final KafkaRecords records;
    private final MessageJson json;

    OperationalEventPublisher(@Channel("operational-events-out") MutinyEmitter<String> emitter, MeterRegistry registry,
            KafkaRecords records, MessageJson json) {
        this.emitter = emitter;
        this.registry = registry;
        this.records = records;
        this.json = json;
    }

    /** Registers the counters at startup, so they are exported (at 0) before the first event. */
    void onStart(@Observes StartupEvent event) {
        for (String type : new String[] { OperationalEvents.ENDPOINT_DISABLED, OperationalEvents.ENDPOINT_FAILING,
                OperationalEvents.ENDPOINT_RECOVERED, OperationalEvents.DEAD_LETTER_CREATED }) {
            counter(type);
        }
    }

    /**
     * Completes once Kafka acknowledged the event.
     *
     * @param id the event id, hence the {@code webhook-id}: derived from what it reports, so that publishing the same
     *        fact again gives the same id and subscribers can deduplicate
     */
    public Uni<Void> publish(String id, String tenant, String type, Object data, String endpointId, Instant now) {
        EventMessage event = EventMessage.of(id, tenant, type, json.mapper().valueToTree(data), endpointId, now, now);
        return emitter.sendMessage(records.keyed(event, Topics.EVENTS, event.kafkaKey()))
                .invoke(() -> counter(type).increment());
    }

    /**
     * Publishes without waiting: for events that report what happened to an endpoint rather than make anything durable
     * (a failure to publish is logged; the fact they report is visible in the metrics and the delivery log anyway).
     */
    public void publishLater(String id, String tenant, String type, Object data, String endpointId, Instant now) {
        // Called from inside a delivery's outcome handling (a breaker transition): nothing here may fail the delivery.
        try {
            publish(id, tenant, type, data, endpointId, now).subscribe().with(ignored -> {
            }, failure -> failed(type, endpointId, tenant, failure));
        } catch (RuntimeException e) {
            failed(type, endpointId, tenant, e);
        }
    }

    private static void failed(String type, String endpointId, String tenant, Throwable failure) {
        LOG.warnf("Publishing %s for endpoint %s of tenant %s failed: %s", type, endpointId, tenant,
                failure.toString());
    }

    private Counter counter(String type) {
        return Counter.builder(METRIC).description("Operational events published into herald.events, by type")
                .tag("type", type).register(registry);
    }
}
