package io.herald.bench.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;

/**
 * The subscribers, in one of two layouts. {@link #start}: one Vert.x HTTP listener on 127.0.0.1 per endpoint, each on
 * its own port, as if every endpoint were a separate host. {@link #startShared}: one listener per tenant, all of the
 * tenant's endpoints behind its one host:port and told apart by the path {@code /hooks/<endpoint>}, as when many
 * endpoints point at one SaaS host or API gateway. Either way an endpoint answers 204 at once, answers 500, or hangs
 * (never answers, until the client gives up), as {@link #mode} says. On each webhook the receiver counts the arrival
 * for its endpoint and records arrival time minus the send time the event's data carries ({@code "sentUs"},
 * microseconds on {@link BenchClock}); it keeps no per-request object.
 */
final class Receiver implements AutoCloseable {

    enum Mode {
        OK, HANG, ERROR_500
    }

    private static final byte[] SENT_KEY = "\"sentUs\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final List<HttpServer> servers = new ArrayList<>();
    private final int[] ports;
    private final Mode[] modes;
    private final AtomicLongArray arrivals;
    /** Latency of webhooks that reached a healthy (OK) endpoint, microseconds. */
    private final Recorder healthyLatency = new Recorder(TimeUnit.HOURS.toMicros(1), 3);
    /** Healthy webhooks later than {@link #LATE_US}, by the second (since {@link #lateOrigin}) their event was sent. */
    private final AtomicLongArray lateBySecond = new AtomicLongArray(3600);
    private volatile long lateOrigin;
    /**
     * Of the late healthy webhooks: those dispatch signed at least a second after their event was sent (they waited in
     * Herald before the request), and those that arrived at least 500 ms after the second they were signed in ended
     * (the request itself was slow).
     */
    private final java.util.concurrent.atomic.AtomicLong lateSignedLate = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong lateInRequest = new java.util.concurrent.atomic.AtomicLong();

    /** What counts as late for {@link #lateBySecond()}: 500 ms from send to arrival, in microseconds. */
    static final long LATE_US = 500_000;

    private Receiver(int endpoints) {
        this.ports = new int[endpoints];
        this.modes = new Mode[endpoints];
        this.arrivals = new AtomicLongArray(endpoints);
        java.util.Arrays.fill(modes, Mode.OK);
    }

    /** Listeners for {@code endpoints} endpoints, each on its own free port. */
    static Receiver start(Vertx vertx, int endpoints) {
        Receiver receiver = new Receiver(endpoints);
        for (int i = 0; i < endpoints; i++) {
            int endpoint = i;
            receiver.ports[i] = receiver.listen(vertx, request -> receiver.handle(endpoint, request));
        }
        return receiver;
    }

    /**
     * One listener per tenant on a free port, serving that tenant's {@code endpointsPerTenant} endpoints (endpoint
     * {@code i} belongs to tenant {@code i / endpointsPerTenant}) under {@code /hooks/<i>}; another path answers 404
     * and counts nothing.
     */
    static Receiver startShared(Vertx vertx, int tenants, int endpointsPerTenant) {
        Receiver receiver = new Receiver(tenants * endpointsPerTenant);
        for (int t = 0; t < tenants; t++) {
            int first = t * endpointsPerTenant;
            int port = receiver.listen(vertx, request -> {
                int endpoint = endpointOf(request.path());
                if (endpoint >= first && endpoint < first + endpointsPerTenant) {
                    receiver.handle(endpoint, request);
                } else {
                    request.response().setStatusCode(404).end();
                }
            });
            java.util.Arrays.fill(receiver.ports, first, first + endpointsPerTenant, port);
        }
        return receiver;
    }

