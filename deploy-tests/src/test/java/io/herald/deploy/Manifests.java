package io.herald.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;

/**
 * Parses rendered manifests strictly: every document must be a kind the Kubernetes, Prometheus Operator or Strimzi
 * model knows, and no object anywhere in it may carry a field the model does not define. The models keep unknown fields
 * in {@code additionalProperties} instead of failing, so every object of the parsed tree is walked and a non-empty
 * {@code additionalProperties} is an error (this is what catches {@code replicaz: 3}).
 */
final class Manifests {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    static {
        for (String version : List.of("kafka.strimzi.io/v1", "kafka.strimzi.io/v1beta2")) {
            SERIALIZATION.registerKubernetesResource(version, "Kafka", Kafka.class);
            SERIALIZATION.registerKubernetesResource(version, "KafkaNodePool", KafkaNodePool.class);
            SERIALIZATION.registerKubernetesResource(version, "KafkaTopic", KafkaTopic.class);
            SERIALIZATION.registerKubernetesResource(version, "KafkaUser", KafkaUser.class);
        }
    }

    private Manifests() {
    }

    /** The documents of a multi-document YAML stream, empty ones (comments only) left out. */
    static List<JsonNode> documents(String yaml) {
        try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            List<JsonNode> result = new ArrayList<>();
            while (docs.hasNext()) {
                JsonNode doc = docs.next();
                if (doc != null && !doc.isNull() && !doc.isMissingNode() && !doc.isEmpty()) {
                    result.add(doc);
                }
            }
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The API group of KEDA's custom resources (ScaledObject), which {@link #parseStrictly} leaves out. */
    static final String KEDA_API_GROUP = "keda.sh";

    /** The documents of {@code yaml} of one apiVersion and kind, as trees. */
    static List<JsonNode> ofApiKind(String yaml, String apiVersion, String kind) {
        return documents(yaml).stream().filter(
                doc -> apiVersion.equals(doc.path("apiVersion").asText()) && kind.equals(doc.path("kind").asText()))
                .toList();
    }

    /**
     * Parses every document strictly; throws an AssertionError naming each unknown kind or field. KEDA's resources are
     * left out (see {@link #KEDA_API_GROUP}).
     */
    static List<HasMetadata> parseStrictly(String yaml) {
        List<HasMetadata> resources = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (JsonNode doc : documents(yaml)) {
            String name = doc.path("kind").asText("?") + "/" + doc.path("metadata").path("name").asText("?");
            if (doc.path("apiVersion").asText().startsWith(KEDA_API_GROUP + "/")) {
                // No Java model exists for KEDA's kinds: KedaScalingTests checks them field by field.
                continue;
            }
            KubernetesResource parsed;
            try {
                parsed = SERIALIZATION.unmarshal(doc.toString());
            } catch (RuntimeException e) {
                Throwable cause = e;
                while (cause.getCause() != null && cause.getCause() != cause) {
                    cause = cause.getCause();
                }
                problems.add(name + ": " + e.getMessage() + " " + cause.getMessage());
                continue;
            }
            if (!(parsed instanceof HasMetadata resource) || parsed instanceof GenericKubernetesResource) {
                problems.add(name + ": " + doc.path("apiVersion").asText() + " " + doc.path("kind").asText()
                        + " is not a kind any known model defines");
                continue;
            }
            unknownFields(resource, name, problems, new IdentityHashMap<>(), 0);
            resources.add(resource);
        }
        if (!problems.isEmpty()) {
            throw new AssertionError("Manifests do not match the API model:\n  " + String.join("\n  ", problems));
        }
        return resources;
    }

    private static void unknownFields(Object value, String path, List<String> problems, Map<Object, Boolean> seen,
            int depth) {
        if (value == null || depth > 60 || value instanceof String || value instanceof Number
                || value instanceof Boolean || value instanceof Enum<?> || seen.put(value, Boolean.TRUE) != null) {
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> unknownFields(v, path + "." + k, problems, seen, depth + 1));
            return;
        }
        if (value instanceof Collection<?> collection) {
            int i = 0;
            for (Object item : collection) {
                unknownFields(item, path + "[" + i++ + "]", problems, seen, depth + 1);
            }
            return;
        }
        String pkg = value.getClass().getPackageName();
        if (!pkg.startsWith("io.fabric8.") && !pkg.startsWith("io.strimzi.")) {
            return;
        }
        for (Method method : value.getClass().getMethods()) {
            if (method.getParameterCount() != 0 || Modifier.isStatic(method.getModifiers())
                    || method.getDeclaringClass() == Object.class) {
                continue;
            }
            String name = method.getName();
            boolean getter = name.startsWith("get") && name.length() > 3 || name.startsWith("is") && name.length() > 2;
            if (!getter) {
                continue;
            }
            Object child;
            try {
                child = method.invoke(value);
            } catch (IllegalAccessException | InvocationTargetException | RuntimeException e) {
                continue;
            }
            if (name.equals("getAdditionalProperties")) {
                if (child instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    problems.add(path + ": unknown field(s) "
                            + extra.keySet().stream().map(String::valueOf).sorted().collect(Collectors.joining(", ")));
                }
                continue;
            }
            unknownFields(child, path + "." + property(name), problems, seen, depth + 1);
        }
    }

    private static String property(String getter) {
        String bare = getter.startsWith("is") ? getter.substring(2) : getter.substring(3);
        return Character.toLowerCase(bare.charAt(0)) + bare.substring(1);
    }

    /** The resources of one kind. */
    static <T extends HasMetadata> List<T> ofKind(List<HasMetadata> resources, Class<T> kind) {
        return resources.stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    /** The one resource of a kind with this name. */
    static <T extends HasMetadata> T named(List<HasMetadata> resources, Class<T> kind, String name) {
        return ofKind(resources, kind).stream().filter(r -> r.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("No " + kind.getSimpleName() + " named " + name + " in "
                        + resources.stream().map(r -> r.getKind() + "/" + r.getMetadata().getName()).toList()));
    }

    static Set<String> kinds(List<HasMetadata> resources) {
        return resources.stream().map(HasMetadata::getKind).collect(Collectors.toSet());
    }
}
