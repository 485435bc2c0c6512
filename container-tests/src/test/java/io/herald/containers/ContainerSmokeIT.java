package io.herald.containers;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.herald.contracts.Json;
import io.herald.contracts.WebhookHeaders;
import io.herald.contracts.signing.WebhookVerifier;
import io.herald.devstack.HeraldTopics;
import io.herald.devstack.KafkaBroker;
import io.herald.devstack.PostgresConnection;
import io.herald.devstack.PostgresServer;
import io.herald.devstack.ServiceEnv;
import io.herald.testing.TestTokens;
import io.herald.testing.WebhookReceiver;
import io.herald.testing.WebhookReceiver.Received;
import io.restassured.http.ContentType;

/**
 * The container smoke test: {@code deploy/images.sh build} makes the three images from the packaged jars, and they run
 * with podman exactly as the Helm chart's defaults run them (user, read-only root with a /tmp volume, no capabilities,
 * memory limit, JVM options, image names) against a real Kafka broker and PostgreSQL on 127.0.0.1. A subscriber gets a
 * signed webhook; then each container gets SIGTERM while events flow and must exit gracefully within the chart's
 * termination grace period, and every event answered 202 must still be delivered.
 * <p>
 * If this machine cannot build or run containers, the test fails and says why: it never skips.
 */
@TestMethodOrder(OrderAnnotation.class)
class ContainerSmokeIT {

    private static final Logger KAFKA_CLIENT_LOG = Logger.getLogger("org.apache.kafka");

    static {
        KAFKA_CLIENT_LOG.setLevel(Level.WARNING);
    }

    /** A cold run debootstraps the base image (about a minute); later runs reuse the cached one. */
    private static final Duration IMAGES_TIMEOUT = Duration.ofMinutes(15);
    /** Three JVMs starting at once on a busy two-core machine, as in the end-to-end tests. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(90);
    private static final String TENANT = "tenant-containers";
    /** Quarkus logs "<app> stopped in <n>s" at the end of a graceful shutdown. */
    private static final String GRACEFUL_STOP = "stopped in ";
    private static final Map<String, String> COMPONENTS = Map.of(ServiceEnv.INGEST, "ingest", ServiceEnv.SUBSCRIPTION,
            "subscription", ServiceEnv.DISPATCH, "dispatch");

    private static final Path WORK = Path.of("target", "containers").toAbsolutePath();
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    /**
     * The images are built under a tag of this run's own (removed at the end), so builds of other checkouts on the same
     * machine never swap images under this test; the chart's default tag is checked by deploy-tests' DockerfileTests.
     */
    private static final String TAG = "smoke-" + RUN;
    private static final Path REPO = Podman.repo();

    private static KafkaBroker kafka;
    private static PostgresServer postgres;
    private static String database;
    private static ServiceEnv env;
    private static WebhookReceiver receiver;
    private static final Map<String, ServiceContainer> containers = new LinkedHashMap<>();
    private static final List<ServiceContainer> started = new ArrayList<>();

    @BeforeAll
    static void buildImagesAndStartTheStack() throws Exception {
        Instant begin = Instant.now();
        Path imagesLog = WORK.resolve("images.log");
        Files.deleteIfExists(imagesLog);
        Podman.Result images = Podman.script(imagesLog, IMAGES_TIMEOUT, Map.of("IMAGE_TAG", TAG),
                REPO.resolve("deploy/images.sh").toString(), "build");
        assertThat(images.exitCode())
                .as("deploy/images.sh build (this machine must be able to build and run containers; see " + imagesLog
                        + "):\n" + images.output())
                .isZero();
        System.out.printf(Locale.ROOT, "containers: images built in %d s%n",
                Duration.between(begin, Instant.now()).toSeconds());

        kafka = KafkaBroker.create(WORK.resolve("kafka-" + RUN));
        kafka.start();
        HeraldTopics.create(kafka.bootstrapServers(), 3);
        postgres = PostgresServer.forTests(WORK.resolve("postgres"));
        database = "herald_containers_" + RUN;
        PostgresConnection db = postgres.ensureDatabase(database);
        env = new ServiceEnv(kafka.bootstrapServers(), db, TestTokens.SECRET);
        receiver = WebhookReceiver.start();

        for (String module : ServiceEnv.START_ORDER) {
            containers.put(module, container(module, "1", freePort()));
        }
        ExecutorService starter = Executors.newFixedThreadPool(containers.size());
        try {
            List<Future<ServiceContainer>> starting = containers.values().stream()
                    .map(c -> starter.submit(() -> c.start(START_TIMEOUT))).toList();
            for (Future<ServiceContainer> f : starting) {
                f.get();
            }
        } finally {
            starter.shutdown();
        }
        System.out.printf(Locale.ROOT, "containers: images built and stack up in %d s%n",
                Duration.between(begin, Instant.now()).toSeconds());
    }

