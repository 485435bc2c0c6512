package io.herald.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.fabric8.kubernetes.api.model.Container;

/**
 * Every environment variable a service reads can be set from the chart's values.
 * <p>
 * The keys come from the service itself (see {@link ServiceConfiguration}). The rule:
 * <ul>
 * <li>Herald's own keys ({@code herald.*}: every {@code @ConfigMapping} property, every injected or
 * application.properties {@code herald.*} key), the Kafka bootstrap servers, the HTTP port, the datasource of a service
 * with a database and every {@code ${VAR}} its properties expand must each have an explicit value: the container's
 * environment (env or the chart's ConfigMap) must carry the variable when every option is on.</li>
 * <li>Every other key (Quarkus, SmallRye Reactive Messaging and Kafka client tuning: {@code quarkus.*},
 * {@code mp.messaging.*}) and map-valued keys whose names the user picks are set through the component's
 * {@code extraEnvVars}, {@code extraEnvVarsCM} or {@code extraEnvVarsSecret}, which must reach the container.</li>
 * </ul>
 * And the other way round: every {@code HERALD_*} variable the chart sets must be one the service reads, so a typo in
 * values.yaml cannot be silently ignored.
 */
class ServiceConfigurationTests {

    /** Variables Kubernetes provides itself. */
    private static final Set<String> PROVIDED_BY_KUBERNETES = Set.of("HOSTNAME", "POD_NAME");

    @ParameterizedTest
    @ValueSource(strings = { "ingest", "subscription", "dispatch" })
    void shouldLetValuesSetEveryVariableTheServiceReads(String component) {
        ServiceConfiguration config = ServiceConfiguration.of(component);
        Map<String, String> env = ContainerEnv.of(Renders.EVERY_OPTION.container(component),
                Renders.EVERY_OPTION.resources());

        Set<String> missing = new TreeSet<>();
        for (String variable : explicitVariables(config)) {
            if (!env.containsKey(variable) && !PROVIDED_BY_KUBERNETES.contains(variable)) {
                missing.add(variable);
            }
        }

        assertThat(missing).as("""
                %s reads these variables but the chart never sets them: add the key to values.yaml (%s.config, with a \
                ## @param line) or to the chart's configEnv/secretEnv helpers""", component, component).isEmpty();
        assertThat(explicitVariables(config)).as("the check found the service's keys").hasSizeGreaterThan(3);
    }

    @ParameterizedTest
    @ValueSource(strings = { "ingest", "subscription", "dispatch" })
    void shouldSetOnlyHeraldVariablesTheServiceReads(String component) {
        ServiceConfiguration config = ServiceConfiguration.of(component);
        List<Pattern> known = heraldKeys(config).stream().map(ServiceConfiguration.Key::envPattern).toList();

        for (Renders render : List.of(Renders.DEFAULTS, Renders.PRODUCTION)) {
            Set<String> unknown = new TreeSet<>();
            ContainerEnv.of(render.container(component), render.resources()).keySet().stream()
                    .filter(name -> name.startsWith("HERALD_"))
                    .filter(name -> known.stream().noneMatch(p -> p.matcher(name).matches())).forEach(unknown::add);

            assertThat(unknown)
                    .as("%s (%s) gets variables it does not read: a stale or misspelt values key", component, render)
                    .isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "ingest", "subscription", "dispatch" })
    void shouldDefaultEveryValueToWhatTheServiceUsesWithoutIt(String component) {
        ServiceConfiguration config = ServiceConfiguration.of(component);
        Map<String, String> env = ContainerEnv.of(Renders.DEFAULTS.container(component), Renders.DEFAULTS.resources());

        List<String> differing = new java.util.ArrayList<>();
        int compared = 0;
        for (ServiceConfiguration.Key key : heraldKeys(config)) {
            String serviceDefault = config.productionDefault(key.name());
            String chartDefault = env.get(key.envName());
            if (serviceDefault == null || chartDefault == null || chartDefault.startsWith("secret:")) {
                continue;
            }
            compared++;
            if (!chartDefault.equals(serviceDefault)) {
                differing.add(key.name() + ": chart " + chartDefault + ", service " + serviceDefault);
            }
        }

        assertThat(differing).as("values.yaml documents defaults the %s service does not use", component).isEmpty();
        assertThat(compared).isGreaterThan(1);
    }

