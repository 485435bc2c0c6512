package io.herald.devstack;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the three services are wired when they run as processes, in one place for the local launcher and the end-to-end
 * tests: the environment each one gets (the HTTP port is added by {@link ServiceProcess}).
 *
 * @param kafkaBootstrapServers the broker every service talks to
 * @param database the database: subscription-service's tables, and ingest-service's idempotency keys in its own schema
 * @param hs256Secret the HS256 secret bearer tokens are signed with
 */
public record ServiceEnv(String kafkaBootstrapServers, PostgresConnection database, String hs256Secret) {

    public static final String INGEST = "ingest-service";
    public static final String SUBSCRIPTION = "subscription-service";
    public static final String DISPATCH = "dispatch-service";
    /** Subscription first: it owns the schema and publishes the endpoints dispatch loads before it is ready. */
    public static final List<String> START_ORDER = List.of(SUBSCRIPTION, INGEST, DISPATCH);
    /** The local default ports (DESIGN.md). */
    public static final Map<String, Integer> DEFAULT_PORTS = Map.of(INGEST, 8081, SUBSCRIPTION, 8082, DISPATCH, 8083);

    /** The environment of {@code module}. */
    public Map<String, String> envFor(String module) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HERALD_AUTH_HS256_SECRET", hs256Secret);
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafkaBootstrapServers);
        // Local and test runs listen on loopback only.
        env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        switch (module) {
            case SUBSCRIPTION -> {
                env.putAll(database.quarkusEnv());
                // Local receivers live on 127.0.0.1: loopback endpoints must be accepted at registration.
                env.put("HERALD_SUBSCRIPTION_EGRESS_ALLOW_LOOPBACK", "true");
            }
            case DISPATCH -> env.put("HERALD_DISPATCH_EGRESS_ALLOW_LOOPBACK", "true");
            // Idempotency keys live in ingest's own schema of the same database.
            case INGEST -> env.putAll(database.quarkusEnv());
            default -> throw new IllegalArgumentException("Unknown service module " + module);
        }
        return env;
    }
}
