package io.herald.bench.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * What dispatch and the machine did, second by second, during a step: a few of dispatch's meters read from its
 * {@code /q/metrics} and each process's CPU. Written as a table next to the results, so a late second of a step can be
 * matched with what dispatch was doing then (deliveries waiting before dispatch took them, its consumer's lag, its
 * postponements, who had the CPU).
 */
final class Timeline implements AutoCloseable {

    /** Prometheus series read each second: column name, then the series' name and a label it must carry (or ""). */
    private static final String[][] SERIES = { { "queued max s", "herald_delivery_queued_seconds_max", "" },
            { "fan-out lag max", "kafka_consumer_fetch_manager_records_lag_max", "kafka-consumer-events-in" },
            { "event queued max s", "herald_fanout_queued_seconds_max", "" },
            { "fan-out batch max s", "herald_fanout_batch_seconds_max", "" },
            { "fanned out", "herald_fanout_deliveries_total", "" },
            { "delivery lag max", "kafka_consumer_fetch_manager_records_lag_max", "kafka-consumer-deliveries-in" },
            { "delivery fetches/s", "kafka_consumer_fetch_manager_fetch_rate", "kafka-consumer-deliveries-in" },
            { "delivery fetch ms", "kafka_consumer_fetch_manager_fetch_latency_avg", "kafka-consumer-deliveries-in" },
            { "in-flight records", "herald_delivery_in_flight_records", "" },
            { "in-flight bytes", "herald_delivery_in_flight_bytes", "" },
            { "postponed", "herald_delivery_rescheduled_total", "" }, { "retry waiting", "herald_retry_waiting", "" },
            { "breakers open", "herald_breaker_endpoints", "state=\"open\"" } };

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final String metricsUrl;
    private final Supplier<Map<String, Long>> cpuTicks;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final List<String> rows = new ArrayList<>();
    private final long start = System.nanoTime();
    private Map<String, Long> lastTicks;
    private long lastNanos = start;

    private Timeline(String dispatchBaseUrl, Supplier<Map<String, Long>> cpuTicks) {
        this.metricsUrl = dispatchBaseUrl + "/q/metrics";
        this.cpuTicks = cpuTicks;
        this.lastTicks = cpuTicks.get();
    }

    /** Starts sampling once a second. */
    static Timeline start(String dispatchBaseUrl, Supplier<Map<String, Long>> cpuTicks) {
        Timeline timeline = new Timeline(dispatchBaseUrl, cpuTicks);
        timeline.timer.scheduleAtFixedRate(timeline::sample, 1, 1, TimeUnit.SECONDS);
        return timeline;
    }

    private void sample() {
        Map<String, Double> values = new LinkedHashMap<>();
        try {
            String metrics = http
                    .send(HttpRequest.newBuilder(URI.create(metricsUrl)).timeout(Duration.ofSeconds(2)).build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            for (String[] series : SERIES) {
                values.put(series[0], sum(metrics, series[1], series[2]));
            }
        } catch (IOException | RuntimeException e) {
            // A second without dispatch's meters shows as blanks.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        long now = System.nanoTime();
        Map<String, Long> ticks = cpuTicks.get();
        Map<String, Double> cpu = BenchE2E.cpuShare(lastTicks, ticks, now - lastNanos);
        lastTicks = ticks;
        lastNanos = now;
        StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| +%.0f s |", (now - start) / 1e9));
        for (String[] series : SERIES) {
            Double value = values.get(series[0]);
            row.append(value == null ? " |" : String.format(Locale.ROOT, " %s |", format(value)));
        }
        cpu.values().forEach(share -> row.append(String.format(Locale.ROOT, " %.2f |", share)));
        synchronized (rows) {
            if (rows.isEmpty()) {
                StringBuilder header = new StringBuilder("| second |");
                StringBuilder line = new StringBuilder("|---|");
                for (String[] series : SERIES) {
                    header.append(' ').append(series[0]).append(" |");
                    line.append("---|");
                }
                cpu.keySet().forEach(name -> {
                    header.append(" CPU ").append(name).append(" |");
                    line.append("---|");
                });
                rows.add(header.toString());
                rows.add(line.toString());
            }
            rows.add(row.toString());
        }
    }

    /** The sum of a series' samples (all its label sets that carry {@code label}); 0 when dispatch has none. */
    static double sum(String metrics, String name, String label) {
        double sum = 0;
        for (String line : metrics.split("\n")) {
            if ((line.startsWith(name + " ") || line.startsWith(name + "{")) && line.contains(label)) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    private static String format(double value) {
        return value == Math.rint(value) ? String.format(Locale.ROOT, "%,.0f", value)
                : String.format(Locale.ROOT, "%.3f", value);
    }

    /** Stops sampling and writes the table to {@code file}. */
    void writeTo(Path file) throws IOException {
        close();
        synchronized (rows) {
            Files.write(file, rows);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
