package io.herald.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.zip.GZIPInputStream;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * An OTLP/HTTP trace collector on 127.0.0.1 for end-to-end tests: it accepts {@code POST /v1/traces} with an
 * {@code ExportTraceServiceRequest} in protobuf (the Quarkus exporter's {@code http/protobuf}), decodes the spans and
 * keeps them. The decoder reads the protobuf wire format by field number (opentelemetry-proto's
 * {@code trace/v1/trace.proto}, {@code common/v1/common.proto}), so the test needs neither generated classes nor
 * protobuf-java, and stays independent of the SDK that produced the bytes.
 */
final class OtlpTraceReceiver implements AutoCloseable {

    /** One exported span; ids in lower-case hex, the parent empty for a root span. */
    record ReceivedSpan(String service, String traceId, String spanId, String parentSpanId, String name, int kind,
            long startNanos, long endNanos, Map<String, Object> attributes, int statusCode) {

        String kindName() {
            return switch (kind) {
                case 1 -> "INTERNAL";
                case 2 -> "SERVER";
                case 3 -> "CLIENT";
                case 4 -> "PRODUCER";
                case 5 -> "CONSUMER";
                default -> "UNSPECIFIED";
            };
        }
    }

    private final HttpServer server;
    private final List<ReceivedSpan> spans = new ArrayList<>();
    private final List<String> paths = new ArrayList<>();

    private OtlpTraceReceiver(HttpServer server) {
        this.server = server;
    }

    static OtlpTraceReceiver start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            OtlpTraceReceiver receiver = new OtlpTraceReceiver(server);
            server.createContext("/", receiver::handle);
            server.setExecutor(Executors.newFixedThreadPool(2));
            server.start();
            return receiver;
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start the OTLP receiver", e);
        }
    }

    /** The base URL to give the exporter (it posts to {@code /v1/traces} under it). */
    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    synchronized List<ReceivedSpan> spans() {
        return List.copyOf(spans);
    }

    synchronized List<String> paths() {
        return List.copyOf(paths);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))
                    ? new GZIPInputStream(exchange.getRequestBody())
                    : exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            synchronized (this) {
                paths.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath());
            }
            List<ReceivedSpan> decoded;
            try {
                decoded = decodeExportRequest(body);
            } catch (RuntimeException e) {
                synchronized (this) {
                    paths.add("undecodable: " + e);
                }
                exchange.sendResponseHeaders(400, -1);
                return;
            }
            synchronized (this) {
                spans.addAll(decoded);
            }
            // An empty ExportTraceServiceResponse: everything accepted.
            exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, -1);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }

    // ---- protobuf wire format -------------------------------------------------------------------------------

    /** ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; } */
    static List<ReceivedSpan> decodeExportRequest(byte[] bytes) {
        List<ReceivedSpan> result = new ArrayList<>();
        Reader request = new Reader(bytes);
        while (request.more()) {
            int tag = request.tag();
            if (tag >>> 3 == 1 && (tag & 7) == 2) {
                resourceSpans(request.message(), result);
            } else {
                request.skip(tag);
            }
        }
        return result;
    }

    /** ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; } */
    private static void resourceSpans(Reader reader, List<ReceivedSpan> result) {
        String service = null;
        List<Reader> scopes = new ArrayList<>();
        while (reader.more()) {
            int tag = reader.tag();
            if (tag >>> 3 == 1 && (tag & 7) == 2) {
                // Resource { repeated KeyValue attributes = 1; }
                Map<String, Object> attributes = new LinkedHashMap<>();
                Reader resource = reader.message();
                while (resource.more()) {
                    int t = resource.tag();
                    if (t >>> 3 == 1 && (t & 7) == 2) {
                        keyValue(resource.message(), attributes);
                    } else {
                        resource.skip(t);
                    }
                }
                service = (String) attributes.get("service.name");
            } else if (tag >>> 3 == 2 && (tag & 7) == 2) {
                scopes.add(reader.message());
            } else {
                reader.skip(tag);
            }
        }
        for (Reader scope : scopes) {
            // ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; }
            while (scope.more()) {
                int tag = scope.tag();
                if (tag >>> 3 == 2 && (tag & 7) == 2) {
                    result.add(span(scope.message(), service));
                } else {
                    scope.skip(tag);
                }
            }
        }
    }

    /**
     * Span { bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; bytes parent_span_id = 4; string name = 5;
     * SpanKind kind = 6; fixed64 start_time_unix_nano = 7; fixed64 end_time_unix_nano = 8; repeated KeyValue attributes
     * = 9; ... Status status = 15; }
     */
    private static ReceivedSpan span(Reader reader, String service) {
        String traceId = "", spanId = "", parent = "", name = "";
        int kind = 0, status = 0;
        long start = 0, end = 0;
        Map<String, Object> attributes = new LinkedHashMap<>();
        while (reader.more()) {
            int tag = reader.tag();
            switch (tag >>> 3) {
                case 1 -> traceId = HexFormat.of().formatHex(reader.bytes());
                case 2 -> spanId = HexFormat.of().formatHex(reader.bytes());
                case 4 -> parent = HexFormat.of().formatHex(reader.bytes());
                case 5 -> name = new String(reader.bytes(), StandardCharsets.UTF_8);
                case 6 -> kind = (int) reader.varint();
                case 7 -> start = reader.fixed64();
                case 8 -> end = reader.fixed64();
                case 9 -> keyValue(reader.message(), attributes);
                case 15 -> {
                    // Status { string message = 2; StatusCode code = 3; }
                    Reader s = reader.message();
                    while (s.more()) {
                        int t = s.tag();
                        if (t >>> 3 == 3 && (t & 7) == 0) {
                            status = (int) s.varint();
                        } else {
                            s.skip(t);
                        }
                    }
                }
                default -> reader.skip(tag);
            }
        }
        return new ReceivedSpan(service, traceId, spanId, parent, name, kind, start, end, attributes, status);
    }

    /** KeyValue { string key = 1; AnyValue value = 2; } with the scalar AnyValue kinds. */
    private static void keyValue(Reader reader, Map<String, Object> into) {
        String key = null;
        Object value = null;
        while (reader.more()) {
            int tag = reader.tag();
            if (tag >>> 3 == 1 && (tag & 7) == 2) {
                key = new String(reader.bytes(), StandardCharsets.UTF_8);
            } else if (tag >>> 3 == 2 && (tag & 7) == 2) {
                // AnyValue { string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value =
                // 4; }
                Reader any = reader.message();
                while (any.more()) {
                    int t = any.tag();
                    switch (t >>> 3) {
                        case 1 -> value = new String(any.bytes(), StandardCharsets.UTF_8);
                        case 2 -> value = any.varint() != 0;
                        case 3 -> value = any.varint();
                        case 4 -> value = Double.longBitsToDouble(any.fixed64());
                        default -> any.skip(t);
                    }
                }
            } else {
                reader.skip(tag);
            }
        }
        if (key != null) {
            into.put(key, value);
        }
    }

    /** A cursor over one protobuf message. */
    private static final class Reader {

        private final ByteBuffer buffer;

        Reader(byte[] bytes) {
            this(ByteBuffer.wrap(bytes));
        }

        private Reader(ByteBuffer buffer) {
            this.buffer = buffer.order(ByteOrder.LITTLE_ENDIAN);
        }

        boolean more() {
            return buffer.hasRemaining();
        }

        int tag() {
            return (int) varint();
        }

        long varint() {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                byte b = buffer.get();
                value |= (long) (b & 0x7f) << shift;
                if (b >= 0) {
                    return value;
                }
            }
            throw new IllegalArgumentException("malformed varint");
        }

        long fixed64() {
            return buffer.getLong();
        }

        byte[] bytes() {
            byte[] out = new byte[(int) varint()];
            buffer.get(out);
            return out;
        }

        Reader message() {
            int length = (int) varint();
            ByteBuffer slice = buffer.slice(buffer.position(), length);
            buffer.position(buffer.position() + length);
            return new Reader(slice);
        }

        void skip(int tag) {
            switch (tag & 7) {
                case 0 -> varint();
                case 1 -> buffer.position(buffer.position() + 8);
                case 2 -> {
                    // The length first: it moves the position past itself.
                    int length = (int) varint();
                    buffer.position(buffer.position() + length);
                }
                case 5 -> buffer.position(buffer.position() + 4);
                default -> throw new IllegalArgumentException("unsupported wire type " + (tag & 7));
            }
        }
    }
}
