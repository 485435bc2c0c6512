package io.herald.ingest.tracing;

import java.util.HashMap;
import java.util.Map;

import io.herald.contracts.tracing.TraceContext;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.smallrye.reactive.messaging.kafka.OutgoingKafkaRecord;

/**
 * Carries an event's trace onto Kafka: its {@code herald.events} record gets a W3C {@code traceparent} header naming
 * the current span, the server span of {@code POST /v1/events} (itself a child of the producer's {@code traceparent},
 * if it sent one), and dispatch's fan-out span continues from it. Nothing is added when nothing is traced (the SDK
 * off).
 */
public final class EventTraceparent {

    private EventTraceparent() {
    }

    /** {@code record} with the current span's {@code traceparent} header, or unchanged when none is recording. */
    public static OutgoingKafkaRecord<String, String> onRecord(OutgoingKafkaRecord<String, String> record) {
        String traceparent = current();
        return traceparent == null ? record : record.withHeader(TraceContext.TRACEPARENT, traceparent);
    }

    /** The {@code traceparent} of the current span, or null when there is none. */
    public static String current() {
        Context context = Context.current();
        if (!Span.fromContext(context).getSpanContext().isValid()) {
            return null;
        }
        Map<String, String> carrier = new HashMap<>(2);
        W3CTraceContextPropagator.getInstance().inject(context, carrier, Map::put);
        return carrier.get(TraceContext.TRACEPARENT);
    }
}