    @AfterAll
    static void stopTheStack() {
        if (receiver != null) {
            receiver.close();
        }
        started.forEach(ServiceContainer::remove);
        started.stream().map(c -> c.chart().image()).distinct()
                .forEach(image -> Podman.run(Duration.ofSeconds(60), "rmi", "--force", image));
        if (kafka != null) {
            kafka.stop();
        }
        if (postgres != null) {
            if (database != null && postgres.isRunning()) {
                postgres.dropDatabase(database);
            }
            postgres.close();
        }
    }

    @Test
    @Order(1)
    void shouldRunTheImagesTheChartPulls() {
        for (String module : ServiceEnv.START_ORDER) {
            String component = COMPONENTS.get(module);
            String pulled = ChartRuntime.of(REPO.resolve("helm/herald"), component).image();
            String ran = containers.get(module).chart().image();
            assertThat(ran).as(component + ": the chart's image, with this run's tag")
                    .isEqualTo(pulled.substring(0, pulled.lastIndexOf(':') + 1) + TAG);
        }
    }

    @Test
    @Order(2)
    void shouldRunEachServiceAsItsNonRootUserOnAReadOnlyRootWithTheHeapSizedFromTheMemoryLimit() {
        for (ServiceContainer c : containers.values()) {
            assertThat(c.exec("id", "-u").output().strip()).as(c.name() + " user")
                    .isEqualTo(Long.toString(c.chart().runAsUser())).isNotEqualTo("0");
            Podman.Result write = c.exec("touch", "/deployments/probe");
            assertThat(write.exitCode()).as(c.name() + " writing to its root filesystem").isNotZero();
            assertThat(write.output()).contains("Read-only file system");
            assertThat(c.exec("touch", "/tmp/probe").exitCode()).as(c.name() + " writing to /tmp").isZero();

            long limit = c.chart().memoryLimitBytes();
            long heap = heapMaxBytes(c);
            assertThat(heap).as(c.name() + " heap (jvm_memory_max_bytes) under a " + c.chart().memoryLimit()
                    + " limit with " + c.chart().javaOpts()).isBetween(limit / 2, limit * 3 / 4);
        }
    }

    @Test
    @Order(3)
    void shouldDeliverAPostedEventAsASignedWebhook() throws Exception {
        String token = TestTokens.admin(TENANT);
        String secret = register(token, "/hooks/orders", "order.*");

        ObjectNode data = Json.mapper().createObjectNode();
        data.put("orderId", "ord_1001").put("note", "café ☕ \"quoted\" <b>&</b>");
        String eventId = given().baseUri(ingest().baseUrl()).auth().oauth2(token).contentType(ContentType.JSON)
                .body(Json.write(Map.of("type", "order.created", "data", data))).when().post("/v1/events").then()
                .statusCode(202).extract().path("id");

        Received webhook = awaitAt("/hooks/orders", Set.of(eventId)).get(0);
        assertThat(webhook.header(WebhookHeaders.ID)).isEqualTo(eventId);
        JsonNode body = Json.mapper().readTree(webhook.body());
        assertThat(body.path("type").asText()).isEqualTo("order.created");
        assertThat(body.get("data")).as("non-ASCII data survives the containers' default locale").isEqualTo(data);
        assertThatCode(() -> WebhookVerifier.of(secret).verify(webhook.body(), webhook.headers()))
                .as("signature check with the endpoint's secret").doesNotThrowAnyException();
    }

    @Test
    @Order(4)
    void shouldStopEachServiceGracefullyWithinItsGracePeriodOnSigtermLosingNoAcceptedEvent() throws Exception {
        String token = TestTokens.admin(TENANT);
        register(token, "/hooks/steady", "steady.*");
        Map<String, Duration> stopTimes = new LinkedHashMap<>();
        SteadyProducer producer = SteadyProducer.start(ingest().baseUrl(), token, "steady.tick", Duration.ofMillis(40));
        try {
            producer.awaitAccepted(30, DELIVERY_TIMEOUT);

            // Dispatch stops in the middle of deliveries; a new replica takes over what it handed back.
            stopTimes.put("dispatch", stopGracefully(containers.get(ServiceEnv.DISPATCH)));
            ServiceContainer replacement = container(ServiceEnv.DISPATCH, "2", freePort());
            containers.put(ServiceEnv.DISPATCH, replacement);
            replacement.start(START_TIMEOUT);
            producer.awaitAccepted(producer.accepted().size() + 30, DELIVERY_TIMEOUT);

            // Subscription is not on the delivery path: deliveries go on without it.
            stopTimes.put("subscription", stopGracefully(containers.get(ServiceEnv.SUBSCRIPTION)));
            producer.awaitAccepted(producer.accepted().size() + 20, DELIVERY_TIMEOUT);

            // Ingest stops while requests arrive: whatever it answered 202 is in Kafka.
            stopTimes.put("ingest", stopGracefully(containers.get(ServiceEnv.INGEST)));
        } finally {
            producer.close();
        }
        Set<String> accepted = Set.copyOf(producer.accepted());
        awaitAt("/hooks/steady", accepted);
        System.out.printf(Locale.ROOT,
                "containers: SIGTERM to exit %s; all %d accepted events delivered (%d requests refused while ingest"
                        + " stopped)%n",
                stopTimes, accepted.size(), producer.failed());
    }

