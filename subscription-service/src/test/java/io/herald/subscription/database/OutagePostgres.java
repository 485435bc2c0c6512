package io.herald.subscription.database;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.herald.devstack.PostgresConnection;
import io.herald.devstack.PostgresServer;
import io.herald.testing.KafkaTestResource;
import io.herald.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * An embedded PostgreSQL of this test's own, on a fixed port with its data kept under {@code target/}, so a test can
 * stop it and start it again (never the machine's shared server on 5432).
 */
public class OutagePostgres implements QuarkusTestResourceLifecycleManager {

    private static final Path DIR = Path.of("target", "outage-postgres-" + UUID.randomUUID());
    private static final String DATABASE = "herald_outage";
    private static int port;
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
        port = freePort();
        PostgresConnection database = startServer().ensureDatabase(DATABASE);
        return database.quarkusConfig();
    }

    @Override
    public void stop() {
        stopServer();
    }

    /** Stops the server as an outage would: the app's connections are closed, new ones refused. */
    public static synchronized void stopServer() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    /** Starts the server again on the same port with the same data. */
    public static synchronized PostgresServer startServer() {
        if (server == null) {
            server = PostgresServer.embedded(DIR, port);
        }
        return server;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
