package io.herald.dispatch.tracing;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Message;

import io.herald.contracts.Topics;
import io.herald.contracts.messages.AttemptMessage;
import io.herald.contracts.messages.AttemptOutcome;
import io.herald.contracts.messages.DeliveryMessage;
import io.herald.contracts.messages.EndpointState;
import io.herald.contracts.messages.EventMessage;
import io.herald.contracts.tracing.TraceContext;
import io.herald.dispatch.KafkaRecords;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;

/**
 * Dispatch's part of an event's trace, propagated by Herald itself rather than by the Kafka connector's
 * instrumentation: fan-out reads a whole poll in one Kafka transaction, so no record's context is current when its
 * deliveries are sent, and a delivery's context must outlive the retry tiers, a restart and the DLQ.
 * <ul>
 * <li>{@value #FAN_OUT}: one span per event fanned out, child of the {@code traceparent} header ingest wrote on the
 * {@code herald.events} record (the span of {@code POST /v1/events}); ends when the batch's transaction commits.</li>
 * <li>{@value #DELIVER}: one span per request to an endpoint, child of the fan-out span whose {@code traceparent} each
 * delivery record carries ({@link DeliveryMessage#traceparent()}), retries included; ends when its attempt record is
 * written, with the attempt's outcome. Attributes: ids, tenant, attempt number, HTTP status, outcome, the endpoint's
 * host and port; never a payload, a header value, a secret or a whole URL.</li>
 * </ul>
 * With the OpenTelemetry SDK disabled (the default) every span is a no-op and no {@code traceparent} is written.
 */
@ApplicationScoped
public class DispatchTracing {

    public static final String FAN_OUT = "herald fan-out";
    public static final String DELIVER = "herald deliver";

    private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();
    private static final TextMapGetter<String> TRACEPARENT_ONLY = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(String carrier) {
            return List.of(TraceContext.TRACEPARENT);
        }

