package io.herald.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.herald.kit.auth.Caller;
import io.herald.kit.auth.JwtVerifier;
import io.herald.kit.auth.Scopes;

class LocalStackTests {

    @Test
    void shouldKeepTheHs256SecretAcrossStartsSoTokensSurviveRestarts(@TempDir Path home) throws Exception {
        Path file = home.resolve("hs256-secret");

        String first = LocalStack.loadOrCreateSecret(file);
        String second = LocalStack.loadOrCreateSecret(file);

        assertThat(first).hasSizeGreaterThanOrEqualTo(32).isEqualTo(second);
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(LocalStack.loadOrCreateSecret(home.resolve("other"))).isNotEqualTo(first);
    }

    @Test
    void shouldPrintADemoTokenTheServicesAcceptForTenantDemoWithEveryScope() throws Exception {
        String secret = "local-secret-local-secret-local-secret";

        Caller caller = JwtVerifier.hs256(secret).verify(LocalStack.demoToken(secret));

        assertThat(caller.tenant()).isEqualTo("demo");
        assertThat(caller.scopes()).containsExactlyInAnyOrder(Scopes.EVENTS_WRITE, Scopes.ENDPOINTS_READ,
                Scopes.ENDPOINTS_WRITE, Scopes.EVENT_TYPES_WRITE);
    }

    @Test
    void shouldGiveEachServiceTheSharedWiringAndTheDatabaseToThoseThatUseIt() {
        PostgresConnection db = new PostgresConnection("127.0.0.1", 5433, "herald", "postgres", "");
        ServiceEnv env = new ServiceEnv("127.0.0.1:9092", db, "s3cret-s3cret-s3cret-s3cret-s3cret");

        for (String module : ServiceEnv.START_ORDER) {
            assertThat(env.envFor(module)).containsEntry("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
                    .containsEntry("HERALD_AUTH_HS256_SECRET", "s3cret-s3cret-s3cret-s3cret-s3cret");
        }
        assertThat(env.envFor(ServiceEnv.SUBSCRIPTION)).containsAllEntriesOf(db.quarkusEnv())
                .containsEntry("HERALD_SUBSCRIPTION_ENDPOINTS_REQUIRE_HTTPS", "false")
                .containsEntry("HERALD_SUBSCRIPTION_SECRETS_ENCRYPTION_KEY", env.secretsEncryptionKey());
        assertThat(env.envFor(ServiceEnv.DISPATCH)).containsEntry("HERALD_DISPATCH_SECRETS_ENCRYPTION_KEY",
                env.secretsEncryptionKey());
        assertThat(Base64.getDecoder().decode(env.secretsEncryptionKey())).hasSize(32);
        assertThat(Base64.getDecoder().decode(ServiceEnv.randomEncryptionKey())).hasSize(32);
        assertThat(env.envFor(ServiceEnv.DISPATCH)).containsEntry("HERALD_DISPATCH_EGRESS_ALLOW_CIDRS",
                "127.0.0.0/8,::1/128");
        assertThat(env.envFor(ServiceEnv.INGEST)).containsAllEntriesOf(db.quarkusEnv());
        assertThat(env.envFor(ServiceEnv.DISPATCH)).doesNotContainKey("QUARKUS_DATASOURCE_JDBC_URL");
        assertThat(ServiceEnv.START_ORDER.get(0)).isEqualTo(ServiceEnv.SUBSCRIPTION);
    }
}