    private int listen(Vertx vertx, Handler<HttpServerRequest> handler) {
        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0)
                .setTcpNoDelay(true).setCompressionSupported(false)).requestHandler(handler);
        server.listen().toCompletionStage().toCompletableFuture().join();
        servers.add(server);
        return server.actualPort();
    }

    /** The endpoint number in {@code /hooks/<endpoint>}, or -1. */
    static int endpointOf(String path) {
        String prefix = "/hooks/";
        if (path == null || !path.startsWith(prefix) || path.length() == prefix.length()
                || path.length() > prefix.length() + 9) {
            return -1;
        }
        int endpoint = 0;
        for (int i = prefix.length(); i < path.length(); i++) {
            char c = path.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            endpoint = endpoint * 10 + (c - '0');
        }
        return endpoint;
    }

    String url(int endpoint) {
        return "http://127.0.0.1:" + ports[endpoint] + "/hooks/" + endpoint;
    }

    int port(int endpoint) {
        return ports[endpoint];
    }

    /** Distinct host:port pairs the endpoints are spread over. */
    int listeners() {
        return servers.size();
    }

    void mode(int endpoint, Mode mode) {
        modes[endpoint] = mode;
    }

    Mode mode(int endpoint) {
        return modes[endpoint];
    }

    int endpoints() {
        return ports.length;
    }

    /** Webhooks that reached {@code endpoint} so far (every request, whatever the answer). */
    long arrivals(int endpoint) {
        return arrivals.get(endpoint);
    }

    long[] arrivalsSnapshot() {
        long[] copy = new long[ports.length];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = arrivals.get(i);
        }
        return copy;
    }

    /** Starts counting late healthy webhooks anew, by send second from now. */
    void markLateOrigin() {
        for (int i = 0; i < lateBySecond.length(); i++) {
            lateBySecond.set(i, 0);
        }
        lateSignedLate.set(0);
        lateInRequest.set(0);
        lateOrigin = BenchClock.micros();
    }

    /**
     * Of the late healthy webhooks since {@link #markLateOrigin()}: {signed at least 1 s after their event was sent,
     * arrived at least 500 ms after the second they were signed in}.
     */
    long[] lateWhere() {
        return new long[] { lateSignedLate.get(), lateInRequest.get() };
    }

    /** Late healthy webhooks since {@link #markLateOrigin()}, indexed by the second their event was sent in. */
    long[] lateBySecond() {
        long[] copy = new long[lateBySecond.length()];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = lateBySecond.get(i);
        }
        return copy;
    }

    /** The healthy endpoints' latencies since the previous call (the first call: since start). */
    Histogram takeLatency() {
        return healthyLatency.getIntervalHistogram();
    }

    private void handle(int endpoint, HttpServerRequest request) {
        Mode mode = modes[endpoint];
        request.body().onSuccess(body -> {
            arrivals.incrementAndGet(endpoint);
            if (mode == Mode.OK) {
                long sent = sentMicros(body);
                if (sent > 0) {
                    long latency = Math.max(0, BenchClock.micros() - sent);
                    healthyLatency.recordValue(latency);
                    long second = (sent - lateOrigin) / 1_000_000;
                    if (latency > LATE_US && second >= 0 && second < lateBySecond.length()) {
                        lateBySecond.incrementAndGet((int) second);
                        long signedUs = signedMicros(request.getHeader("webhook-timestamp"));
                        if (signedUs > 0 && signedUs - sent >= 1_000_000) {
                            lateSignedLate.incrementAndGet();
                        }
                        if (signedUs > 0 && BenchClock.micros() - (signedUs + 1_000_000) >= LATE_US) {
                            lateInRequest.incrementAndGet();
                        }
                    }
                }
                request.response().setStatusCode(204).end();
            } else if (mode == Mode.ERROR_500) {
                request.response().setStatusCode(500).end();
            }
            // HANG: no answer; dispatch's request deadline closes the connection.
        });
    }

    /** The signature's timestamp (whole seconds) in microseconds, or -1. */
    static long signedMicros(String header) {
        if (header == null) {
            return -1;
        }
        try {
            return Long.parseLong(header.trim()) * 1_000_000;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The number after {@code "sentUs":} in the body, or -1 (wrk's requests carry none). */
    static long sentMicros(Buffer body) {
        int length = body.length();
        outer: for (int i = 0; i + SENT_KEY.length < length; i++) {
            for (int k = 0; k < SENT_KEY.length; k++) {
                if (body.getByte(i + k) != SENT_KEY[k]) {
                    continue outer;
                }
            }
            long value = 0;
            boolean digits = false;
            for (int j = i + SENT_KEY.length; j < length; j++) {
                byte b = body.getByte(j);
                if (b < '0' || b > '9') {
                    break;
                }
                value = value * 10 + (b - '0');
                digits = true;
            }
            return digits ? value : -1;
        }
        return -1;
    }

    @Override
    public void close() {
        servers.forEach(s -> s.close().toCompletionStage().toCompletableFuture().join());
    }
}
