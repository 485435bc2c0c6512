package io.herald.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.strimzi.api.kafka.model.topic.KafkaTopic;

/** k8s/: the committed rendering of the chart is current, and the kustomization builds valid manifests. */
class KustomizeTests {

    @Test
    void shouldCommitTheChartAsRenderedByRenderSh() {
        Path fresh = Repo.TARGET.resolve("render/herald.yaml");
        Tools.Result render = Tools.run(List.of("env", "HELM=" + Tools.helm(),
                Repo.K8S.resolve("herald/render.sh").toString(), fresh.toString()), 60);
        assertThat(render.ok()).as(render.stderr()).isTrue();

        List<String> committed = Repo.read(Repo.K8S.resolve("herald/herald.yaml")).lines().toList();
        List<String> rendered = Repo.read(fresh).lines().toList();
        int line = 0;
        while (line < Math.min(committed.size(), rendered.size()) && committed.get(line).equals(rendered.get(line))) {
            line++;
        }
        assertThat(committed.equals(rendered)).as(
                "k8s/herald/herald.yaml is stale: run k8s/herald/render.sh and commit the result. First difference at"
                        + " line %d: committed [%s], rendered [%s]",
                line + 1, line < committed.size() ? committed.get(line) : "",
                line < rendered.size() ? rendered.get(line) : "").isTrue();
    }

    @Test
    void shouldBuildTheKustomizationIntoValidManifestsInOneNamespace() {
        Tools.Result build = Tools.run(List.of(Tools.kubectl().toString(), "kustomize", Repo.K8S.toString()), 60);
        assertThat(build.ok()).as(build.stderr()).isTrue();

        List<HasMetadata> resources = Manifests.parseStrictly(build.stdout());

        assertThat(resources).allSatisfy(r -> assertThat(r.getMetadata().getNamespace()).isEqualTo("herald"));
        assertThat(Manifests.ofKind(resources, Deployment.class)).hasSize(3);
        assertThat(Manifests.ofKind(resources, KafkaTopic.class)).hasSize(io.herald.contracts.Topics.ALL.size());
        // No credentials and no hook Jobs in the committed rendering.
        assertThat(Manifests.ofKind(resources, Secret.class)).isEmpty();
        assertThat(Manifests.ofKind(resources, Job.class)).isEmpty();
    }
}
