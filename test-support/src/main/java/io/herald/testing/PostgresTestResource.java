package io.herald.testing;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;

import io.herald.devstack.PostgresConnection;
import io.herald.devstack.PostgresServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A real PostgreSQL for Quarkus tests: {@code HERALD_TEST_DB_URL} if set, else 127.0.0.1:5432 when reachable, else an
 * embedded server under {@code target/}. Each test JVM gets a fresh database, dropped at exit.
 */
public class PostgresTestResource implements QuarkusTestResourceLifecycleManager {

    private static PostgresServer server;
    private static PostgresConnection database;

    /** The test database, creating it on first use. */
    public static synchronized PostgresConnection database() {
        if (database == null) {
            server = PostgresServer.forTests(Path.of("target", "embedded-postgres"));
            String name = "herald_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
            database = server.ensureDatabase(name);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.dropDatabase(name);
                server.close();
            }, "postgres-test-shutdown"));
        }
        return database;
    }

    /** A new JDBC connection to the test database, for a test that reads or writes rows itself. */
    public static Connection connect() throws SQLException {
        PostgresConnection pg = database();
        return DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
    }

    @Override
    public Map<String, String> start() {
        return database().quarkusConfig();
    }

    @Override
    public void stop() {
        // Shared across test classes: dropped by the shutdown hook.
    }
}
