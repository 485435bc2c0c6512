package io.herald.bench.e2e;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

/**
 * An open-loop producer: {@code POST /v1/events} on a fixed schedule (request n is due at start + n / rate), sent
 * asynchronously whatever the previous answers did, so a slow ingest shows as latency and backlog, not as a lower
 * offered rate (no coordinated omission). Each event's data carries its scheduled send time ({@code sentUs}). Event n
 * goes to tenant n mod tenants with type {@code bench.one.<j>} (matched by one endpoint) or {@code bench.all} (matched
 * by all of the tenant's endpoints).
 */
final class LoadGenerator implements AutoCloseable {

    /** Past this many unanswered requests, due requests are skipped (counted) rather than queued without bound. */
    private static final int MAX_OUTSTANDING = 4000;

    private final HttpClient client;
    private final String host;
    private final int port;
    private final List<String> authorizations;
    private final int endpointsPerTenant;
    private final String pad;
    private final AtomicLong outstanding = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    /** Accepted events per endpoint (tenant * endpointsPerTenant + j) that match it: what each endpoint is owed. */
    private final AtomicLongArray acceptedFor;
    private final Map<Integer, AtomicLong> statuses = new java.util.concurrent.ConcurrentHashMap<>();
    /** Scheduled send to 202, microseconds. */
    private final Recorder ingestLatency = new Recorder(TimeUnit.HOURS.toMicros(1), 3);

    /**
     * @param tokens one bearer token per tenant
     * @param eventBytes approximate size of each event's JSON body
     */
    LoadGenerator(Vertx vertx, String ingestHost, int ingestPort, List<String> tokens, int endpointsPerTenant,
            int eventBytes, int connections) {
        this.client = vertx
                .createHttpClient(
                        new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true).setConnectTimeout(5000)
                                .setIdleTimeout(30),
                        new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));
        this.host = ingestHost;
        this.port = ingestPort;
        this.authorizations = tokens.stream().map(t -> "Bearer " + t).toList();
        this.endpointsPerTenant = endpointsPerTenant;
        this.acceptedFor = new AtomicLongArray(tokens.size() * endpointsPerTenant);
        this.pad = "x".repeat(Math.max(0, eventBytes - 80));
    }

    /** What one run of {@link #run} did. */
    record Result(long sent, long accepted, long rejected, long failed, long skipped, double seconds,
            Histogram ingestLatency) {

        double offeredPerSecond() {
            return (sent + skipped) / seconds;
        }
    }

    /**
     * Sends {@code rate} events per second for {@code seconds}; {@code fanOutAll} picks {@code bench.all} over
     * {@code bench.one.<j>}. Calls {@code onScheduleEnd} when the last request is due, and returns once the answers
     * came in (at most 30 s more; unanswered ones then count as failed). The result's seconds are the schedule's.
     */
    Result run(double rate, double seconds, boolean fanOutAll, Runnable onScheduleEnd) {
        long acceptedBefore = accepted.get();
        long rejectedBefore = rejected.get();
        long failedBefore = failed.get();
        long skippedBefore = skipped.get();
        ingestLatency.reset();
        AtomicLong pending = new AtomicLong();
        long total = Math.round(rate * seconds);
        double intervalNanos = 1e9 / rate;
        long start = System.nanoTime();
        long n = 0;
        while (n < total) {
            long now = System.nanoTime();
            long due = Math.min(total, (long) ((now - start) / intervalNanos) + 1);
            for (; n < due; n++) {
                long scheduled = start + (long) (n * intervalNanos);
                if (outstanding.get() >= MAX_OUTSTANDING) {
                    skipped.incrementAndGet();
                } else {
                    send(n, scheduled, fanOutAll, pending);
                }
            }
            LockSupport.parkNanos(Math.max(100_000, (long) intervalNanos / 2));
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        onScheduleEnd.run();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (pending.get() > 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        long sk = skipped.get() - skippedBefore;
        long unanswered = pending.get();
        return new Result(total - sk, accepted.get() - acceptedBefore, rejected.get() - rejectedBefore,
                failed.get() - failedBefore + unanswered, sk, elapsed, ingestLatency.getIntervalHistogram());
    }

    /** Per endpoint, the accepted events that match it so far (each is one delivery the endpoint is owed). */
    long[] acceptedForSnapshot() {
        long[] copy = new long[acceptedFor.length()];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = acceptedFor.get(i);
        }
        return copy;
    }

    Map<Integer, AtomicLong> statuses() {
        return statuses;
    }

    private void send(long n, long scheduledNanos, boolean fanOutAll, AtomicLong pending) {
        int tenant = (int) (n % authorizations.size());
        int endpoint = (int) ((n / authorizations.size()) % endpointsPerTenant);
        long sentMicros = BenchClock.microsAt(scheduledNanos);
        String type = fanOutAll ? "bench.all" : "bench.one." + endpoint;
        Buffer body = Buffer.buffer(
                "{\"type\":\"" + type + "\",\"data\":{\"sentUs\":" + sentMicros + ",\"pad\":\"" + pad + "\"}}",
                StandardCharsets.UTF_8.name());
        outstanding.incrementAndGet();
        pending.incrementAndGet();
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost(host).setPort(port)
                .setURI("/v1/events").putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.AUTHORIZATION, authorizations.get(tenant)).setTimeout(20_000);
        // Reading the body to its end is what returns the connection to the pool.
        client.request(options).compose(request -> request.send(body))
                .compose(response -> response.body().map(ignored -> response.statusCode())).onComplete(ar -> {
                    outstanding.decrementAndGet();
                    pending.decrementAndGet();
                    if (ar.failed()) {
                        failed.incrementAndGet();
                        return;
                    }
                    int status = ar.result();
                    statuses.computeIfAbsent(status, s -> new AtomicLong()).incrementAndGet();
                    if (status == 202) {
                        accepted.incrementAndGet();
                        int first = tenant * endpointsPerTenant;
                        if (fanOutAll) {
                            for (int j = 0; j < endpointsPerTenant; j++) {
                                acceptedFor.incrementAndGet(first + j);
                            }
                        } else {
                            acceptedFor.incrementAndGet(first + endpoint);
                        }
                        ingestLatency.recordValue(Math.max(0, BenchClock.micros() - sentMicros));
                    } else {
                        rejected.incrementAndGet();
                    }
                });
    }

    @Override
    public void close() {
        client.close().toCompletionStage().toCompletableFuture().join();
    }
}
