package io.herald.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The services' Dockerfiles (not built here: no Docker engine in CI) run the Quarkus fast-jar as a non-root user, on
 * the port the chart expects.
 */
class DockerfileTests {

    @ParameterizedTest
    @ValueSource(strings = { "ingest:8081", "subscription:8082", "dispatch:8083" })
    void shouldRunTheQuarkusAppAsANonRootUser(String componentAndPort) {
        String component = componentAndPort.split(":")[0];
        String port = componentAndPort.split(":")[1];
        List<String> lines = Repo.read(Repo.ROOT.resolve(component + "-service/src/main/docker/Dockerfile.jvm")).lines()
                .map(String::strip).filter(l -> !l.startsWith("#") && !l.isEmpty()).toList();

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
}