        @Override
        public String get(String carrier, String key) {
            return TraceContext.TRACEPARENT.equals(key) ? carrier : null;
        }
    };

    private final Tracer tracer;
    private final boolean enabled;
    /** Spans of requests under way, by attempt id, until their attempt record is written. */
    private final Map<String, Span> attempts = new ConcurrentHashMap<>();

    @Inject
    DispatchTracing(OpenTelemetry openTelemetry,
            @ConfigProperty(name = "quarkus.otel.sdk.disabled", defaultValue = "false") boolean sdkDisabled) {
        // A disabled SDK still hands out span contexts (a parent's, passed through): with it off, Herald neither
        // starts spans nor writes a traceparent anywhere.
        this.tracer = sdkDisabled ? OpenTelemetry.noop().getTracer("io.herald.dispatch")
                : openTelemetry.getTracer("io.herald.dispatch");
        this.enabled = !sdkDisabled;
    }

    /** Tracing with {@code openTelemetry}. */
    public DispatchTracing(OpenTelemetry openTelemetry) {
        this(openTelemetry, false);
    }

    /** Tracing that records and propagates nothing (the SDK disabled). */
    public static DispatchTracing off() {
        return new DispatchTracing(OpenTelemetry.noop(), true);
    }

    /**
     * The {@code traceparent} header of each record of a polled batch, in the order of its payloads (null where a
     * record has none).
     */
    public static List<String> traceparents(Message<List<String>> batch) {
        return KafkaRecords.eachRecord(batch, (timestamp, headers) -> header(headers), null);
    }

    /** The value of the last {@code traceparent} header, or null. */
    public static String header(Headers headers) {
        Header header = headers == null ? null : headers.lastHeader(TraceContext.TRACEPARENT);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.US_ASCII);
    }

    /** Starts the fan-out span of {@code event}, child of {@code traceparent} (a new trace if null or invalid). */
    public Span startFanOut(EventMessage event, String traceparent) {
        if (!enabled) {
            return Span.getInvalid();
        }
        return tracer.spanBuilder(FAN_OUT).setParent(parent(traceparent)).setSpanKind(SpanKind.CONSUMER)
                .setAttribute("messaging.system", "kafka").setAttribute("messaging.destination.name", Topics.EVENTS)
                .setAttribute("messaging.operation.type", "process").setAttribute("herald.tenant", event.tenant())
                .setAttribute("herald.event.id", event.id()).setAttribute("herald.event.type", event.type())
                .setAttribute("herald.fan_out.continued", event.fanOutAfter() != null).startSpan();
    }

    /** Ends fan-out spans once their deliveries are committed. */
    public static void fannedOut(List<Span> spans) {
        spans.forEach(Span::end);
    }

    /** Ends fan-out spans whose transaction was aborted (their events are read again, in new spans). */
    public static void aborted(List<Span> spans, Throwable failure) {
        for (Span span : spans) {
            span.setStatus(StatusCode.ERROR, "fan-out transaction aborted: " + failure.getClass().getSimpleName());
            span.end();
        }
    }

    /** The {@code traceparent} naming {@code span}, or null when it records nothing (tracing off). */
    public static String traceparent(Span span) {
        if (span == null || !span.getSpanContext().isValid()) {
            return null;
        }
        Map<String, String> carrier = new HashMap<>(2);
        W3C.inject(Context.root().with(span), carrier, Map::put);
        return carrier.get(TraceContext.TRACEPARENT);
    }

    /**
     * Starts the span of one request of {@code delivery} to {@code endpoint}; it ends when {@link #attempted} sees its
     * attempt record, or at {@link #endAttempt}.
     *
     * @return the attempt id the span is held under
     */
    public String startAttempt(DeliveryMessage delivery, EndpointState endpoint) {
        int attempt = delivery.attempts() + 1;
        String attemptId = AttemptMessage.attemptId(delivery.id(), attempt);
        if (!enabled) {
            return attemptId;
        }
        var builder = tracer.spanBuilder(DELIVER).setParent(parent(delivery.traceparent())).setSpanKind(SpanKind.CLIENT)
                .setAttribute("http.request.method", "POST").setAttribute("herald.tenant", delivery.tenant())
                .setAttribute("herald.endpoint.id", endpoint.id()).setAttribute("herald.event.id", delivery.eventId())
                .setAttribute("herald.event.type", delivery.eventType())
                .setAttribute("herald.delivery.id", delivery.id()).setAttribute("herald.attempt", (long) attempt);
        URI uri = uri(endpoint.url());
        if (uri != null && uri.getHost() != null) {
            // The host and port only: a URL's path, query or user info may hold a subscriber's credentials.
            builder.setAttribute("server.address", uri.getHost()).setAttribute("server.port",
                    (long) (uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80));
        }
        Span span = builder.startSpan();
        if (span.getSpanContext().isValid()) {
            attempts.put(attemptId, span);
        }
        return attemptId;
    }

    /**
     * The request headers of an attempt: {@code headers}, plus a {@code traceparent} naming the attempt's span when the
     * endpoint asked for it ({@link EndpointState#sendsTraceparent()}) and the attempt is traced.
     */
    public Map<String, String> requestHeaders(Map<String, String> headers, String attemptId, EndpointState endpoint) {
        Span span = attempts.get(attemptId);
        String traceparent = endpoint.sendsTraceparent() ? traceparent(span) : null;
        if (traceparent == null) {
            return headers;
        }
        Map<String, String> withTrace = new LinkedHashMap<>(headers);
        withTrace.put(TraceContext.TRACEPARENT, traceparent);
        return withTrace;
    }

    /**
     * Closes the span of the attempt {@code record} reports (if it had one) with its status code and outcome, and
     * answers the record with the trace id: the span's, else the one it already carries.
     */
    public AttemptMessage attempted(AttemptMessage record) {
        Span span = attempts.remove(record.id());
        if (span == null) {
            return record;
        }
        if (record.statusCode() != null) {
            span.setAttribute("http.response.status_code", (long) record.statusCode());
        }
        String outcome = record.outcome() == null ? "unknown" : record.outcome().name().toLowerCase(Locale.ROOT);
        span.setAttribute("herald.outcome", outcome);
        if (record.outcome() != AttemptOutcome.SUCCEEDED) {
            span.setStatus(StatusCode.ERROR, record.statusCode() != null ? "HTTP " + record.statusCode() : outcome);
        }
        span.end();
        String traceId = span.getSpanContext().getTraceId();
        return traceId.equals(record.traceId()) ? record
                : new AttemptMessage(record.schemaVersion(), record.id(), record.deliveryId(), record.webhookId(),
                        record.tenant(), record.endpointId(), record.eventId(), record.eventType(), record.attempt(),
                        record.outcome(), record.statusCode(), record.latencyMs(), record.error(),
                        record.responseExcerpt(), record.attemptedAt(), record.nextAttemptAt(), traceId);
    }

    /**
     * Ends the attempt's span if no attempt record closed it (writing the record failed, or the request was not made
     * after all).
     */
    public void endAttempt(String attemptId) {
        Span span = attempts.remove(attemptId);
        if (span != null) {
            span.setStatus(StatusCode.ERROR, "no attempt recorded");
            span.end();
        }
    }

    /** Spans of requests under way (for tests). */
    int openAttempts() {
        return attempts.size();
    }

    private static Context parent(String traceparent) {
        if (!TraceContext.isValid(traceparent)) {
            return Context.root();
        }
        return W3C.extract(Context.root(), traceparent, TRACEPARENT_ONLY);
    }

    private static URI uri(String url) {
        try {
            return url == null ? null : URI.create(url);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
