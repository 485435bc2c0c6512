package io.herald.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;

/**
 * The Grafana dashboard and the alerts query the metrics the services really register: every {@code herald_*} series
 * they name is derived from a Micrometer meter in the services' code, and every Herald meter is on the dashboard.
 */
class DashboardTests {

    private static final Pattern METER = Pattern.compile(
            "\\b(Counter|Timer|Gauge|DistributionSummary|FunctionCounter|FunctionTimer|LongTaskTimer|TimeGauge)"
                    + "\\s*\\.builder\\(\\s*(\"[^\"]+\"|[A-Za-z_][A-Za-z0-9_.]*)");
    private static final Pattern SERIES = Pattern.compile("\\bherald_[a-z0-9_]+");
    /** Series of Quarkus' own binders the dashboard may use. */
    private static final List<String> BUILT_IN = List.of("http_server_requests_seconds_", "jvm_", "process_",
            "kafka_consumer_", "kafka_producer_");

    @Test
    void shouldQueryOnlySeriesTheServicesExport() {
        Set<String> exported = exportedSeries();
        String dashboard = dashboardJson();
        String rules = Manifests.ofKind(Renders.EVERY_OPTION.resources(), PrometheusRule.class).get(0).getSpec()
                .getGroups().toString();

        assertThat(series(dashboard)).isNotEmpty()
                .allSatisfy(s -> assertThat(exported).as("dashboard series %s", s).contains(s));
        assertThat(series(rules)).isNotEmpty()
                .allSatisfy(s -> assertThat(exported).as("alert series %s", s).contains(s));
        Matcher other = Pattern.compile("\\b([a-z]+_[a-z0-9_]+)\\{").matcher(dashboard);
        while (other.find()) {
            String name = other.group(1);
            assertThat(name.startsWith("herald_") || BUILT_IN.stream().anyMatch(name::startsWith)).as(name).isTrue();
        }
    }

    @Test
    void shouldShowEveryHeraldMeterOnTheDashboard() {
        Set<String> onDashboard = series(dashboardJson());

        for (Meter meter : meters()) {
            assertThat(meter.series()).as("meter %s (%s) on the dashboard", meter.name(), meter.type())
                    .containsAnyElementsOf(onDashboard);
        }
        assertThat(meters()).extracting(Meter::name).contains("herald.ingest.events", "herald.delivery.attempts",
                "herald.routing.loaded");
    }

    record Meter(String type, String name) {

        /** The Prometheus series Micrometer exports for this meter. */
        Set<String> series() {
            String base = name.replace('.', '_').replace('-', '_');
            return switch (type) {
                case "Counter", "FunctionCounter" -> Set.of(base + "_total");
                case "Timer", "FunctionTimer", "LongTaskTimer" -> Set.of(base + "_seconds_count", base + "_seconds_sum",
                        base + "_seconds_max", base + "_seconds_bucket", base + "_seconds");
                case "DistributionSummary" -> Set.of(base + "_count", base + "_sum", base + "_max", base + "_bucket");
                default -> Set.of(base);
            };
        }
    }

    static List<Meter> meters() {
        List<Meter> meters = new java.util.ArrayList<>();
        for (String service : List.of("ingest-service", "subscription-service", "dispatch-service")) {
            List<String> sources;
            try (Stream<Path> files = Files.walk(Repo.ROOT.resolve(service + "/src/main/java"))) {
                sources = files.filter(f -> f.toString().endsWith(".java")).map(Repo::read).toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            String all = String.join("\n", sources);
            for (String source : sources) {
                Matcher matcher = METER.matcher(source);
                while (matcher.find()) {
                    String name = matcher.group(2);
                    if (name.startsWith("\"")) {
                        name = name.substring(1, name.length() - 1);
                    } else {
                        // A constant, possibly qualified (IngestMetrics.REJECTED_METRIC): find its literal.
                        String constant = name.substring(name.lastIndexOf('.') + 1);
                        Matcher literal = Pattern.compile("\\b" + Pattern.quote(constant) + "\\s*=\\s*\"([^\"]+)\"")
                                .matcher(all);
                        assertThat(literal.find()).as("the value of constant %s in %s", constant, service).isTrue();
                        name = literal.group(1);
                    }
                    meters.add(new Meter(matcher.group(1), name));
                }
            }
        }
        return meters;
    }

    private static Set<String> exportedSeries() {
        Set<String> series = new TreeSet<>();
        meters().forEach(m -> series.addAll(m.series()));
        return series;
    }

    private static Set<String> series(String text) {
        Set<String> found = new TreeSet<>();
        Matcher matcher = SERIES.matcher(text);
        while (matcher.find()) {
            found.add(matcher.group());
        }
        return found;
    }

    private static String dashboardJson() {
        ConfigMap dashboard = Manifests.named(Renders.DEFAULTS.resources(), ConfigMap.class, "herald-dashboard");
        String json = dashboard.getData().get("herald.json");
        assertThat(json).isEqualTo(Repo.read(Repo.CHART.resolve("files/grafana-dashboard.json")).strip());
        return json;
    }
}
