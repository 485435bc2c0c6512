package io.herald.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;

/** The chart rendered with the values files the checks use; each rendering is made once per test JVM. */
enum Renders {

    /** values.yaml as shipped. */
    DEFAULTS(),
    /** A production-like installation (src/test/resources/values-production.yaml). */
    PRODUCTION("values-production.yaml"),
    /** Every optional branch switched on (src/test/resources/values-every-option.yaml). */
    EVERY_OPTION("values-every-option.yaml");

    static final String RELEASE = "herald";
    static final String NAMESPACE = "herald";
    static final List<String> COMPONENTS = List.of("ingest", "subscription", "dispatch");

    private static final Map<Renders, String> YAML = new ConcurrentHashMap<>();
    private static final Map<Renders, List<HasMetadata>> PARSED = new ConcurrentHashMap<>();

    private final String valuesFile;

    Renders(String... valuesFile) {
        this.valuesFile = valuesFile.length == 0 ? null : valuesFile[0];
    }

    /** helm's arguments selecting this rendering's values ({@code -f file} or nothing). */
    List<String> valuesArgs() {
        return valuesFile == null ? List.of() : List.of("-f", Repo.TEST_RESOURCES.resolve(valuesFile).toString());
    }

    String yaml() {
        return YAML.computeIfAbsent(this, r -> template(r.valuesArgs().toArray(String[]::new)));
    }

    List<HasMetadata> resources() {
        return PARSED.computeIfAbsent(this, r -> Manifests.parseStrictly(r.yaml()));
    }

    /** The fullname prefix of this rendering's resources. */
    String fullname() {
        return this == EVERY_OPTION ? "herald-all" : "herald";
    }

    Deployment deployment(String component) {
        return Manifests.named(resources(), Deployment.class, fullname() + "-" + component);
    }

    Container container(String component) {
        return deployment(component).getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    /** {@code helm template} of the chart with extra arguments (values files, --set). */
    static String template(String... args) {
        List<String> command = new ArrayList<>(
                List.of("template", RELEASE, Repo.CHART.toString(), "--namespace", NAMESPACE));
        command.addAll(List.of(args));
        return Tools.helmOk(command.toArray(String[]::new));
    }
}
