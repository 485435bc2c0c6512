package io.herald.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;

/** helm lint, and what the rendered chart guarantees. Every rendering is also parsed strictly (see Manifests). */
class ChartTests {

    private static final List<String> DENIED = List.of("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16",
            "169.254.0.0/16", "100.64.0.0/10");

    @ParameterizedTest
    @EnumSource(Renders.class)
    void shouldPassHelmLint(Renders render) {
        List<String> args = new ArrayList<>(List.of("lint", "--strict", Repo.CHART.toString()));
        args.addAll(render.valuesArgs());
        Tools.Result lint = Tools.helm(args.toArray(String[]::new));

        assertThat(lint.ok()).as("helm lint:%n%s%s", lint.stdout(), lint.stderr()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(Renders.class)
    void shouldRenderOnlyDocumentsTheKubernetesModelAccepts(Renders render) {
        List<HasMetadata> resources = render.resources();

        assertThat(Manifests.kinds(resources)).contains("Deployment", "Service", "ConfigMap", "PodDisruptionBudget",
                "NetworkPolicy", "HorizontalPodAutoscaler", "ServiceAccount", "Job");
        for (String component : Renders.COMPONENTS) {
            String name = render.fullname() + "-" + component;
            Manifests.named(resources, Deployment.class, name);
            Manifests.named(resources, Service.class, name);
            Manifests.named(resources, ConfigMap.class, name);
            Manifests.named(resources, NetworkPolicy.class, name);
        }
    }

    @Test
    void shouldRenderTheOptionalResourcesWhenAskedTo() {
        List<HasMetadata> all = Renders.EVERY_OPTION.resources();

        assertThat(Manifests.ofKind(all, Ingress.class)).extracting(i -> i.getMetadata().getName())
                .containsExactlyInAnyOrder("herald-all-ingest", "herald-all-subscription");
        assertThat(Manifests.ofKind(all, ServiceMonitor.class)).hasSize(3)
                .allSatisfy(sm -> assertThat(sm.getSpec().getEndpoints().get(0).getPath()).isEqualTo("/q/metrics"));
        assertThat(Manifests.ofKind(all, PrometheusRule.class)).hasSize(1);
        assertThat(Manifests.ofKind(all, HorizontalPodAutoscaler.class)).extracting(h -> h.getMetadata().getName())
                .containsExactlyInAnyOrder("herald-all-ingest", "herald-all-dispatch");
        assertThat(Manifests.ofKind(all, PodDisruptionBudget.class)).extracting(p -> p.getMetadata().getName())
                .containsExactlyInAnyOrder("herald-all-ingest", "herald-all-dispatch");
        assertThat(Manifests.ofKind(Renders.DEFAULTS.resources(), Ingress.class)).isEmpty();
        assertThat(Manifests.ofKind(Renders.DEFAULTS.resources(), ServiceMonitor.class)).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Renders.class)
    void shouldProbeEveryServiceOnItsQuarkusHealthEndpoints(Renders render) {
        for (String component : Renders.COMPONENTS) {
            Container container = render.container(component);

            assertThat(path(container.getReadinessProbe())).as(component + " readiness").isEqualTo("/q/health/ready");
            assertThat(path(container.getLivenessProbe())).as(component + " liveness").isEqualTo("/q/health/live");
            assertThat(path(container.getStartupProbe())).as(component + " startup").isEqualTo("/q/health/started");
            assertThat(container.getReadinessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("http");
            assertThat(container.getPorts()).singleElement().satisfies(p -> assertThat(p.getName()).isEqualTo("http"));
            assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
            assertThat(container.getResources().getLimits()).containsKey("memory");
        }
    }

    @Test
    void shouldListenOnEachServicesOwnPort() {
        assertThat(Renders.DEFAULTS.container("ingest").getPorts().get(0).getContainerPort()).isEqualTo(8081);
        assertThat(Renders.DEFAULTS.container("subscription").getPorts().get(0).getContainerPort()).isEqualTo(8082);
        assertThat(Renders.DEFAULTS.container("dispatch").getPorts().get(0).getContainerPort()).isEqualTo(8083);
        assertThat(env(Renders.DEFAULTS, "dispatch")).containsEntry("QUARKUS_HTTP_PORT", "8083");
    }

    @ParameterizedTest
    @EnumSource(Renders.class)
    void shouldRunNoContainerAsRootAndOnlyWriteToTmp(Renders render) {
        assertThat(pods(render.resources())).hasSize(5);
        assertNoRootAndReadOnly(render.resources());
    }

    @Test
    void shouldNoticeAContainerRunningAsRoot() {
        List<HasMetadata> root = Manifests.parseStrictly(Renders.template("--set",
                "dispatch.containerSecurityContext.runAsUser=0", "--set", "dispatch.podSecurityContext.runAsUser=0"));
        List<HasMetadata> writable = Manifests.parseStrictly(
                Renders.template("--set", "ingest.containerSecurityContext.readOnlyRootFilesystem=false"));

        assertThatThrownBy(() -> assertNoRootAndReadOnly(root)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("dispatch runAsUser");
        assertThatThrownBy(() -> assertNoRootAndReadOnly(writable)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("ingest read-only root");
    }

    private static List<PodSpec> pods(List<HasMetadata> resources) {
        List<PodSpec> pods = new ArrayList<>();
        Manifests.ofKind(resources, Deployment.class).forEach(d -> pods.add(d.getSpec().getTemplate().getSpec()));
        Manifests.ofKind(resources, Job.class).forEach(j -> pods.add(j.getSpec().getTemplate().getSpec()));
        return pods;
    }

    private static void assertNoRootAndReadOnly(List<HasMetadata> resources) {
        for (PodSpec pod : pods(resources)) {
            PodSecurityContext podContext = pod.getSecurityContext();
            assertThat(pod.getContainers()).isNotEmpty();
            for (Container container : pod.getContainers()) {
                SecurityContext context = container.getSecurityContext();
                Boolean nonRoot = context.getRunAsNonRoot() != null ? context.getRunAsNonRoot()
                        : podContext.getRunAsNonRoot();
                Long user = context.getRunAsUser() != null ? context.getRunAsUser() : podContext.getRunAsUser();
                assertThat(nonRoot).as(container.getName() + " runAsNonRoot").isTrue();
                assertThat(user).as(container.getName() + " runAsUser").isNotNull().isNotZero();
                assertThat(podContext.getRunAsUser()).as(container.getName() + " runAsUser (pod)").isNotZero();
                assertThat(context.getReadOnlyRootFilesystem()).as(container.getName() + " read-only root").isTrue();
                assertThat(context.getAllowPrivilegeEscalation()).isFalse();
                assertThat(context.getCapabilities().getDrop()).contains("ALL");
                assertThat(container.getVolumeMounts()).anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
            }
            assertThat(pod.getVolumes()).anySatisfy(v -> assertThat(v.getEmptyDir()).isNotNull());
            assertThat(pod.getAutomountServiceAccountToken()).isFalse();
        }
    }

    @Test
    void shouldSpreadPodsOverZonesAndNodes() {
        for (String component : Renders.COMPONENTS) {
            var spread = Renders.DEFAULTS.deployment(component).getSpec().getTemplate().getSpec()
                    .getTopologySpreadConstraints();

            assertThat(spread).extracting(c -> c.getTopologyKey())
                    .containsExactlyInAnyOrder("topology.kubernetes.io/zone", "kubernetes.io/hostname");
            assertThat(spread).allSatisfy(c -> assertThat(c.getLabelSelector().getMatchLabels())
                    .containsEntry("app.kubernetes.io/component", component));
        }
    }

    @ParameterizedTest
    @EnumSource(value = Renders.class, names = { "DEFAULTS", "PRODUCTION" })
    void shouldKeepTheSsrfPolicyOnUnlessCidrsAreListed(Renders render) {
        for (String component : List.of("subscription", "dispatch")) {
            Map<String, String> env = env(render, component);
            String prefix = "HERALD_" + component.toUpperCase() + "_EGRESS_ALLOW_";

            assertThat(env.getOrDefault(prefix + "CIDRS", "")).as(component).isEmpty();
            assertThat(env.getOrDefault(prefix + "LOOPBACK", "false")).as(component).isEqualTo("false");
        }
    }

    @Test
    void shouldPassListedEgressCidrsToSubscriptionAndDispatch() {
        for (String component : List.of("subscription", "dispatch")) {
            assertThat(env(Renders.EVERY_OPTION, component)).containsEntry(
                    "HERALD_" + component.toUpperCase() + "_EGRESS_ALLOW_CIDRS", "10.1.0.0/16,192.168.5.0/24");
        }
        assertThat(env(Renders.EVERY_OPTION, "ingest")).doesNotContainKey("HERALD_INGEST_EGRESS_ALLOW_CIDRS");
    }

    @ParameterizedTest
    @EnumSource(value = Renders.class, names = { "DEFAULTS", "PRODUCTION" })
    void shouldLeaveTracingOffUnlessACollectorIsGiven(Renders render) {
        for (String component : List.of("ingest", "subscription", "dispatch")) {
            assertThat(env(render, component).keySet()).as(component)
                    .noneMatch(name -> name.startsWith("QUARKUS_OTEL_"));
        }
    }

    @Test
    void shouldExportEveryServicesTracesToTheGivenCollectorAndLetItReachIt() {
        for (String component : List.of("ingest", "subscription", "dispatch")) {
            assertThat(env(Renders.EVERY_OPTION, component)).as(component)
                    .containsEntry("QUARKUS_OTEL_SDK_DISABLED", "false")
                    .containsEntry("QUARKUS_OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
                            "http://otel-collector.observability:4318")
                    .containsEntry("QUARKUS_OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "http/protobuf")
                    .containsEntry("QUARKUS_OTEL_TRACES_SAMPLER", "parentbased_traceidratio")
                    .containsEntry("QUARKUS_OTEL_TRACES_SAMPLER_ARG", "0.25");
        }
        List<NetworkPolicy> policies = Manifests.ofKind(Renders.EVERY_OPTION.resources(), NetworkPolicy.class);
        assertThat(policies).hasSize(3)
                .allSatisfy(policy -> assertThat(policy.getSpec().getEgress()).anySatisfy(rule -> {
                    assertThat(rule.getPorts()).extracting(p -> p.getPort().getIntVal()).containsExactly(4318);
                    assertThat(rule.getTo().get(0).getNamespaceSelector().getMatchLabels())
                            .containsEntry("kubernetes.io/metadata.name", "observability");
                }));
    }

    @Test
    void shouldCapDispatchReplicasAtThePartitionsOfDeliveries() {
        List<HasMetadata> resources = Manifests.parseStrictly(Renders.template("--set",
                "dispatch.autoscaling.hpa.maxReplicas=50", "--set", "kafka.deliveriesPartitions=6"));

        HorizontalPodAutoscaler dispatch = Manifests.named(resources, HorizontalPodAutoscaler.class, "herald-dispatch");
        assertThat(dispatch.getSpec().getMaxReplicas()).isEqualTo(6);
        assertThat(
                Manifests.named(resources, HorizontalPodAutoscaler.class, "herald-ingest").getSpec().getMaxReplicas())
                        .isEqualTo(10);
        assertThat(Manifests.named(Renders.PRODUCTION.resources(), HorizontalPodAutoscaler.class, "herald-dispatch")
                .getSpec().getMaxReplicas()).isEqualTo(24);
        // No Deployment replicas while the HPA owns the count.
        assertThat(Renders.DEFAULTS.deployment("dispatch").getSpec().getReplicas()).isNull();
        assertThat(Renders.DEFAULTS.deployment("subscription").getSpec().getReplicas()).isEqualTo(2);
    }

    @ParameterizedTest
    @EnumSource(Renders.class)
    void shouldLetDispatchReachThePublicInternetButNoPrivateRangeOrMetadata(Renders render) {
        NetworkPolicy dispatch = Manifests.named(render.resources(), NetworkPolicy.class,
                render.fullname() + "-dispatch");

        assertThat(dispatch.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
        List<NetworkPolicyPeer> ipPeers = dispatch.getSpec().getEgress().stream().flatMap(rule -> rule.getTo().stream())
                .filter(peer -> peer.getIpBlock() != null).toList();
        assertThat(ipPeers).singleElement().satisfies(peer -> {
            assertThat(peer.getIpBlock().getCidr()).isEqualTo("0.0.0.0/0");
            assertThat(peer.getIpBlock().getExcept()).containsAll(DENIED);
        });
        // Only Prometheus may call dispatch; it has no API.
        for (NetworkPolicyIngressRule rule : dispatch.getSpec().getIngress()) {
            assertThat(rule.getFrom()).allSatisfy(peer -> assertThat(peer.getNamespaceSelector()).isNotNull());
        }
        List<Integer> egressPorts = dispatch.getSpec().getEgress().stream()
                .flatMap(rule -> rule.getPorts() == null ? java.util.stream.Stream.empty() : rule.getPorts().stream())
                .map(p -> p.getPort().getIntVal()).toList();
        assertThat(egressPorts).contains(53, 9093);
    }

    @ParameterizedTest
    @EnumSource(value = Renders.class, names = { "DEFAULTS", "PRODUCTION" })
    void shouldAdmitApiTrafficOnlyFromTheIngressControllerNamespace(Renders render) {
        for (String component : List.of("ingest", "subscription")) {
            NetworkPolicy policy = Manifests.named(render.resources(), NetworkPolicy.class,
                    render.fullname() + "-" + component);

            List<NetworkPolicyIngressRule> rules = policy.getSpec().getIngress();
            assertThat(rules).isNotEmpty()
                    .allSatisfy(rule -> assertThat(rule.getFrom()).singleElement().satisfies(peer -> {
                        assertThat(peer.getIpBlock()).isNull();
                        assertThat(peer.getPodSelector()).isNull();
                        assertThat(peer.getNamespaceSelector().getMatchLabels()).isNotEmpty();
                    }));
            assertThat(rules.get(0).getFrom().get(0).getNamespaceSelector().getMatchLabels())
                    .containsEntry("kubernetes.io/metadata.name", "ingress-nginx");
            List<NetworkPolicyEgressRule> egress = policy.getSpec().getEgress();
            assertThat(egress).allSatisfy(rule -> assertThat(rule.getTo()).allSatisfy(
                    peer -> assertThat(peer.getIpBlock() == null || !peer.getIpBlock().getCidr().equals("0.0.0.0/0"))
                            .isTrue()));
        }
    }

    @Test
    void shouldTakeCredentialsFromExistingSecretsWithoutRenderingAny() {
        List<HasMetadata> production = Renders.PRODUCTION.resources();

        assertThat(Manifests.ofKind(production, Secret.class)).isEmpty();
        assertThat(env(Renders.PRODUCTION, "subscription"))
                .containsEntry("QUARKUS_DATASOURCE_PASSWORD", "secret:herald-db/password")
                .containsEntry("HERALD_SUBSCRIPTION_SECRETS_ENCRYPTION_KEY", "secret:herald-encryption/key")
                .containsEntry("HERALD_AUTH_JWKS_URL", "https://login.example.com/.well-known/jwks.json")
                .containsEntry("QUARKUS_DATASOURCE_JDBC_URL",
                        "jdbc:postgresql://herald.abcdefghij.eu-west-1.rds.amazonaws.com:5432/herald?sslmode=require")
                // postgresql.sslMode reaches the reactive client too, not only Flyway's JDBC driver.
                .containsEntry("QUARKUS_DATASOURCE_REACTIVE_URL",
                        "postgresql://herald.abcdefghij.eu-west-1.rds.amazonaws.com:5432/herald?sslmode=require");
        assertThat(env(Renders.PRODUCTION, "ingest")).doesNotContainKey("HERALD_AUTH_HS256_SECRET");
        assertThat(env(Renders.PRODUCTION, "dispatch")).doesNotContainKeys("QUARKUS_DATASOURCE_PASSWORD",
                "HERALD_AUTH_HS256_SECRET");
        // Dispatch opens the endpoint secrets subscription seals on herald.endpoints: the same keyring.
        assertThat(env(Renders.PRODUCTION, "dispatch")).containsEntry("HERALD_DISPATCH_SECRETS_ENCRYPTION_KEY",
                "secret:herald-encryption/key");
        assertThat(env(Renders.PRODUCTION, "ingest")).doesNotContainKeys("HERALD_DISPATCH_SECRETS_ENCRYPTION_KEY",
                "HERALD_SUBSCRIPTION_SECRETS_ENCRYPTION_KEY");
    }

    @Test
    void shouldGenerateMissingSecretsAndKeepTheEncryptionKeyOnUninstall() {
        List<HasMetadata> defaults = Renders.DEFAULTS.resources();

        Secret auth = Manifests.named(defaults, Secret.class, "herald-auth");
        assertThat(decode(auth.getData().get("hs256-secret"))).hasSizeGreaterThanOrEqualTo(32);
        Secret encryption = Manifests.named(defaults, Secret.class, "herald-encryption");
        assertThat(java.util.Base64.getDecoder().decode(decode(encryption.getData().get("encryption-key"))))
                .hasSize(32);
        assertThat(encryption.getMetadata().getAnnotations()).containsEntry("helm.sh/resource-policy", "keep");
        assertThat(env(Renders.DEFAULTS, "ingest")).containsEntry("HERALD_AUTH_HS256_SECRET",
                "secret:herald-auth/hs256-secret");
    }

    @Test
    void shouldMigrateTheSchemaInAHookJobBeforeAnUpgrade() {
        List<Job> jobs = Manifests.ofKind(Renders.DEFAULTS.resources(), Job.class);

        assertThat(jobs).extracting(j -> j.getMetadata().getName()).containsExactlyInAnyOrder("herald-ingest-migrate",
                "herald-subscription-migrate");
        for (Job job : jobs) {
            assertThat(job.getMetadata().getAnnotations()).containsEntry("helm.sh/hook", "post-install,pre-upgrade");
            Container container = job.getSpec().getTemplate().getSpec().getContainers().get(0);
            Map<String, String> env = ContainerEnv.of(container, Renders.DEFAULTS.resources());
            assertThat(env).containsEntry("QUARKUS_INIT_AND_EXIT", "true")
                    .containsEntry("QUARKUS_FLYWAY_MIGRATE_AT_START", "true")
                    .containsKeys("QUARKUS_DATASOURCE_JDBC_URL", "QUARKUS_DATASOURCE_PASSWORD");
            assertThat(container.getEnv()).extracting(e -> e.getName()).doesNotHaveDuplicates();
            assertThat(job.getSpec().getTemplate().getSpec().getRestartPolicy()).isEqualTo("Never");
        }
        assertThat(Renders.template("--set", "migrations.job.enabled=false")).doesNotContain("kind: Job");
    }

    @Test
    void shouldRejectValuesTheSchemaDoesNotKnow() {
        Tools.Result typo = Tools.helm("template", "x", Repo.CHART.toString(), "--set", "ingest.replicaz=3");
        Tools.Result wrongType = Tools.helm("template", "x", Repo.CHART.toString(), "--set",
                "dispatch.autoscaling.hpa.enabled=maybe");

        assertThat(typo.ok()).isFalse();
        assertThat(typo.stderr()).contains("replicaz");
        assertThat(wrongType.ok()).isFalse();
    }

    private static Map<String, String> env(Renders render, String component) {
        return ContainerEnv.of(render.container(component), render.resources());
    }

    private static String path(Probe probe) {
        assertThat(probe).isNotNull();
        return probe.getHttpGet().getPath();
    }

    private static String decode(String base64) {
        return new String(java.util.Base64.getDecoder().decode(base64), java.nio.charset.StandardCharsets.UTF_8);
    }
}
