package io.herald.ingest.tracing;

import java.util.HashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.herald.contracts.tracing.TraceContext;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.smallrye.reactive.messaging.kafka.OutgoingKafkaRecord;

/**
 * Carries an event's trace onto Kafka: its {@code herald.events} record gets a W3C {@code traceparent} header naming
 * the current span, the server span of {@code POST /v1/events} (itself a child of the producer's {@code traceparent},
 * if it sent one), and dispatch's fan-out span continues from it. With the OpenTelemetry SDK disabled (the default)
 * nothing is added: a disabled SDK may still hand out span contexts (a producer's, passed through), and a trace id
 * nobody records is no use downstream.
 */
@ApplicationScoped
public class EventTraceparent {

    /** Adds nothing, whatever the context. */
    public static final EventTraceparent OFF = new EventTraceparent(true);
    /** Adds the current span's traceparent. */
    public static final EventTraceparent ON = new EventTraceparent(false);

    private final boolean enabled;

    @Inject
    EventTraceparent(@ConfigProperty(name = "quarkus.otel.sdk.disabled", defaultValue = "false") boolean sdkDisabled) {
        this.enabled = !sdkDisabled;
    }

    /** {@code record} with the current span's {@code traceparent} header, or unchanged when nothing is traced. */
    public OutgoingKafkaRecord<String, String> onRecord(OutgoingKafkaRecord<String, String> record) {
        String traceparent = current();
        return traceparent == null ? record : record.withHeader(TraceContext.TRACEPARENT, traceparent);
    }

    /** The {@code traceparent} of the current span, or null when tracing is off or there is no span. */
    public String current() {
        if (!enabled) {
            return null;
        }
        Context context = Context.current();
        if (!Span.fromContext(context).getSpanContext().isValid()) {
            return null;
        }
        Map<String, String> carrier = new HashMap<>(2);
        W3CTraceContextPropagator.getInstance().inject(context, carrier, Map::put);
        return carrier.get(TraceContext.TRACEPARENT);
    }
}
