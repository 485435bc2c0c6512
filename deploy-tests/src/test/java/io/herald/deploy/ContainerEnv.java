package io.herald.deploy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * The environment a rendered container gets: its {@code env} entries and the keys of the chart's own ConfigMaps it
 * loads with {@code envFrom}. Values from Secrets read as {@code secret:<name>/<key>}.
 */
final class ContainerEnv {

    private ContainerEnv() {
    }

    static Map<String, String> of(Container container, List<HasMetadata> resources) {
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvFromSource from : container.getEnvFrom() == null ? List.<EnvFromSource> of() : container.getEnvFrom()) {
            if (from.getConfigMapRef() != null) {
                String name = from.getConfigMapRef().getName();
                Manifests.ofKind(resources, ConfigMap.class).stream()
                        .filter(cm -> cm.getMetadata().getName().equals(name)).findFirst()
                        .ifPresent(cm -> env.putAll(cm.getData()));
            }
        }
        for (EnvVar var : container.getEnv() == null ? List.<EnvVar> of() : container.getEnv()) {
            if (var.getValueFrom() != null && var.getValueFrom().getSecretKeyRef() != null) {
                env.put(var.getName(), "secret:" + var.getValueFrom().getSecretKeyRef().getName() + "/"
                        + var.getValueFrom().getSecretKeyRef().getKey());
            } else if (var.getValueFrom() != null) {
                env.put(var.getName(), "from:" + var.getValueFrom());
            } else {
                env.put(var.getName(), var.getValue());
            }
        }
        return env;
    }

    /** Names of the ConfigMaps and Secrets the container loads whole with envFrom. */
    static List<String> envFromNames(Container container) {
        return container.getEnvFrom() == null ? List.of()
                : container.getEnvFrom().stream()
                        .map(f -> f.getConfigMapRef() != null ? "configmap:" + f.getConfigMapRef().getName()
                                : "secret:" + f.getSecretRef().getName())
                        .toList();
    }
}
