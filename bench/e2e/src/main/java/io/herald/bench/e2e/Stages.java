package io.herald.bench.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Where the time between an event's send and its webhook's arrival goes, stage by stage: the mean of each stage's timer
 * in dispatch's {@code /q/metrics} over one step (the difference of its {@code _sum} and {@code _count} between a
 * scrape before and one after), beside the harness's own ingest answer time and end-to-end mean.
 */
final class Stages {

    /** Stage, dispatch timer, and a label its samples must carry. */
    private static final String[][] TIMERS = {
            { "event written to herald.events -> fan-out takes it (Kafka, fan-out consumer)",
                    "herald_fanout_queued_seconds", "" },
            { "fan-out: batch taken -> its deliveries committed (routing catch-up, transaction), per batch",
                    "herald_fanout_batch_seconds", "" },
            { "... of which the routing table's catch-up with herald.endpoints, per batch",
                    "herald_fanout_routing_catch_up_seconds", "" },
            { "delivery written to herald.deliveries -> delivery stage takes it (commit, Kafka, consumer)",
                    "herald_delivery_queued_seconds", "" },
            { "webhook POST: request sent -> response read", "herald_delivery_http_seconds", "success=\"true\"" } };

    private final HttpClient http = HttpClient.newHttpClient();
    private final String metricsUrl;
    private Map<String, double[]> before;

    Stages(String dispatchBaseUrl) {
        this.metricsUrl = dispatchBaseUrl + "/q/metrics";
    }

    /** Reads the timers at the start of the step. */
    void start() throws Exception {
        before = scrape();
    }

    /**
     * A table of each stage's mean over the step, with {@code ingestMeanMs} (send -> 202) and {@code endToEndMeanMs}
     * (send -> arrival) from the harness, and what the stages do not account for.
     */
    String table(double ingestMeanMs, double endToEndMeanMs) throws Exception {
        Map<String, double[]> after = scrape();
        StringBuilder t = new StringBuilder("| stage | mean | count |\n|---|---|---|\n");
        t.append(String.format(Locale.ROOT, "| send -> ingest's 202 (harness; the event is in Kafka) | %.1f ms | - |%n",
                ingestMeanMs));
        double accounted = ingestMeanMs;
        for (String[] timer : TIMERS) {
            double[] b = before.get(timer[0]);
            double[] a = after.get(timer[0]);
            double count = a[1] - b[1];
            double meanMs = count > 0 ? 1000 * (a[0] - b[0]) / count : Double.NaN;
            t.append(String.format(Locale.ROOT, "| %s | %.1f ms | %,.0f |%n", timer[0], meanMs, count));
            if (!Double.isNaN(meanMs) && !timer[0].startsWith("...")) {
                accounted += meanMs;
            }
        }
        t.append(String.format(Locale.ROOT,
                "| the rest (guards, signing; negative when fan-out's commit, in both its batch time and the delivery's "
                        + "queue time, outweighs them) | " + "%.1f ms | - |%n",
                endToEndMeanMs - accounted));
        t.append(String.format(Locale.ROOT, "| **send -> arrival (harness)** | **%.1f ms** | - |%n", endToEndMeanMs));
        return t.toString();
    }

    private Map<String, double[]> scrape() throws Exception {
        String metrics = http
                .send(HttpRequest.newBuilder(URI.create(metricsUrl)).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        Map<String, double[]> values = new LinkedHashMap<>();
        for (String[] timer : TIMERS) {
            values.put(timer[0], new double[] { Timeline.sum(metrics, timer[1] + "_sum", timer[2]),
                    Timeline.sum(metrics, timer[1] + "_count", timer[2]) });
        }
        return values;
    }
}
