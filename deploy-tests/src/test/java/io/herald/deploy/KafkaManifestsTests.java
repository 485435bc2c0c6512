package io.herald.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.herald.contracts.Topics;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.nodepool.ProcessRoles;
import io.strimzi.api.kafka.model.topic.KafkaTopic;

/** k8s/kafka: the Strimzi cluster and a KafkaTopic for every topic Herald uses. */
class KafkaManifestsTests {

    private static final List<HasMetadata> KAFKA = Manifests
            .parseStrictly(Repo.read(Repo.K8S.resolve("kafka/kafka.yaml")));
    private static final Map<String, KafkaTopic> TOPICS = Manifests
            .ofKind(Manifests.parseStrictly(Repo.read(Repo.K8S.resolve("kafka/topics.yaml"))), KafkaTopic.class)
            .stream().collect(Collectors.toMap(KafkaManifestsTests::topicName, t -> t));

    @Test
    void shouldDeclareEveryTopicOfTheContracts() {
        assertThat(TOPICS.keySet()).containsExactlyInAnyOrderElementsOf(Topics.ALL);
        assertThat(Topics.ALL).contains(Topics.retryTier(Topics.RETRY_TIERS.get(0)), Topics.DLQ);
    }

    @Test
    void shouldCompactTheStateTopicsOnly() {
        TOPICS.forEach((name, topic) -> assertThat(topic.getSpec().getConfig().get("cleanup.policy")).as(name)
                .isEqualTo(Topics.COMPACTED.contains(name) ? "compact" : "delete"));
    }

    @Test
    void shouldReplicateEveryTopicWithTwoInSync() {
        TOPICS.forEach((name, topic) -> {
            assertThat(topic.getSpec().getReplicas()).as(name + " replicas").isGreaterThanOrEqualTo(3);
            assertThat(topic.getSpec().getConfig().get("min.insync.replicas")).as(name + " min ISR").isEqualTo(2);
            assertThat(topic.getSpec().getPartitions()).as(name + " partitions").isPositive();
            assertThat(topic.getMetadata().getLabels()).containsEntry("strimzi.io/cluster", "herald");
            if (!Topics.COMPACTED.contains(name)) {
                assertThat(((Number) topic.getSpec().getConfig().get("retention.ms")).longValue())
                        .as(name + " retention").isGreaterThanOrEqualTo(24L * 3600 * 1000);
            }
        });
    }

    @Test
    void shouldGiveRetryAndDeadLetterTopicsAtLeastThePartitionsOfDeliveries() {
        int deliveries = TOPICS.get(Topics.DELIVERIES).getSpec().getPartitions();

        for (String tier : Topics.RETRY_TIERS) {
            assertThat(TOPICS.get(Topics.retryTier(tier)).getSpec().getPartitions()).as(tier)
                    .isGreaterThanOrEqualTo(deliveries);
        }
        assertThat(TOPICS.get(Topics.DLQ).getSpec().getPartitions()).isGreaterThanOrEqualTo(deliveries);
    }

    @Test
    void shouldCapDispatchAtTheSamePartitionCountTheChartAssumes() {
        String values = Repo.read(Repo.CHART.resolve("values.yaml"));
        int chartPartitions = Integer.parseInt(values.lines().filter(l -> l.trim().startsWith("deliveriesPartitions:"))
                .findFirst().orElseThrow().split(":")[1].trim());

        assertThat(TOPICS.get(Topics.DELIVERIES).getSpec().getPartitions()).isEqualTo(chartPartitions);
    }

    @Test
    void shouldRunKafkaInKraftModeWithANodePool() {
        Kafka kafka = Manifests.named(KAFKA, Kafka.class, "herald");
        KafkaNodePool pool = Manifests.ofKind(KAFKA, KafkaNodePool.class).get(0);

        assertThat(pool.getSpec().getRoles()).contains(ProcessRoles.CONTROLLER, ProcessRoles.BROKER);
        assertThat(pool.getSpec().getReplicas()).isGreaterThanOrEqualTo(3);
        assertThat(pool.getMetadata().getLabels()).containsEntry("strimzi.io/cluster", "herald");
        assertThat(kafka.getSpec().getKafka().getListeners()).anySatisfy(l -> assertThat(l.getPort()).isEqualTo(9093));
        assertThat(kafka.getSpec().getKafka().getConfig()).containsEntry("min.insync.replicas", 2)
                .containsEntry("auto.create.topics.enable", false);
        assertThat(kafka.getSpec().getEntityOperator().getTopicOperator()).isNotNull();
    }

    @Test
    void shouldLetDispatchFailOverWithinTheSessionAndTransactionTimeoutsTheChartSets() {
        Map<String, Object> config = Manifests.named(KAFKA, Kafka.class, "herald").getSpec().getKafka().getConfig();
        Map<String, String> env = ContainerEnv.of(Renders.DEFAULTS.container("dispatch"), Renders.DEFAULTS.resources());
        int session = Integer.parseInt(env.get("HERALD_DISPATCH_FAILOVER_SESSION_TIMEOUT_MS"));
        int transaction = Integer.parseInt(env.get("HERALD_DISPATCH_FAILOVER_TRANSACTION_TIMEOUT_MS"));

        // Above it, dispatch's consumers could not join their groups at all (and 1 s sessions must stay possible).
        assertThat(((Number) config.get("group.min.session.timeout.ms")).intValue()).as("broker session floor")
                .isLessThanOrEqualTo(Math.min(session, 1000));
        // A killed pod's open fan-out transaction blocks every pod's deliveries until aborted: the brokers look for it
        // far more often than it can time out (Kafka's default scan, every 10 s, would add up to a third of it).
        assertThat(((Number) config.get("transaction.abort.timed.out.transaction.cleanup.interval.ms")).intValue())
                .as("the brokers' scan for timed-out transactions, in ms").isLessThanOrEqualTo(transaction / 10);
        assertThat(Integer.parseInt(env.get("HERALD_DISPATCH_FAILOVER_HEARTBEAT_INTERVAL_MS")))
                .as("heartbeat interval, in ms").isLessThanOrEqualTo(session / 3);
    }

    @Test
    void shouldPointTheChartAtThisKafkaByDefault() {
        Kafka kafka = Manifests.ofKind(KAFKA, Kafka.class).get(0);
        // The one client listener: TLS with SCRAM-SHA-512 (KafkaAclTests checks the users and their ACLs).
        int clientPort = kafka.getSpec().getKafka().getListeners().stream().filter(l -> l.isTls()).findFirst()
                .orElseThrow().getPort();
        Map<String, String> env = ContainerEnv.of(Renders.DEFAULTS.container("dispatch"), Renders.DEFAULTS.resources());
        var kafkaRule = Manifests
                .named(Renders.DEFAULTS.resources(), io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class,
                        "herald-dispatch")
                .getSpec().getEgress().stream()
                .filter(rule -> rule.getPorts().stream().anyMatch(p -> p.getPort().getIntVal() == clientPort))
                .findFirst().orElseThrow();

        assertThat(env).containsEntry("KAFKA_BOOTSTRAP_SERVERS",
                kafka.getMetadata().getName() + "-kafka-bootstrap:" + clientPort);
        assertThat(kafkaRule.getTo().get(0).getPodSelector().getMatchLabels()).containsEntry("strimzi.io/cluster",
                kafka.getMetadata().getName());
    }

    private static String topicName(KafkaTopic topic) {
        return topic.getSpec().getTopicName() != null ? topic.getSpec().getTopicName() : topic.getMetadata().getName();
    }
}
