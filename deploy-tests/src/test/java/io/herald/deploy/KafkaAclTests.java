package io.herald.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Volume;
import io.herald.contracts.Topics;
import io.herald.dispatch.retry.RetryTierChannels;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.kafka.listener.GenericKafkaListener;
import io.strimzi.api.kafka.model.kafka.listener.KafkaListenerAuthenticationScramSha512;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.KafkaUserAuthorizationSimple;
import io.strimzi.api.kafka.model.user.KafkaUserScramSha512ClientAuthentication;
import io.strimzi.api.kafka.model.user.KafkaUserTlsClientAuthentication;
import io.strimzi.api.kafka.model.user.acl.AclOperation;
import io.strimzi.api.kafka.model.user.acl.AclResourcePatternType;
import io.strimzi.api.kafka.model.user.acl.AclRule;
import io.strimzi.api.kafka.model.user.acl.AclRuleGroupResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTopicResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTransactionalIdResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleType;

/**
 * Kafka with authentication and least-privilege ACLs: the chart's KafkaUser of each component grants exactly what the
 * service uses, and nothing else. What a service uses is read from the service, not from a list kept beside the chart:
 * every SmallRye channel of its application.properties (incoming: read the topic, read the group; outgoing: write the
 * topic; transactional ids), dispatch's retry-tier channels ({@link RetryTierChannels}), plus the two things
 * application.properties cannot say, declared here and guarded against drift: topics a channel names per record, and
 * raw Kafka clients.
 */
class KafkaAclTests {

    /** Kafka's ACL resource types, as Strimzi writes them. */
    private static final String TOPIC = "topic";
    private static final String GROUP = "group";
    private static final String TRANSACTIONAL_ID = "transactionalId";

    /**
     * Topics an outgoing channel writes by naming them per record ({@code OutgoingKafkaRecordMetadata.withTopic}):
     * subscription's outbox relay (OutboxRelay: endpoint states and the event-type catalog) and dead-letter replay
     * (DeliveryReplayPublisher), dispatch's fan-out transaction (FanOut: deliveries, operational events, and deliveries
     * of open breakers straight to a retry tier: DeliveryPublisher) and retry hand-off (RetryPublisher: every tier).
     */
    private static final Map<String, Map<String, List<String>>> PER_RECORD_TOPICS = Map.of("ingest", Map.of(),
            "subscription",
            Map.of("endpoint-states", List.of(Topics.ENDPOINTS, Topics.EVENT_TYPES), "deliveries-replay",
                    List.of(Topics.DELIVERIES)),
            "dispatch",
            Map.of("deliveries-out",
                    Stream.concat(Stream.of(Topics.DELIVERIES, Topics.EVENTS),
                            Topics.RETRY_TIERS.stream().map(Topics::retryTier)).toList(),
                    "retries-out", Topics.RETRY_TIERS.stream().map(Topics::retryTier).toList()));

    /** Plain KafkaConsumers outside SmallRye (assigned partitions, no group): class name -> topic read. */
    private static final Map<String, Map<String, String>> RAW_READERS = Map.of("ingest",
            Map.of("EventCatalogConsumer", Topics.EVENT_TYPES), "subscription", Map.of(), "dispatch",
            Map.of("EndpointStateConsumer", Topics.ENDPOINTS));

    /** Other Kafka clients outside SmallRye (admin clients, producers): class name -> what each does. */
    private static final Map<String, Map<String, List<Need>>> RAW_OTHERS = Map.of("ingest", Map.of(), "subscription",
            Map.of(), "dispatch",
            Map.of("OrphanedTransactions",
                    List.of(new Need(GROUP, "herald-dispatch-fanout", AclOperation.DESCRIBE,
                            "OrphanedTransactions: the members of the fan-out group"),
                            new Need(TRANSACTIONAL_ID, "herald-dispatch-fanout-<pod>", AclOperation.DESCRIBE,
                                    "OrphanedTransactions: open fan-out transactions"),
                            new Need(TRANSACTIONAL_ID, "herald-dispatch-fanout-<pod>", AclOperation.WRITE,
                                    "OrphanedTransactions: fencing a departed replica's transactional id"))));

    private static final Set<AclOperation> IMPLY_DESCRIBE = Set.of(AclOperation.READ, AclOperation.WRITE,
            AclOperation.DELETE, AclOperation.ALTER);

