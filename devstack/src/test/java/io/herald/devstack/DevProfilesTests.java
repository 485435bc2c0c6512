package io.herald.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.herald.kit.auth.Caller;
import io.herald.kit.auth.JwtVerifier;

class DevProfilesTests {

    @Test
    void shouldReadWhereTheServicesDevProfilesLookForKafkaAndPostgres() {
        DevProfiles dev = DevProfiles.read(ServiceProcess.repoRoot());

        assertThat(dev.kafkaPort()).isEqualTo(9092);
        assertThat(dev.databases()).containsOnlyKeys(ServiceEnv.INGEST, ServiceEnv.SUBSCRIPTION);
        assertThat(dev.postgresServer())
                .isEqualTo(new PostgresConnection("127.0.0.1", 5432, "postgres", "postgres", ""));
        assertThat(dev.databases().get(ServiceEnv.SUBSCRIPTION).database()).isEqualTo("herald_subscription");
        assertThat(dev.httpPorts()).isEqualTo(ServiceEnv.DEFAULT_PORTS);
    }

    @Test
    void shouldPrintATokenTheDevProfilesAccept() throws Exception {
        DevProfiles dev = DevProfiles.read(ServiceProcess.repoRoot());

        Caller caller = JwtVerifier.hs256(dev.hs256Secret()).verify(LocalStack.demoToken(dev.hs256Secret()));

        assertThat(caller.tenant()).isEqualTo("demo");
    }

    @Test
    void shouldRefuseDevProfilesThatDisagreeOnKafka(@TempDir Path repo) throws Exception {
        for (String module : ServiceEnv.START_ORDER) {
            Path resources = Files.createDirectories(repo.resolve(module).resolve("src/main/resources"));
            Files.writeString(resources.resolve("application.properties"), """
                    kafka.bootstrap.servers=localhost:9092
                    %dev.herald.auth.hs256-secret=same-secret-same-secret-same-secret
                    """ + (module.equals(ServiceEnv.DISPATCH) ? "%dev.kafka.bootstrap.servers=localhost:9999\n" : ""));
        }

        assertThatThrownBy(() -> DevProfiles.read(repo)).hasMessageContaining("disagree on Kafka");
    }
}
