package io.herald.subscription.database;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.herald.devstack.PostgresServer;
import io.herald.testing.KafkaTestResource;
import io.herald.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * An embedded PostgreSQL of this test's own with its data kept under {@code target/}, so a test can stop it and start
 * it again on the same port (never the machine's shared server on 5432).
 */
public class OutagePostgres implements QuarkusTestResourceLifecycleManager {

    private static final Path DIR = Path.of("target", "outage-postgres-" + UUID.randomUUID());
    private static final String DATABASE = "herald_outage";
    private static PostgresServer server;

    /** The app of this profile talks to this database only, with the usual broker and tokens. */
    public static class Profile implements QuarkusTestProfile {

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(OutagePostgres.class), new TestResourceEntry(KafkaTestResource.class),
                    new TestResourceEntry(TestTokens.class));
        }

        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }
    }

    @Override
    public Map<String, String> start() {
        server = PostgresServer.embedded(DIR, 0);
        return server.ensureDatabase(DATABASE).quarkusConfig();
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** Stops the server as an outage would: the app's connections are closed, new ones refused. */
    public static void stopServer() {
        server.stop();
    }

    /** Starts the server again on the same port with the same data (PostgresServer pins the port it first chose). */
    public static void startServer() {
        server.start();
    }
}
