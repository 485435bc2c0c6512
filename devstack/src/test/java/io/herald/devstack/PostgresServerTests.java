package io.herald.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import org.junit.jupiter.api.Test;

/**
 * An embedded server is a real PostgreSQL process: stopped, it refuses connections; started again, its data is back.
 */
class PostgresServerTests {

    @Test
    void shouldKeepDataAndPortAcrossAStopAndAStart() throws Exception {
        try (PostgresServer server = PostgresServer
                .embedded(Path.of("target", "postgres-tests", UUID.randomUUID().toString()).toAbsolutePath(), 0)) {
            PostgresConnection db = server.ensureDatabase("restart_test");
            execute(db, "CREATE TABLE kept (v text)", "INSERT INTO kept VALUES ('before the stop')");

            server.stop();
            assertThat(server.isRunning()).isFalse();
            assertThatThrownBy(() -> execute(db, "SELECT 1")).isInstanceOf(SQLException.class);

            server.start();
            assertThat(server.isRunning()).isTrue();
            assertThat(server.connection().port()).isEqualTo(db.port());
            try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT v FROM kept")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("before the stop");
            }
        }
    }

    @Test
    void shouldRefuseToStopAServerItDidNotStart() {
        PostgresServer external = PostgresServer.external("jdbc:postgresql://127.0.0.1:1/postgres");

        assertThatThrownBy(external::stop).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("did not start it");
        assertThat(external.isRunning()).isTrue();
    }

    private static void execute(PostgresConnection db, String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
                Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }
}
