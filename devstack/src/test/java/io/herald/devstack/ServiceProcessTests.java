package io.herald.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** ServiceProcess runs a real child JVM; here a tiny fake service stands in for a packaged Quarkus app. */
class ServiceProcessTests {

    private static Path jar;

    /** A jar whose manifest runs {@link FakeService} from the test classes, started with java -jar like a service. */
    @BeforeAll
    static void buildFakeJar() throws IOException {
        Path testClasses = Path.of(FakeService.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, FakeService.class.getName());
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, testClasses.toUri().toString());
        Path dir = Files.createDirectories(Path.of("target", "fake-service", "quarkus-app"));
        jar = dir.resolve("quarkus-run.jar").toAbsolutePath();
        try (OutputStream out = Files.newOutputStream(jar);
                JarOutputStream ignored = new JarOutputStream(out, manifest)) {
            // The manifest is the whole jar.
        }
    }

    @Test
    void shouldReturnFromStartOnlyOnceReadyAndStopOnRequest() throws Exception {
        ServiceProcess service = fake("ready").build();
        try {
            service.start();

            assertThat(service.isRunning()).isTrue();
            assertThat(readyStatus(service)).isEqualTo(200);
            assertThat(service.rssBytes()).isGreaterThan(1L << 20);
            ProcessHandle handle = ProcessHandle.of(service.pid()).orElseThrow();
            service.stop();
            assertThat(handle.isAlive()).isFalse();
            assertThat(service.rssBytes()).isEqualTo(-1);
        } finally {
            service.kill();
        }
    }

    @Test
    void shouldFailWithTheLogTailWhenTheServiceExitsDuringStart() {
        ServiceProcess service = fake("crash").build();

        assertThatThrownBy(service::start).hasMessageContaining("exited during start (exit 3)")
                .hasMessageContaining("boom: cannot connect to the database");
        assertThat(service.isRunning()).isFalse();
    }

    @Test
    void shouldFailWithTheLogTailAndKillTheServiceWhenNotReadyInTime() {
        ServiceProcess service = fake("unready").startTimeout(Duration.ofSeconds(3)).build();

        assertThatThrownBy(service::start).hasMessageContaining("was not ready within 3 s")
                .hasMessageContaining("last /q/health/ready: 503").hasMessageContaining("fake service listening on");
        assertThat(service.isRunning()).isFalse();
    }

    @Test
    void shouldDieAtOnceWhenKilled() {
        ServiceProcess service = fake("ready").start();
        ProcessHandle handle = ProcessHandle.of(service.pid()).orElseThrow();

        service.kill();

        assertThat(handle.isAlive()).isFalse();
        assertThat(service.isRunning()).isFalse();
    }

    @Test
    void shouldRefuseToStartWhenTheJarIsMissing() {
        ServiceProcess service = ServiceProcess.builder("no-such-service").jar(jar.resolveSibling("missing.jar"))
                .build();

        assertThatThrownBy(service::start).hasMessageContaining("is not packaged").hasMessageContaining("missing.jar");
    }

    @Test
    void shouldFindTheRepositoryRootHoldingMvnw() {
        assertThat(ServiceProcess.repoRoot().resolve("mvnw")).isRegularFile();
        assertThat(ServiceProcess.jarOf("ingest-service"))
                .endsWithRaw(Path.of("ingest-service", "target", "quarkus-app", "quarkus-run.jar"));
    }

    private static ServiceProcess.Builder fake(String mode) {
        return ServiceProcess.builder("fake-service").jar(jar).env("FAKE_MODE", mode).jvmArgs("-Xmx32m");
    }

    private static int readyStatus(ServiceProcess service) throws Exception {
        return HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create(service.baseUrl() + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }
}
