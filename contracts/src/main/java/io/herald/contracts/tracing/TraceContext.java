package io.herald.contracts.tracing;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The W3C Trace Context {@code traceparent} value ({@code 00-<trace id>-<parent span id>-<flags>}), read without an
 * OpenTelemetry dependency: what the records and the delivery log keep of a trace.
 */
public final class TraceContext {

    /** The header (Kafka record header and HTTP header) carrying the value. */
    public static final String TRACEPARENT = "traceparent";

    /** Version, trace id, span id, flags; a version above 00 may append fields, which are ignored. */
    private static final Pattern VALUE = Pattern
            .compile("([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?");
    private static final Pattern TRACE_ID = Pattern.compile("[0-9a-f]{32}");
    private static final String ZERO_TRACE = "0".repeat(32);
    private static final String ZERO_SPAN = "0".repeat(16);

    private TraceContext() {
    }

    /** The trace id of a valid {@code traceparent}, else null. */
    public static String traceId(String traceparent) {
        Matcher m = match(traceparent);
        return m == null ? null : m.group(2);
    }

    /** The parent span id of a valid {@code traceparent}, else null. */
    public static String spanId(String traceparent) {
        Matcher m = match(traceparent);
        return m == null ? null : m.group(3);
    }

    /** Whether {@code traceId} is a valid W3C trace id: 32 lower-case hex digits, not all zero. */
    public static boolean isTraceId(String traceId) {
        return traceId != null && TRACE_ID.matcher(traceId).matches() && !ZERO_TRACE.equals(traceId);
    }

    /** Whether {@code traceparent} is a value a tracer can continue. */
    public static boolean isValid(String traceparent) {
        return match(traceparent) != null;
    }

    private static Matcher match(String traceparent) {
        if (traceparent == null || traceparent.length() < 55) {
            return null;
        }
        Matcher m = VALUE.matcher(traceparent);
        if (!m.matches() || "ff".equals(m.group(1)) || "00".equals(m.group(1)) && m.group(5) != null
                || ZERO_TRACE.equals(m.group(2)) || ZERO_SPAN.equals(m.group(3))) {
            return null;
        }
        return m;
    }
}