    private static final Pattern CHANNEL_KEY = Pattern
            .compile("mp\\.messaging\\.(incoming|outgoing)\\.([A-Za-z0-9_-]+)\\.connector");
    private static final Pattern RAW_CLIENT = Pattern
            .compile("new KafkaConsumer|new KafkaProducer|AdminClient\\.create|Admin\\.create");

    /** One permission a service needs: an operation on a resource of a type. */
    record Need(String type, String name, AclOperation operation, String why) {
    }

    @ParameterizedTest
    @ValueSource(strings = { "ingest", "subscription", "dispatch" })
    void shouldAllowEverythingTheServiceUses(String component) {
        List<AclRule> acls = acls(Renders.DEFAULTS, component);

        List<String> denied = needs(component).stream().filter(need -> !allows(acls, need))
                .map(need -> need.operation() + " " + need.type() + " " + need.name() + " (" + need.why() + ")")
                .toList();

        assertThat(denied).as("%s uses these but its KafkaUser's ACLs (herald.kafkaAcls) do not allow them", component)
                .isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = { "ingest", "subscription", "dispatch" })
    void shouldAllowNothingTheServiceDoesNotUse(String component) {
        List<Need> needs = needs(component);

        List<String> unused = new ArrayList<>();
        for (AclRule rule : acls(Renders.DEFAULTS, component)) {
            assertThat(rule.getType()).as("only allow rules").isIn(null, AclRuleType.ALLOW);
            for (AclOperation operation : rule.getOperations()) {
                if (needs.stream().noneMatch(need -> need.operation() == operation && matches(rule, need))) {
                    unused.add(operation + " " + describe(rule));
                }
            }
        }

        assertThat(unused).as("%s's KafkaUser grants what the service never uses", component).isEmpty();
    }

    @Test
    void shouldKeepIngestAwayFromEndpointStateAndDeliveries() {
        List<AclRule> ingest = acls(Renders.DEFAULTS, "ingest");

        for (String topic : Topics.ALL) {
            assertThat(allows(ingest, new Need(TOPIC, topic, AclOperation.READ, ""))).as("ingest reads " + topic)
                    .isEqualTo(topic.equals(Topics.EVENT_TYPES));
            assertThat(allows(ingest, new Need(TOPIC, topic, AclOperation.WRITE, ""))).as("ingest writes " + topic)
                    .isEqualTo(topic.equals(Topics.EVENTS));
        }
    }

    @Test
    void shouldLetOnlyDispatchWriteWhatDispatchDeliversApartFromSubscriptionsReplay() {
        List<String> writers = Renders.COMPONENTS.stream().filter(
                c -> allows(acls(Renders.DEFAULTS, c), new Need(TOPIC, Topics.DELIVERIES, AclOperation.WRITE, "")))
                .toList();
        // Dead-letter replay (POST /v1/dead-letters/{id}/replay, /recover) puts the delivery back on herald.deliveries;
        // subscription holds the signing keys anyway, so this grants it nothing it could not already do.
        assertThat(writers).containsExactly("subscription", "dispatch");

        for (String topic : Stream
                .concat(Stream.of(Topics.ATTEMPTS, Topics.DLQ), Topics.RETRY_TIERS.stream().map(Topics::retryTier))
                .toList()) {
            assertThat(Renders.COMPONENTS.stream()
                    .filter(c -> allows(acls(Renders.DEFAULTS, c), new Need(TOPIC, topic, AclOperation.WRITE, ""))))
                            .as("writers of " + topic).containsExactly("dispatch");
        }
        assertThat(Renders.COMPONENTS.stream().filter(
                c -> allows(acls(Renders.DEFAULTS, c), new Need(TOPIC, Topics.ENDPOINTS, AclOperation.WRITE, ""))))
                        .as("writers of herald.endpoints").containsExactly("subscription");
    }

    @ParameterizedTest
    @ValueSource(strings = { "ingest", "subscription", "dispatch" })
    void shouldDeclareEveryRawKafkaClientOfTheService(String component) {
        Set<String> found = sourcesMatching(component, RAW_CLIENT);

        assertThat(found).as("""
                %s creates Kafka clients outside SmallRye: declare each in RAW_READERS or RAW_OTHERS (and what \
                it uses in herald.kafkaAcls); they take the kafka.* security settings only if built from the \
                default-kafka-broker configuration""", component).isEqualTo(rawClients(component));
    }