    @ParameterizedTest
    @ValueSource(strings = { "ingest", "subscription", "dispatch" })
    void shouldPassExtraVariablesToTheContainerForEveryOtherKey(String component) {
        Container container = Renders.EVERY_OPTION.container(component);

        assertThat(ContainerEnv.of(container, Renders.EVERY_OPTION.resources()))
                .containsEntry("HERALD_EXTRA_" + component.toUpperCase(), "1");
        assertThat(ContainerEnv.envFromNames(container)).hasSizeGreaterThan(1);
        // extraEnvVars come last: they override what the chart sets.
        assertThat(container.getEnv().get(container.getEnv().size() - 1).getName())
                .isEqualTo("HERALD_EXTRA_" + component.toUpperCase());
    }

    @Test
    void shouldFindTheKeysOfEachServiceFromItsOwnCode() {
        ServiceConfiguration dispatch = ServiceConfiguration.of("dispatch");
        ServiceConfiguration ingest = ServiceConfiguration.of("ingest");

        assertThat(dispatch.mappingKeys).extracting(ServiceConfiguration.Key::name)
                .contains("herald.dispatch.http.connect-timeout-ms");
        assertThat(ingest.mappingKeys).extracting(ServiceConfiguration.Key::name)
                .contains("herald.ingest.publish-timeout-ms", "herald.auth.hs256-secret");
        assertThat(dispatch.mappingKeys).extracting(ServiceConfiguration.Key::name)
                .noneMatch(key -> key.startsWith("herald.auth."));
        assertThat(ServiceConfiguration.toEnvName("herald.dispatch.http.connect-timeout-ms"))
                .isEqualTo("HERALD_DISPATCH_HTTP_CONNECT_TIMEOUT_MS");
    }

    /** The keys that need an explicit value, as environment variable names. */
    static Set<String> explicitVariables(ServiceConfiguration config) {
        Set<String> variables = new TreeSet<>();
        heraldKeys(config).stream().filter(k -> !k.isPattern()).forEach(k -> variables.add(k.envName()));
        Set<String> propertyKeys = config.productionPropertyKeys();
        for (String infrastructure : List.of("kafka.bootstrap.servers", "kafka.security.protocol",
                "quarkus.http.port")) {
            if (propertyKeys.contains(infrastructure)) {
                variables.add(ServiceConfiguration.toEnvName(infrastructure));
            }
        }
        if (propertyKeys.contains("quarkus.datasource.db-kind")) {
            variables.addAll(List.of("QUARKUS_DATASOURCE_REACTIVE_URL", "QUARKUS_DATASOURCE_JDBC_URL",
                    "QUARKUS_DATASOURCE_USERNAME", "QUARKUS_DATASOURCE_PASSWORD"));
        }
        variables.addAll(config.expandedEnvVars);
        return variables;
    }

    /** Herald's own keys: mappings, injected and application.properties keys under herald.*. */
    static List<ServiceConfiguration.Key> heraldKeys(ServiceConfiguration config) {
        List<ServiceConfiguration.Key> keys = new java.util.ArrayList<>(config.mappingKeys);
        config.injectedKeys.stream().filter(k -> k.name().startsWith("herald.")).forEach(keys::add);
        config.productionPropertyKeys().stream().filter(k -> k.startsWith("herald."))
                .forEach(k -> keys.add(new ServiceConfiguration.Key(k, "application.properties")));
        return keys;
    }
}
