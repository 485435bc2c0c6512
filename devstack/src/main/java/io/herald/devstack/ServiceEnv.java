package io.herald.devstack;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
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
 * @param secretsEncryptionKey base64 of the 32-byte key subscription-service encrypts signing secrets with at rest
 */
public record ServiceEnv(String kafkaBootstrapServers, PostgresConnection database, String hs256Secret,
        String secretsEncryptionKey) {

    /** Local receivers listen on loopback, which the egress policy refuses unless exempted. */
    public static final String LOOPBACK_CIDRS = "127.0.0.0/8,::1/128";
    public static final String INGEST = "ingest-service";
    public static final String SUBSCRIPTION = "subscription-service";
    public static final String DISPATCH = "dispatch-service";
    /** Subscription first: it owns the schema and publishes the endpoints dispatch loads before it is ready. */
    public static final List<String> START_ORDER = List.of(SUBSCRIPTION, INGEST, DISPATCH);
    /** The local default ports, as README.md lists them. */
    public static final Map<String, Integer> DEFAULT_PORTS = Map.of(INGEST, 8081, SUBSCRIPTION, 8082, DISPATCH, 8083);

    /** Wiring with an encryption key derived from {@code hs256Secret} (tests; the launcher keeps a random one). */
    public ServiceEnv(String kafkaBootstrapServers, PostgresConnection database, String hs256Secret) {
        this(kafkaBootstrapServers, database, hs256Secret, deriveKey(hs256Secret));
    }

    /** A random key in the form {@code secretsEncryptionKey} takes. */
    public static String randomEncryptionKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    private static String deriveKey(String secret) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            return Base64.getEncoder()
                    .encodeToString(sha256.digest(("herald-secrets-key:" + secret).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** The environment of {@code module}. */
    public Map<String, String> envFor(String module) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HERALD_AUTH_HS256_SECRET", hs256Secret);
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafkaBootstrapServers);
        // Local tokens are minted by the launcher (30 days) without iss/aud: relax production's token rules,
        // explicitly.
        env.put("HERALD_AUTH_REQUIRE_ISSUER_AND_AUDIENCE", "false");
        env.put("HERALD_AUTH_MAX_TOKEN_LIFETIME_SECONDS", "0");
        // Local and test runs listen on loopback only.
        env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        switch (module) {
            case SUBSCRIPTION -> {
                env.putAll(database.quarkusEnv());
                env.put("HERALD_SUBSCRIPTION_SECRETS_ENCRYPTION_KEY", secretsEncryptionKey);
                // Local receivers speak plain http on 127.0.0.1.
                env.put("HERALD_SUBSCRIPTION_ENDPOINTS_REQUIRE_HTTPS", "false");
                // ... and live on loopback, which the SSRF check at registration refuses unless exempted.
                env.put("HERALD_SUBSCRIPTION_EGRESS_ALLOW_CIDRS", LOOPBACK_CIDRS);
            }
            case DISPATCH -> {
                env.put("HERALD_DISPATCH_EGRESS_ALLOW_CIDRS", LOOPBACK_CIDRS);
                // Dispatch opens the secrets subscription seals on herald.endpoints with the same keyring.
                env.put("HERALD_DISPATCH_SECRETS_ENCRYPTION_KEY", secretsEncryptionKey);
            }
            // Idempotency keys live in ingest's own schema of the same database.
            case INGEST -> env.putAll(database.quarkusEnv());
            default -> throw new IllegalArgumentException("Unknown service module " + module);
        }
        return env;
    }
}