    private static Duration stopGracefully(ServiceContainer c) {
        Duration grace = Duration.ofSeconds(c.chart().terminationGracePeriodSeconds());
        ServiceContainer.Stopped stopped = c.terminate(grace);
        assertThat(stopped.log()).as(c.name() + " shut down gracefully on SIGTERM (Quarkus' \"" + GRACEFUL_STOP + "\")")
                .contains(GRACEFUL_STOP);
        assertThat(stopped.took()).as(c.name() + " SIGTERM to exit").isLessThan(grace);
        return stopped.took();
    }

    private static ServiceContainer container(String module, String generation, int port) {
        String component = COMPONENTS.get(module);
        ServiceContainer c = new ServiceContainer("herald-" + component + "-" + RUN + "-" + generation,
                ChartRuntime.of(REPO.resolve("helm/herald"), component).withTag(TAG), env.envFor(module), port,
                WORK.resolve("logs-" + RUN).resolve(component + "-" + generation + ".log"));
        started.add(c);
        return c;
    }

    private static ServiceContainer ingest() {
        return containers.get(ServiceEnv.INGEST);
    }

    private static String register(String token, String path, String eventType) throws InterruptedException {
        double before = routedEndpoints();
        String secret = given().baseUri(containers.get(ServiceEnv.SUBSCRIPTION).baseUrl()).auth().oauth2(token)
                .contentType(ContentType.JSON).body(Map.of("url", receiver.url(path), "eventTypes", List.of(eventType)))
                .when().post("/v1/endpoints").then().statusCode(201).extract().path("secret");
        Instant deadline = Instant.now().plus(DELIVERY_TIMEOUT);
        while (routedEndpoints() < before + 1) {
            assertThat(Instant.now()).as("dispatch loaded the new endpoint").isBefore(deadline);
            Thread.sleep(100);
        }
        return secret;
    }

    /** Dispatch's routing table size, from its gauge herald_routing_endpoints. */
    private static double routedEndpoints() {
        return metric(containers.get(ServiceEnv.DISPATCH), "herald_routing_endpoints", "");
    }

    /** The heap's largest size: jvm_memory_max_bytes summed over the heap's pools. */
    private static long heapMaxBytes(ServiceContainer c) {
        return (long) metric(c, "jvm_memory_max_bytes", "area=\"heap\"");
    }

    private static double metric(ServiceContainer c, String name, String label) {
        String metrics = given().baseUri(c.baseUrl()).when().get("/q/metrics").then().statusCode(200).extract()
                .asString();
        double sum = 0;
        boolean found = false;
        for (String line : metrics.split("\n")) {
            if ((line.startsWith(name + " ") || line.startsWith(name + "{")) && line.contains(label)) {
                double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                sum += Math.max(0, value);
                found = true;
            }
        }
        assertThat(found).as(c.name() + " exports " + name + " on /q/metrics").isTrue();
        return sum;
    }

    /** Waits until a webhook arrived at {@code path} for each of {@code eventIds}; returns those webhooks. */
    private static List<Received> awaitAt(String path, Set<String> eventIds) throws InterruptedException {
        Instant deadline = Instant.now().plus(DELIVERY_TIMEOUT);
        while (true) {
            List<Received> at = receiver.received().stream().filter(r -> r.path().equals(path)).toList();
            Set<String> missing = new HashSet<>(eventIds);
            at.forEach(r -> missing.remove(r.header(WebhookHeaders.ID)));
            if (missing.isEmpty()) {
                return at;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError(missing.size() + " of " + eventIds.size() + " accepted events were never"
                        + " delivered to " + path + " within " + DELIVERY_TIMEOUT + ", e.g. "
                        + missing.iterator().next() + "; logs in " + WORK.resolve("logs-" + RUN));
            }
            Thread.sleep(200);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
