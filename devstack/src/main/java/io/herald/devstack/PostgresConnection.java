package io.herald.devstack;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;

/** Where a PostgreSQL database is, in the forms the services' configuration wants. */
public record PostgresConnection(String host, int port, String database, String user, String password) {

    /**
     * Parses {@code jdbc:postgresql://host[:port]/database[?user=..&password=..]}; user defaults to {@code postgres}
     * and password to empty (trust auth).
     */
    public static PostgresConnection parse(String jdbcUrl) {
        if (!jdbcUrl.startsWith("jdbc:postgresql://")) {
            throw new IllegalArgumentException("Expected jdbc:postgresql://host:port/database, got " + jdbcUrl);
        }
        URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
        Map<String, String> params = new HashMap<>();
        if (uri.getQuery() != null) {
            for (String pair : uri.getQuery().split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    params.put(pair.substring(0, eq), pair.substring(eq + 1));
                }
            }
        }
        String database = uri.getPath() == null || uri.getPath().length() <= 1 ? "postgres"
                : uri.getPath().substring(1);
        return new PostgresConnection(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 5432, database,
                params.getOrDefault("user", "postgres"), params.getOrDefault("password", ""));
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    /** The Vert.x reactive client's URL form. */
    public String reactiveUrl() {
        return "postgresql://" + host + ":" + port + "/" + database;
    }

    public PostgresConnection withDatabase(String name) {
        return new PostgresConnection(host, port, name, user, password);
    }

    /** Quarkus datasource configuration for this database. */
    public Map<String, String> quarkusConfig() {
        return Map.of("quarkus.datasource.jdbc.url", jdbcUrl(), "quarkus.datasource.reactive.url", reactiveUrl(),
                "quarkus.datasource.username", user, "quarkus.datasource.password", password);
    }

    /** The same as environment variables, for a service started as a process. */
    public Map<String, String> quarkusEnv() {
        return Map.of("QUARKUS_DATASOURCE_JDBC_URL", jdbcUrl(), "QUARKUS_DATASOURCE_REACTIVE_URL", reactiveUrl(),
                "QUARKUS_DATASOURCE_USERNAME", user, "QUARKUS_DATASOURCE_PASSWORD", password);
    }

    @Override
    public String toString() {
        return "PostgresConnection[" + jdbcUrl() + ", user=" + user + "]";
    }
}
