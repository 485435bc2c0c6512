package io.herald.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The services' Dockerfiles run the Quarkus fast-jar as a non-root user, on the port the chart expects, on any Java 17
 * base image, and the image names deploy/images.sh builds are the ones the chart pulls. The images themselves are built
 * and run by container-tests (the "containers" profile).
 */
class DockerfileTests {

    @ParameterizedTest
    @ValueSource(strings = { "ingest:8081", "subscription:8082", "dispatch:8083" })
    void shouldRunTheQuarkusAppAsANonRootUser(String componentAndPort) {
        String component = componentAndPort.split(":")[0];
        String port = componentAndPort.split(":")[1];
        List<String> lines = instructions(component);

        List<String> users = lines.stream().filter(l -> l.startsWith("USER ")).toList();
        assertThat(users).isNotEmpty();
        String user = users.get(users.size() - 1).substring(5).split(":")[0].strip();
        assertThat(user).isNotIn("0", "root").matches("[0-9]+");
        assertThat(Renders.DEFAULTS.container(component).getSecurityContext().getRunAsUser())
                .isEqualTo(Long.parseLong(user));
        assertThat(lines).contains("COPY --chown=185:0 target/quarkus-app/lib/ /deployments/lib/",
                "COPY --chown=185:0 target/quarkus-app/quarkus/ /deployments/quarkus/", "EXPOSE " + port);
        assertThat(lines).anyMatch(l -> l.startsWith("FROM "));
        assertThat(lines).anyMatch(l -> l.contains("quarkus-run.jar"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "ingest", "subscription", "dispatch" })
    void shouldStartWithPlainJavaSoAnyJava17BaseImageWorks(String component) {
        List<String> lines = instructions(component);
        assertThat(lines).as("a public, maintained JRE image by default, replaceable with --build-arg BASE_IMAGE")
                .contains("ARG BASE_IMAGE=docker.io/library/eclipse-temurin:17-jre", "FROM ${BASE_IMAGE}");
        String entrypoint = lines.stream().filter(l -> l.startsWith("ENTRYPOINT ")).findFirst().orElseThrow();
        assertThat(entrypoint).as("exec form, java itself as PID 1 (SIGTERM reaches the JVM; no base's start script)")
                .startsWith("ENTRYPOINT [ \"java\",").contains("\"-jar\", \"/deployments/quarkus-run.jar\" ]");
        assertThat(Renders.DEFAULTS.container(component).getEnv())
                .as("the chart's JVM options reach the launcher of that entrypoint")
                .anyMatch(e -> e.getName().equals("JDK_JAVA_OPTIONS") && e.getValue().contains("MaxRAMPercentage"));
    }

    @Test
    void shouldBuildTheImagesTheChartPullsByDefault() {
        Tools.Result names = Tools.run(List.of(Repo.ROOT.resolve("deploy/images.sh").toString(), "names"), 30);
        assertThat(names.ok()).as("deploy/images.sh names: %s", names.stderr()).isTrue();
        assertThat(names.stdout().lines().toList()).containsExactlyElementsOf(
                Renders.COMPONENTS.stream().map(c -> Renders.DEFAULTS.container(c).getImage()).toList());
    }

    /** The Dockerfile's instructions, one per line, continuation lines joined, comments left out. */
    private static List<String> instructions(String component) {
        String text = Repo.read(Repo.ROOT.resolve(component + "-service/src/main/docker/Dockerfile.jvm"));
        return text.replaceAll("\\\\\\n\\s*", " ").lines().map(String::strip)
                .filter(l -> !l.startsWith("#") && !l.isEmpty()).toList();
    }
}
