package io.herald.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.herald.contracts.Topics;
import io.herald.devstack.KafkaBroker;
import io.herald.devstack.PostgresServer;
import io.herald.devstack.ServiceEnv;
import io.herald.devstack.ServiceProcess;
import io.herald.testing.TestTokens;
import io.herald.testing.WebhookReceiver;
import io.restassured.http.ContentType;

/**
 * The packaged services on a broker that authenticates (SASL_PLAINTEXT with SCRAM-SHA-512 on 127.0.0.1) and authorises
 * (KRaft's StandardAuthorizer; whatever no ACL allows is denied), each service as its own user with exactly the ACLs
 * the Helm chart gives its KafkaUser (read from {@code herald.kafkaAcls} in the chart, so the chart's table is what
 * runs here). An event still travels ingest -> dispatch -> receiver, and the attempt reaches subscription's log;
 * ingest's credentials are refused on topics ingest does not own.
 * <p>
 * The broker also keeps a plaintext listener whose anonymous principal is a super user: only this test's set-up
 * (topics, SCRAM credentials and ACLs through the Admin API) uses it; the services get only the SASL listener.
 */
class KafkaAuthorizationIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Path WORK = Path.of("target", "e2e-kafka-acl").toAbsolutePath();
    private static final Path REPO = Path.of(System.getProperty("herald.repo.dir", "..")).toAbsolutePath().normalize();
    private static final Map<String, String> USERS = Map.of(ServiceEnv.INGEST, "ingest", ServiceEnv.SUBSCRIPTION,
            "subscription", ServiceEnv.DISPATCH, "dispatch");

    private static final int SASL_PORT = freePort();
    private static final Map<String, String> PASSWORDS = new LinkedHashMap<>();
    private static ServiceStack stack;
    private static WebhookReceiver receiver;

    @BeforeAll
    static void startStack() {
        USERS.values().forEach(user -> PASSWORDS.put(user, "pw-" + user + "-" + System.nanoTime()));
        Map<String, Map<String, String>> env = new LinkedHashMap<>();
        USERS.forEach((module, user) -> env.put(module, serviceEnv(user)));
        stack = ServiceStack.start(WORK, PostgresServer.forTests(WORK.resolve("postgres")), "herald_e2e_acl", env,
                KafkaAuthorizationIT::saslBroker, KafkaAuthorizationIT::createUsersAndAcls);
        receiver = stack.receiver();
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void shouldDeliverAnEventWhileEachServiceHasOnlyItsOwnAcls() throws Exception {
        String token = TestTokens.admin("tenant-acl");
        ServiceProcess dispatch = stack.dispatch();
        double before = DispatchRouting.endpoints(dispatch);
        given().baseUri(stack.subscription().baseUrl()).auth().oauth2(token).contentType(ContentType.JSON)
                .body(Map.of("url", receiver.url("/hooks/acl"), "eventTypes", List.of("order.*"))).when()
                .post("/v1/endpoints").then().statusCode(201);
        DispatchRouting.awaitEndpoints(dispatch, before + 1, TIMEOUT);

        String eventId = given().baseUri(stack.ingest().baseUrl()).auth().oauth2(token).contentType(ContentType.JSON)
                .body("{\"type\":\"order.created\",\"data\":{\"orderId\":\"o-acl\"}}").when().post("/v1/events").then()
                .statusCode(202).extract().path("id");

        Instant deadline = Instant.now().plus(TIMEOUT);
        while (receiver.received().stream().noneMatch(r -> r.path().equals("/hooks/acl"))) {
            assertThat(Instant.now()).as("delivery of %s; logs: %s", eventId, stack.dispatch().logFile())
                    .isBefore(deadline);
            Thread.sleep(100);
        }
        // The attempt went dispatch -> herald.attempts -> subscription (its own group) -> the delivery log.
        while (given().baseUri(stack.subscription().baseUrl()).auth().oauth2(token).when()
                .get("/v1/events/" + eventId + "/attempts").then().statusCode(200).extract().jsonPath().getList("data")
                .isEmpty()) {
            assertThat(Instant.now()).as("the attempt in subscription's log; logs: %s, %s",
                    stack.subscription().logFile(), stack.kafka().logFile()).isBefore(deadline);
            Thread.sleep(200);
        }
        // Nothing the services do is refused: the broker logs every denial, and the only ones allowed are the
        // probes of the tests below (ingest's credentials on endpoints, deliveries and a retry tier; subscription's on
        // a retry tier).
        Pattern probe = Pattern.compile("Principal = User:(ingest|subscription) is Denied operation = \\w+ from host"
                + " = [^ ]+ on resource = Topic:LITERAL:(herald\\.endpoints|herald\\.deliveries|herald\\.retry\\.5s) .*");
        assertThat(Files.readAllLines(stack.kafka().logFile(), StandardCharsets.UTF_8))
                .filteredOn(line -> line.contains(" is Denied "))
                .allSatisfy(line -> assertThat(probe.matcher(line.substring(line.indexOf("Principal"))).matches())
                        .as(line).isTrue());
    }

    @Test
    void shouldRefuseIngestOnTopicsItDoesNotOwn() {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
                consumerConfig("ingest", PASSWORDS.get("ingest")))) {
            // The same credentials read the event-type catalog: what follows is authorisation, not a failed login.
            consumer.assign(List.of(new TopicPartition(Topics.EVENT_TYPES, 0)));
            consumer.seekToBeginning(consumer.assignment());
            consumer.poll(Duration.ofSeconds(2));
            assertThat(consumer.position(new TopicPartition(Topics.EVENT_TYPES, 0))).isNotNegative();

            consumer.assign(List.of(new TopicPartition(Topics.ENDPOINTS, 0)));
            consumer.seekToBeginning(consumer.assignment());

            assertThatThrownBy(() -> consumer.poll(Duration.ofSeconds(10)))
                    .isInstanceOf(TopicAuthorizationException.class).hasMessageContaining(Topics.ENDPOINTS);
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                producerConfig("ingest", PASSWORDS.get("ingest")))) {
            assertThat(send(producer, Topics.DELIVERIES)).isInstanceOf(TopicAuthorizationException.class)
                    .hasMessageContaining(Topics.DELIVERIES);
            assertThat(send(producer, Topics.retryTier(Topics.RETRY_TIERS.get(0))))
                    .isInstanceOf(TopicAuthorizationException.class);
        }
    }

    @Test
    void shouldRefuseSubscriptionOnTheRetryTiersDispatchAloneWrites() {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                producerConfig("subscription", PASSWORDS.get("subscription")))) {
            assertThat(send(producer, Topics.retryTier(Topics.RETRY_TIERS.get(0))))
                    .isInstanceOf(TopicAuthorizationException.class);
        }
    }

    @Test
    void shouldRefuseAWrongPassword() {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig("ingest", "wrong"))) {
            consumer.assign(List.of(new TopicPartition(Topics.EVENT_TYPES, 0)));

            assertThatThrownBy(() -> consumer.poll(Duration.ofSeconds(10)))
                    .isInstanceOf(SaslAuthenticationException.class);
        }
    }

    /** The services' Kafka settings: the SASL listener only, as {@code user}. */
    private static Map<String, String> serviceEnv(String user) {
        return Map.of("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + SASL_PORT, "KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT",
                "KAFKA_SASL_MECHANISM", "SCRAM-SHA-512", "KAFKA_SASL_JAAS_CONFIG", jaas(user, PASSWORDS.get(user)));
    }

    private static String jaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\""
                + password + "\";";
    }

    private static KafkaBroker saslBroker(Path dataDir) {
        int plain = freePort();
        int controller = freePort();
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("listeners", "PLAINTEXT://127.0.0.1:" + plain + ",CONTROLLER://127.0.0.1:" + controller
                + ",SASL://127.0.0.1:" + SASL_PORT);
        overrides.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + plain + ",SASL://127.0.0.1:" + SASL_PORT);
        overrides.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL:SASL_PLAINTEXT");
        overrides.put("sasl.enabled.mechanisms", "SCRAM-SHA-512");
        overrides.put("listener.name.sasl.scram-sha-512.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        overrides.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        // The set-up's listener (and the controller's): anonymous is the super user there, and only there.
        overrides.put("super.users", "User:ANONYMOUS");
        overrides.put("allow.everyone.if.no.acl.found", "false");
        return KafkaBroker.create(dataDir, plain, controller, overrides);
    }

    /** SCRAM credentials of the three users and the chart's ACLs for each, through the super user's Admin client. */
    private static void createUsersAndAcls(KafkaBroker broker) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        try (Admin admin = Admin.create(props)) {
            List<UserScramCredentialUpsertion> credentials = PASSWORDS.entrySet().stream()
                    .map(e -> new UserScramCredentialUpsertion(e.getKey(),
                            new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), e.getValue()))
                    .toList();
            admin.alterUserScramCredentials(List.copyOf(credentials)).all().get(30, TimeUnit.SECONDS);
            List<AclBinding> bindings = new ArrayList<>();
            chartAcls().forEach((user,
                    rules) -> rules.forEach(rule -> rule.operations().forEach(operation -> bindings.add(new AclBinding(
                            new ResourcePattern(rule.type(), rule.name(), rule.pattern()),
                            new AccessControlEntry("User:" + user, "*", operation, AclPermissionType.ALLOW))))));
            admin.createAcls(bindings).all().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Cannot create Kafka users and ACLs", e);
        }
    }

    /** One line of the chart's {@code herald.kafkaAcls}. */
    record Rule(ResourceType type, String name, PatternType pattern, List<AclOperation> operations) {
    }

    /** The ACL table of the Helm chart ({@code helm/herald/templates/_helpers.tpl}), per component. */
    static Map<String, List<Rule>> chartAcls() {
        String helpers;
        try {
            helpers = Files.readString(REPO.resolve("helm/herald/templates/_helpers.tpl"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int start = helpers.indexOf("define \"herald.kafkaAcls\"");
        String table = helpers.substring(helpers.indexOf('\n', start) + 1, helpers.indexOf("{{- end -}}", start));
        Pattern component = Pattern.compile("^([a-z]+):$");
        Pattern line = Pattern.compile(
                "^\\s+- \\{type: (\\w+), name: ([^,]+),(?: patternType: (\\w+),)? operations: \\[([A-Za-z, ]+)]}$");
        Map<String, List<Rule>> acls = new LinkedHashMap<>();
        String current = null;
        for (String text : table.split("\n")) {
            Matcher c = component.matcher(text);
            Matcher l = line.matcher(text);
            if (c.matches()) {
                current = c.group(1);
                acls.put(current, new ArrayList<>());
            } else if (l.matches() && current != null) {
                ResourceType type = switch (l.group(1)) {
                    case "topic" -> ResourceType.TOPIC;
                    case "group" -> ResourceType.GROUP;
                    case "transactionalId" -> ResourceType.TRANSACTIONAL_ID;
                    default -> throw new IllegalStateException("Unknown ACL resource type in " + text);
                };
                PatternType pattern = "prefix".equals(l.group(3)) ? PatternType.PREFIXED : PatternType.LITERAL;
                List<AclOperation> operations = List.of(l.group(4).split(",\\s*")).stream()
                        .map(op -> AclOperation.fromString(op.trim())).toList();
                assertThat(operations).doesNotContain(AclOperation.UNKNOWN);
                acls.get(current).add(new Rule(type, l.group(2).trim(), pattern, operations));
            } else if (!text.isBlank()) {
                throw new IllegalStateException("Unreadable line of herald.kafkaAcls: " + text);
            }
        }
        assertThat(acls.keySet()).containsExactlyInAnyOrder("ingest", "subscription", "dispatch");
        return acls;
    }

    private static Properties clientConfig(String user, String password) {
        Properties props = new Properties();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + SASL_PORT);
        props.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
        props.put(SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-512");
        props.put(SaslConfigs.SASL_JAAS_CONFIG, jaas(user, password));
        return props;
    }

    private static Properties consumerConfig(String user, String password) {
        Properties props = clientConfig(user, password);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return props;
    }

    private static Properties producerConfig(String user, String password) {
        Properties props = clientConfig(user, password);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "10000");
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        return props;
    }

    /** The send's failure (its cause), or null when the broker took the record. */
    private static Throwable send(KafkaProducer<String, String> producer, String topic) {
        try {
            producer.send(new ProducerRecord<>(topic, "probe", "{}")).get(30, TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            return e;
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
