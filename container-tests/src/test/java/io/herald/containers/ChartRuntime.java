package io.herald.containers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * How the Helm chart runs one component's container, read from the chart's defaults ({@code helm/herald/values.yaml}
 * and {@code Chart.yaml}), so the smoke test runs the images the way a default install does.
 *
 * @param image the image the chart pulls: registry/repository:tag, the tag defaulting to the chart's appVersion
 * @param runAsUser containerSecurityContext.runAsUser
 * @param runAsGroup podSecurityContext.runAsGroup
 * @param readOnlyRootFilesystem containerSecurityContext.readOnlyRootFilesystem
 * @param capabilitiesDrop containerSecurityContext.capabilities.drop
 * @param allowPrivilegeEscalation containerSecurityContext.allowPrivilegeEscalation
 * @param tmpSizeLimit tmpVolume.sizeLimit, as a Kubernetes quantity (the emptyDir at /tmp)
 * @param memoryLimit resources.limits.memory, as a Kubernetes quantity
 * @param javaOpts javaOpts (the chart's JDK_JAVA_OPTIONS)
 * @param terminationGracePeriodSeconds how long Kubernetes waits after SIGTERM before SIGKILL
 */
record ChartRuntime(String image, long runAsUser, long runAsGroup, boolean readOnlyRootFilesystem,
        List<String> capabilitiesDrop, boolean allowPrivilegeEscalation, String tmpSizeLimit, String memoryLimit,
        String javaOpts, int terminationGracePeriodSeconds) {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** The defaults of {@code component} ({@code ingest}, {@code subscription} or {@code dispatch}). */
    static ChartRuntime of(Path chartDir, String component) {
        JsonNode values = read(chartDir.resolve("values.yaml"));
        JsonNode c = values.path(component);
        JsonNode image = c.path("image");
        String registry = values.path("global").path("imageRegistry").asText("");
        registry = registry.isEmpty() ? image.path("registry").asText() : registry;
        String tag = image.path("tag").asText("");
        tag = tag.isEmpty() ? read(chartDir.resolve("Chart.yaml")).path("appVersion").asText() : tag;
        JsonNode security = c.path("containerSecurityContext");
        List<String> drop = new ArrayList<>();
        security.path("capabilities").path("drop").forEach(n -> drop.add(n.asText()));
        return new ChartRuntime(registry + "/" + image.path("repository").asText() + ":" + tag,
                security.path("runAsUser").asLong(), c.path("podSecurityContext").path("runAsGroup").asLong(),
                security.path("readOnlyRootFilesystem").asBoolean(), drop,
                security.path("allowPrivilegeEscalation").asBoolean(true),
                c.path("tmpVolume").path("sizeLimit").asText(),
                c.path("resources").path("limits").path("memory").asText(), c.path("javaOpts").asText(""),
                c.path("terminationGracePeriodSeconds").asInt());
    }

    /** The same settings with the image's tag replaced (the smoke test builds and runs a tag of its own). */
    ChartRuntime withTag(String tag) {
        return new ChartRuntime(image.substring(0, image.lastIndexOf(':') + 1) + tag, runAsUser, runAsGroup,
                readOnlyRootFilesystem, capabilitiesDrop, allowPrivilegeEscalation, tmpSizeLimit, memoryLimit, javaOpts,
                terminationGracePeriodSeconds);
    }

    /** The memory limit in bytes. */
    long memoryLimitBytes() {
        return bytes(memoryLimit);
    }

    /** A Kubernetes binary quantity (e.g. {@code 512Mi}) as podman's size syntax ({@code 512m}). */
    static String podmanSize(String quantity) {
        return Long.toString(bytes(quantity) >> 10) + "k";
    }

    static long bytes(String quantity) {
        String q = quantity.strip();
        String[] suffixes = { "Ki", "Mi", "Gi" };
        for (int i = 0; i < suffixes.length; i++) {
            if (q.endsWith(suffixes[i])) {
                return Long.parseLong(q.substring(0, q.length() - 2)) << (10 * (i + 1));
            }
        }
        if (!q.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("Only plain bytes and Ki/Mi/Gi quantities are understood here: " + q);
        }
        return Long.parseLong(q);
    }

    private static JsonNode read(Path file) {
        try {
            return YAML.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
    }
}