    @ParameterizedTest
    @ValueSource(strings = { "ingest", "subscription", "dispatch" })
    void shouldBuildRawClientsFromTheSharedKafkaConfiguration(String component) {
        for (String className : rawClients(component)) {
            String source = Repo.read(sourceFile(component, className));
            // The kafka.* settings (bootstrap servers, security protocol, SASL, truststore) reach a raw client only
            // through this map.
            assertThat(source).as(className).contains("@Identifier(\"default-kafka-broker\")");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "ingest", "subscription", "dispatch" })
    void shouldCoverEveryTopicTheServiceCodeNames(String component) {
        Set<String> named = new TreeSet<>();
        Pattern constant = Pattern.compile("Topics\\.(EVENTS|ENDPOINTS|EVENT_TYPES|DELIVERIES|ATTEMPTS|DLQ)\\b");
        for (Path file : sources(component)) {
            Matcher m = constant.matcher(Repo.read(file));
            while (m.find()) {
                named.add(topicConstant(m.group(1)));
            }
        }
        List<AclRule> acls = acls(Renders.DEFAULTS, component);

        assertThat(named).as("%s's code names topics its ACLs never mention", component)
                .allMatch(topic -> acls.stream().anyMatch(r -> matches(r, new Need(TOPIC, topic, null, ""))));
        assertThat(named).isNotEmpty();
    }

