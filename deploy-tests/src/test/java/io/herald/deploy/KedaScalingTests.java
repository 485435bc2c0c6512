package io.herald.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;

/**
 * The optional KEDA ScaledObject scales dispatch on its consumer lag. No Java model exists for KEDA's kinds, so its
 * fields are checked against the ones KEDA's ScaledObject and Kafka scaler define.
 */
class KedaScalingTests {

    private static final String API_VERSION = "keda.sh/v1alpha1";
    private static final Set<String> SPEC_FIELDS = Set.of("scaleTargetRef", "pollingInterval", "cooldownPeriod",
            "initialCooldownPeriod", "idleReplicaCount", "minReplicaCount", "maxReplicaCount", "fallback", "advanced",
            "triggers");
    private static final Set<String> TRIGGER_FIELDS = Set.of("type", "name", "metadata", "authenticationRef",
            "metricType", "useCachedMetrics");
    private static final Set<String> KAFKA_SCALER_FIELDS = Set.of("bootstrapServers", "consumerGroup", "topic",
            "lagThreshold", "activationLagThreshold", "offsetResetPolicy", "allowIdleConsumers", "excludePersistentLag",
            "scaleToZeroOnInvalidOffset", "limitToPartitionsWithLag", "partitionLimitation", "version", "sasl", "tls");

    @Test
    void shouldRenderNoScaledObjectByDefault() {
        assertThat(Manifests.ofApiKind(Renders.DEFAULTS.yaml(), API_VERSION, "ScaledObject")).isEmpty();
        assertThat(Manifests.ofApiKind(Renders.PRODUCTION.yaml(), API_VERSION, "ScaledObject")).isEmpty();
    }

    @Test
    void shouldScaleDispatchOnTheLagOfBothItsGroupsInsteadOfTheCpuAutoscaler() {
        String yaml = Renders.template("--set", "dispatch.autoscaling.keda.enabled=true", "--set",
                "dispatch.autoscaling.keda.maxReplicas=50", "--set", "kafka.deliveriesPartitions=6", "--set",
                "dispatch.autoscaling.keda.authenticationRef=kafka-sasl");
        List<HasMetadata> resources = Manifests.parseStrictly(yaml);
        List<JsonNode> scaledObjects = Manifests.ofApiKind(yaml, API_VERSION, "ScaledObject");

        assertThat(scaledObjects).hasSize(1);
        JsonNode scaled = scaledObjects.get(0);
        assertThat(scaled.path("metadata").path("name").asText()).isEqualTo("herald-dispatch");
        assertThat(scaled.path("metadata").path("namespace").asText()).isEqualTo(Renders.NAMESPACE);
        JsonNode spec = scaled.path("spec");
        assertThat(fieldNames(spec)).isSubsetOf(SPEC_FIELDS);
        assertThat(spec.path("scaleTargetRef").path("name").asText()).isEqualTo("herald-dispatch");
        assertThat(spec.path("scaleTargetRef").path("kind").asText()).isEqualTo("Deployment");
        // Capped at the partitions of herald.deliveries, as the HPA is.
        assertThat(spec.path("maxReplicaCount").asInt()).isEqualTo(6);
        assertThat(spec.path("minReplicaCount").asInt()).isEqualTo(2);
        List<JsonNode> triggers = new ArrayList<>();
        spec.path("triggers").forEach(triggers::add);
        assertThat(triggers)
                .extracting(t -> t.path("metadata").path("consumerGroup").asText() + " "
                        + t.path("metadata").path("topic").asText())
                .containsExactly("herald-dispatch-delivery herald.deliveries", "herald-dispatch-fanout herald.events");
        for (JsonNode trigger : triggers) {
            assertThat(fieldNames(trigger)).isSubsetOf(TRIGGER_FIELDS);
            assertThat(trigger.path("type").asText()).isEqualTo("kafka");
            assertThat(fieldNames(trigger.path("metadata"))).isSubsetOf(KAFKA_SCALER_FIELDS);
            // KEDA takes every scaler setting as a string.
            trigger.path("metadata").forEach(value -> assertThat(value.isTextual()).as(value.toString()).isTrue());
            assertThat(trigger.path("metadata").path("bootstrapServers").asText())
                    .isEqualTo("herald-kafka-bootstrap:9093");
            assertThat(trigger.path("authenticationRef").path("name").asText()).isEqualTo("kafka-sasl");
        }
        assertThat(triggers.get(0).path("metadata").path("lagThreshold").asText()).isEqualTo("5000");
        // Two autoscalers on one Deployment would fight: the CPU HPA of dispatch is gone, ingest keeps its own.
        assertThat(Manifests.ofKind(resources, HorizontalPodAutoscaler.class))
                .extracting(h -> h.getMetadata().getName()).containsExactly("herald-ingest");
        Deployment dispatch = Manifests.named(resources, Deployment.class, "herald-dispatch");
        assertThat(dispatch.getSpec().getReplicas()).as("no replica count while KEDA owns it").isNull();
    }

    @Test
    void shouldRefuseToScaleOnSecuredBrokersWithoutTheirCredentials() {
        Tools.Result failed = Tools.helm("template", Renders.RELEASE, Repo.CHART.toString(), "--set",
                "dispatch.autoscaling.keda.enabled=true");

        assertThat(failed.ok()).isFalse();
        assertThat(failed.stderr()).contains("dispatch.autoscaling.keda.authenticationRef");
        assertThat(
                Manifests.ofApiKind(
                        Renders.template("--set", "dispatch.autoscaling.keda.enabled=true", "--set",
                                "kafka.tls.enabled=false", "--set", "kafka.authentication.type=none"),
                        API_VERSION, "ScaledObject")).hasSize(1);
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
