package io.herald.devstack;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * What the services' {@code %dev} profiles (their {@code application.properties}) expect to find running, read from the
 * sources so that {@code ./herald-local --infra-only} starts Kafka and PostgreSQL exactly where {@code quarkus dev}
 * looks for them, with no second copy of those addresses to drift.
 *
 * @param kafkaBootstrapServers the broker every service's dev profile talks to
 * @param databases the dev profile's database per service module that has one
 * @param hs256Secret the HS256 secret the dev profiles verify tokens with
 * @param httpPorts the dev HTTP port per service module
 */
public record DevProfiles(String kafkaBootstrapServers, Map<String, PostgresConnection> databases, String hs256Secret,
        Map<String, Integer> httpPorts) {

    private static final String DEV = "%dev.";

    /** Reads the dev profiles of the three services under {@code repo}. */
    public static DevProfiles read(Path repo) {
        Set<String> brokers = new LinkedHashSet<>();
        Set<String> secrets = new LinkedHashSet<>();
        Map<String, PostgresConnection> databases = new LinkedHashMap<>();
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (String module : ServiceEnv.START_ORDER) {
            Properties properties = load(repo.resolve(module).resolve("src/main/resources/application.properties"));
            brokers.add(dev(properties, "kafka.bootstrap.servers")
                    .orElseThrow(() -> new IllegalStateException(module + " configures no kafka.bootstrap.servers")));
            dev(properties, "herald.auth.hs256-secret").ifPresent(secrets::add);
            dev(properties, "quarkus.datasource.jdbc.url").ifPresent(url -> {
                PostgresConnection parsed = PostgresConnection.parse(url);
                databases.put(module,
                        new PostgresConnection(parsed.host(), parsed.port(), parsed.database(),
                                dev(properties, "quarkus.datasource.username").orElse(parsed.user()),
                                dev(properties, "quarkus.datasource.password").orElse(parsed.password())));
            });
            ports.put(module, Integer.parseInt(dev(properties, "quarkus.http.port").orElse("8080")));
        }
        if (brokers.size() != 1) {
            throw new IllegalStateException("The services' dev profiles disagree on Kafka: " + brokers);
        }
        if (secrets.size() != 1) {
            throw new IllegalStateException("The services' dev profiles disagree on herald.auth.hs256-secret");
        }
        Set<String> servers = new LinkedHashSet<>();
        databases.values().forEach(db -> servers.add(db.host() + ":" + db.port()));
        if (servers.size() > 1) {
            throw new IllegalStateException("The services' dev profiles use several PostgreSQL servers: " + servers);
        }
        return new DevProfiles(brokers.iterator().next(), Map.copyOf(databases), secrets.iterator().next(),
                Map.copyOf(ports));
    }

    /** The Kafka port of the dev profiles ({@code host:port}, the first if several). */
    public int kafkaPort() {
        String first = kafkaBootstrapServers.split(",")[0].trim();
        return Integer.parseInt(first.substring(first.lastIndexOf(':') + 1));
    }

    /** The one PostgreSQL server the dev profiles use, reached through its {@code postgres} database. */
    public PostgresConnection postgresServer() {
        PostgresConnection any = databases.values().iterator().next();
        return any.withDatabase("postgres");
    }

    /** A key's value in the dev profile: {@code %dev.key}, else the key itself. */
    private static Optional<String> dev(Properties properties, String key) {
        String value = properties.getProperty(DEV + key, properties.getProperty(key));
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    private static Properties load(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the dev profile in " + file, e);
        }
        return properties;
    }
}