    @Test
    void shouldRenderOneScramUserPerComponentForTheStrimziCluster() {
        for (String component : Renders.COMPONENTS) {
            KafkaUser user = Manifests.named(Renders.DEFAULTS.resources(), KafkaUser.class, "herald-" + component);
            Map<String, String> env = ContainerEnv.of(Renders.DEFAULTS.container(component),
                    Renders.DEFAULTS.resources());

            assertThat(user.getMetadata().getLabels()).containsEntry("strimzi.io/cluster", "herald");
            assertThat(user.getSpec().getAuthentication()).isInstanceOf(KafkaUserScramSha512ClientAuthentication.class);
            assertThat(env).containsEntry("KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
                    .containsEntry("KAFKA_SASL_MECHANISM", "SCRAM-SHA-512")
                    .containsEntry("KAFKA_SSL_TRUSTSTORE_TYPE", "PEM")
                    .containsEntry("KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/herald/kafka-ca/ca.crt")
                    // Strimzi's User Operator writes the password to a Secret named after the user.
                    .containsEntry("SCRAM_PASSWORD", "secret:herald-" + component + "/password");
            assertThat(env.get("KAFKA_SASL_JAAS_CONFIG")).isEqualTo(
                    "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"herald-%s\" password=\"$(SCRAM_PASSWORD)\";",
                    component);
            assertThat(volume(Renders.DEFAULTS, component, "kafka-ca").getSecret().getSecretName())
                    .isEqualTo("herald-cluster-ca-cert");
            assertThat(Renders.DEFAULTS.container(component).getVolumeMounts())
                    .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/etc/herald/kafka-ca"));
        }
    }

    @Test
    void shouldDefineThePasswordBeforeTheJaasLineThatExpandsIt() {
        for (String component : Renders.COMPONENTS) {
            List<String> names = Renders.DEFAULTS.container(component).getEnv().stream().map(e -> e.getName()).toList();
            // Kubernetes expands $(VAR) only from variables defined earlier in the list.
            assertThat(names.indexOf("SCRAM_PASSWORD")).as(component).isNotNegative()
                    .isLessThan(names.indexOf("KAFKA_SASL_JAAS_CONFIG"));
        }
    }

    @Test
    void shouldGiveTheMigrationJobsTheSameKafkaCredentials() {
        List<HasMetadata> resources = Renders.DEFAULTS.resources();
        for (String component : List.of("ingest", "subscription")) {
            var job = Manifests.named(resources, io.fabric8.kubernetes.api.model.batch.v1.Job.class,
                    "herald-" + component + "-migrate");
            Container container = job.getSpec().getTemplate().getSpec().getContainers().get(0);

            assertThat(ContainerEnv.of(container, resources)).containsEntry("KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
                    .containsEntry("SCRAM_PASSWORD", "secret:herald-" + component + "/password");
            assertThat(job.getSpec().getTemplate().getSpec().getVolumes()).extracting(Volume::getName)
                    .contains("kafka-ca");
        }
    }

    @Test
    void shouldUseClientCertificatesWithMutualTls() {
        List<HasMetadata> resources = Manifests
                .parseStrictly(Renders.template("--set", "kafka.authentication.type=tls"));
        KafkaUser user = Manifests.named(resources, KafkaUser.class, "herald-dispatch");
        var deployment = Manifests.named(resources, io.fabric8.kubernetes.api.model.apps.Deployment.class,
                "herald-dispatch");
        Map<String, String> env = ContainerEnv.of(deployment.getSpec().getTemplate().getSpec().getContainers().get(0),
                resources);

        assertThat(user.getSpec().getAuthentication()).isInstanceOf(KafkaUserTlsClientAuthentication.class);
        assertThat(env).containsEntry("KAFKA_SECURITY_PROTOCOL", "SSL")
                .containsEntry("KAFKA_SSL_KEYSTORE_TYPE", "PKCS12")
                .containsEntry("KAFKA_SSL_KEYSTORE_LOCATION", "/etc/herald/kafka-user/user.p12")
                .containsEntry("KAFKA_SSL_KEYSTORE_PASSWORD", "secret:herald-dispatch/user.password")
                .doesNotContainKeys("KAFKA_SASL_JAAS_CONFIG", "SCRAM_PASSWORD");
        assertThat(deployment.getSpec().getTemplate().getSpec().getVolumes())
                .filteredOn(v -> v.getName().equals("kafka-user")).singleElement()
                .satisfies(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("herald-dispatch"));
    }

    @Test
    void shouldTakeAChosenPasswordForAKafkaUserSoThatItCanBeRotated() {
        List<HasMetadata> resources = Manifests.parseStrictly(
                Renders.template("--set", "kafka.authentication.users.ingest.passwordSecret=ingest-kafka-password"));
        var ingest = (KafkaUserScramSha512ClientAuthentication) Manifests
                .named(resources, KafkaUser.class, "herald-ingest").getSpec().getAuthentication();
        var dispatch = (KafkaUserScramSha512ClientAuthentication) Manifests
                .named(resources, KafkaUser.class, "herald-dispatch").getSpec().getAuthentication();

        assertThat(ingest.getPassword().getValueFrom().getSecretKeyRef().getName()).isEqualTo("ingest-kafka-password");
        assertThat(ingest.getPassword().getValueFrom().getSecretKeyRef().getKey()).isEqualTo("password");
        assertThat(dispatch.getPassword()).as("generated by the User Operator").isNull();
    }

    @Test
    void shouldUseNamedUsersAndSecretsWithoutStrimzi() {
        List<HasMetadata> resources = Manifests.parseStrictly(Renders.template("--set",
                "kafka.strimzi.createUsers=false", "--set", "kafka.authentication.users.ingest.username=svc-ingest",
                "--set", "kafka.authentication.users.ingest.existingSecret=kafka-ingest", "--set",
                "kafka.tls.caSecret=corp-ca", "--set", "kafka.tls.caKey=ca.pem"));
        var deployment = Manifests.named(resources, io.fabric8.kubernetes.api.model.apps.Deployment.class,
                "herald-ingest");
        Map<String, String> env = ContainerEnv.of(deployment.getSpec().getTemplate().getSpec().getContainers().get(0),
                resources);

        assertThat(Manifests.ofKind(resources, KafkaUser.class)).isEmpty();
        assertThat(env).containsEntry("SCRAM_PASSWORD", "secret:kafka-ingest/password")
                .containsEntry("KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/herald/kafka-ca/ca.pem");
        assertThat(env.get("KAFKA_SASL_JAAS_CONFIG")).contains("username=\"svc-ingest\"");
        assertThat(deployment.getSpec().getTemplate().getSpec().getVolumes())
                .filteredOn(v -> v.getName().equals("kafka-ca")).singleElement()
                .satisfies(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("corp-ca"));
    }

    @Test
    void shouldFallBackToPlaintextOnlyWhenAskedTo() {
        List<HasMetadata> resources = Manifests.parseStrictly(
                Renders.template("--set", "kafka.authentication.type=none", "--set", "kafka.tls.enabled=false"));
        var deployment = Manifests.named(resources, io.fabric8.kubernetes.api.model.apps.Deployment.class,
                "herald-dispatch");
        Map<String, String> env = ContainerEnv.of(deployment.getSpec().getTemplate().getSpec().getContainers().get(0),
                resources);

        assertThat(Manifests.ofKind(resources, KafkaUser.class)).isEmpty();
        assertThat(env).containsEntry("KAFKA_SECURITY_PROTOCOL", "PLAINTEXT").doesNotContainKeys(
                "KAFKA_SASL_JAAS_CONFIG", "KAFKA_SASL_MECHANISM", "KAFKA_SSL_TRUSTSTORE_LOCATION", "SCRAM_PASSWORD");
        assertThat(deployment.getSpec().getTemplate().getSpec().getVolumes()).extracting(Volume::getName)
                .containsExactly("tmp");
    }

    @Test
    void shouldRefuseClientCertificatesWithoutTls() {
        Tools.Result result = Tools.helm("template", Renders.RELEASE, Repo.CHART.toString(), "--set",
                "kafka.authentication.type=tls", "--set", "kafka.tls.enabled=false");

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderr()).contains("needs kafka.tls.enabled=true");
    }

    @Test
    void shouldRunTheReferenceKafkaWithScramOverTlsAndSimpleAuthorization() {
        List<HasMetadata> kafkaManifests = Manifests.parseStrictly(Repo.read(Repo.K8S.resolve("kafka/kafka.yaml")));
        Kafka kafka = Manifests.named(kafkaManifests, Kafka.class, "herald");
        List<GenericKafkaListener> listeners = kafka.getSpec().getKafka().getListeners();
        List<HasMetadata> rendered = Manifests.parseStrictly(Repo.read(Repo.K8S.resolve("herald/herald.yaml")));

        assertThat(listeners).as("no listener without TLS and authentication").allSatisfy(l -> {
            assertThat(l.isTls()).isTrue();
            assertThat(l.getAuth()).isInstanceOf(KafkaListenerAuthenticationScramSha512.class);
        });
        assertThat(kafka.getSpec().getKafka().getAuthorization()).isNotNull();
        assertThat(kafka.getSpec().getKafka().getAuthorization().getType()).isEqualTo("simple");
        assertThat(kafka.getSpec().getEntityOperator().getUserOperator()).isNotNull();
        // The committed rendering (k8s/herald) carries the users, with the same ACLs the chart's defaults check.
        assertThat(Manifests.ofKind(rendered, KafkaUser.class)).extracting(u -> u.getMetadata().getName())
                .containsExactlyInAnyOrder("herald-ingest", "herald-subscription", "herald-dispatch");
        for (KafkaUser user : Manifests.ofKind(rendered, KafkaUser.class)) {
            assertThat(user.getMetadata().getLabels()).containsEntry("strimzi.io/cluster",
                    kafka.getMetadata().getName());
            assertThat(user.getSpec().getAuthorization()).isEqualTo(
                    Manifests.named(Renders.DEFAULTS.resources(), KafkaUser.class, user.getMetadata().getName())
                            .getSpec().getAuthorization());
        }
    }

    /** Everything {@code component} does on Kafka, read from the service. */
    static List<Need> needs(String component) {
        Properties props = new Properties();
        props.putAll(ServiceConfiguration.of(component).properties);
        if (component.equals("dispatch")) {
            RetryTierChannels tiers = new RetryTierChannels();
            tiers.getPropertyNames().forEach(name -> props.putIfAbsent(name, tiers.getValue(name)));
        }
        Set<Need> needs = new LinkedHashSet<>();
        for (String key : props.stringPropertyNames()) {
            Matcher m = CHANNEL_KEY.matcher(key);
            if (!m.matches() || !"smallrye-kafka".equals(props.getProperty(key))) {
                continue;
            }
            String direction = m.group(1);
            String channel = m.group(2);
            String prefix = "mp.messaging." + direction + "." + channel + ".";
            List<String> topics = new ArrayList<>();
            if (props.getProperty(prefix + "topic") != null) {
                topics.add(props.getProperty(prefix + "topic"));
            }
            topics.addAll(PER_RECORD_TOPICS.get(component).getOrDefault(channel, List.of()));
            assertThat(topics).as("the topics of channel " + channel + " of " + component).isNotEmpty();
            String why = direction + " channel " + channel;
            if (direction.equals("incoming")) {
                String group = props.getProperty(prefix + "group.id");
                assertThat(group).as("%s: an incoming channel names its consumer group", why).isNotBlank();
                topics.forEach(t -> needs.add(new Need(TOPIC, t, AclOperation.READ, why)));
                needs.add(new Need(GROUP, group, AclOperation.READ, why));
            } else {
                topics.forEach(t -> needs.add(new Need(TOPIC, t, AclOperation.WRITE, why)));
                String transactionalId = props.getProperty(prefix + "transactional.id");
                if (transactionalId != null) {
                    // herald-dispatch-fanout-${POD_NAME:...}: every pod's id starts with the literal part.
                    String literal = transactionalId.replaceAll("\\$\\{.*$", "");
                    needs.add(new Need(TRANSACTIONAL_ID, literal + "<pod>", AclOperation.WRITE, why));
                    needs.add(new Need(TRANSACTIONAL_ID, literal + "<pod>", AclOperation.DESCRIBE, why));
                }
            }
            topics.forEach(t -> needs.add(new Need(TOPIC, t, AclOperation.DESCRIBE, why + " (metadata)")));
        }
        RAW_READERS.get(component).forEach((className, topic) -> {
            needs.add(new Need(TOPIC, topic, AclOperation.READ, className));
            needs.add(new Need(TOPIC, topic, AclOperation.DESCRIBE, className));
        });
        RAW_OTHERS.get(component).values().forEach(needs::addAll);
        assertThat(needs).as("the check found %s's channels", component).hasSizeGreaterThan(3);
        return List.copyOf(needs);
    }

    private static Set<String> rawClients(String component) {
        Set<String> classes = new TreeSet<>(RAW_READERS.get(component).keySet());
        classes.addAll(RAW_OTHERS.get(component).keySet());
        return classes;
    }

    static List<AclRule> acls(Renders render, String component) {
        KafkaUser user = Manifests.named(render.resources(), KafkaUser.class, render.fullname() + "-" + component);
        return ((KafkaUserAuthorizationSimple) user.getSpec().getAuthorization()).getAcls();
    }

    static boolean allows(List<AclRule> acls, Need need) {
        return acls.stream().anyMatch(rule -> (rule.getType() == null || rule.getType() == AclRuleType.ALLOW)
                && grants(rule.getOperations(), need.operation()) && matches(rule, need));
    }

    /** Whether the operations grant {@code needed}: in Kafka, Read, Write, Delete and Alter imply Describe. */
    private static boolean grants(List<AclOperation> operations, AclOperation needed) {
        return operations.contains(needed)
                || needed == AclOperation.DESCRIBE && operations.stream().anyMatch(IMPLY_DESCRIBE::contains);
    }

    /** Whether the rule's resource covers the needed one (literal: same name; prefix: the name starts with it). */
    static boolean matches(AclRule rule, Need need) {
        String type;
        String name;
        AclResourcePatternType pattern;
        if (rule.getResource() instanceof AclRuleTopicResource t) {
            type = TOPIC;
            name = t.getName();
            pattern = t.getPatternType();
        } else if (rule.getResource() instanceof AclRuleGroupResource g) {
            type = GROUP;
            name = g.getName();
            pattern = g.getPatternType();
        } else if (rule.getResource() instanceof AclRuleTransactionalIdResource x) {
            type = TRANSACTIONAL_ID;
            name = x.getName();
            pattern = x.getPatternType();
        } else {
            return false;
        }
        if (!type.equals(need.type())) {
            return false;
        }
        return pattern == AclResourcePatternType.PREFIX ? need.name().startsWith(name) : need.name().equals(name);
    }

    private static String describe(AclRule rule) {
        return String.valueOf(rule.getResource());
    }

    private static Volume volume(Renders render, String component, String name) {
        return render.deployment(component).getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getName().equals(name)).findFirst().orElseThrow();
    }

    private static String topicConstant(String constant) {
        return switch (constant) {
            case "EVENTS" -> Topics.EVENTS;
            case "ENDPOINTS" -> Topics.ENDPOINTS;
            case "EVENT_TYPES" -> Topics.EVENT_TYPES;
            case "DELIVERIES" -> Topics.DELIVERIES;
            case "ATTEMPTS" -> Topics.ATTEMPTS;
            case "DLQ" -> Topics.DLQ;
            default -> throw new IllegalArgumentException(constant);
        };
    }

    private static List<Path> sources(String component) {
        Path root = Repo.ROOT.resolve(component + "-service/src/main/java");
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Set<String> sourcesMatching(String component, Pattern pattern) {
        return sources(component).stream().filter(f -> pattern.matcher(Repo.read(f)).find())
                .map(f -> f.getFileName().toString().replace(".java", ""))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static Path sourceFile(String component, String className) {
        return sources(component).stream().filter(f -> f.getFileName().toString().equals(className + ".java"))
                .findFirst().orElseThrow();
    }
}
