package io.herald.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A PostgreSQL server to run Herald against: one at a configured URL, the local one on 127.0.0.1:5432 when it answers,
 * or an embedded one (zonky binaries from Maven Central) when nothing else is there. Closing it stops only an embedded
 * server this process started. An embedded server can also be stopped and started again on the same data and port (the
 * fault tests take the database away under load).
 */
public final class PostgresServer implements AutoCloseable {

    private final PostgresConnection admin;
    /** How to start the embedded server again; null for a server this process does not own. */
    private final EmbeddedPostgres.Builder embeddedBuilder;
    /** The running embedded server; null when external or stopped. */
    private EmbeddedPostgres embedded;

    private PostgresServer(PostgresConnection admin, EmbeddedPostgres.Builder embeddedBuilder,
            EmbeddedPostgres embedded) {
        this.admin = admin;
        this.embeddedBuilder = embeddedBuilder;
        this.embedded = embedded;
    }

    /** The server at {@code jdbcUrl}; nothing is started. */
    public static PostgresServer external(String jdbcUrl) {
        return new PostgresServer(PostgresConnection.parse(jdbcUrl), null, null);
    }

    /** The local server on 127.0.0.1:5432 (user postgres, trust auth) if it accepts connections. */
    public static Optional<PostgresServer> localIfReachable() {
        return reachable(new PostgresConnection("127.0.0.1", 5432, "postgres", "postgres", ""));
    }

    /** The server behind {@code admin} if it accepts that connection; nothing is started. */
    public static Optional<PostgresServer> reachable(PostgresConnection admin) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(admin.host(), admin.port()), 500);
        } catch (IOException e) {
            return Optional.empty();
        }
        PostgresServer local = new PostgresServer(admin, null, null);
        try (Connection ignored = local.connect(local.admin)) {
            return Optional.of(local);
        } catch (SQLException e) {
            return Optional.empty();
        }
    }

    /** Starts an embedded server whose data (and binaries) live under {@code dir}; data survives a restart. */
    public static PostgresServer embedded(Path dir, int port) {
        return embedded(dir, port, true);
    }

    /**
     * As {@link #embedded(Path, int)}; with {@code stopOnJvmExit} false the caller must {@link #close()} it (the local
     * launcher does, after the services that use it, from its own shutdown hook).
     */
    public static PostgresServer embedded(Path dir, int port, boolean stopOnJvmExit) {
        try {
            Files.createDirectories(dir);
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setOverrideWorkingDirectory(dir.resolve("work").toFile()).setDataDirectory(dir.resolve("data"))
                    .setCleanDataDirectory(false).setPort(port).setRegisterShutdownHook(stopOnJvmExit);
            EmbeddedPostgres pg = builder.start();
            // A restart must come back where the services look for it: pin the port the first start chose.
            builder.setPort(pg.getPort());
            return new PostgresServer(new PostgresConnection("127.0.0.1", pg.getPort(), "postgres", "postgres", ""),
                    builder, pg);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start embedded PostgreSQL under " + dir, e);
        }
    }

    /**
     * For tests: {@code HERALD_TEST_DB_URL} if set, else the local server if reachable, else an embedded one under
     * {@code embeddedDir} on a free port.
     */
    public static PostgresServer forTests(Path embeddedDir) {
        String url = System.getenv("HERALD_TEST_DB_URL");
        if (url != null && !url.isBlank()) {
            return external(url);
        }
        return localIfReachable().orElseGet(() -> embedded(embeddedDir, 0));
    }

    public boolean isEmbedded() {
        return embeddedBuilder != null;
    }

    /** Whether the embedded server is up; an external server counts as up (this process cannot tell otherwise). */
    public synchronized boolean isRunning() {
        return embeddedBuilder == null || embedded != null;
    }

    /**
     * Stops the embedded server ({@code pg_ctl stop -m fast}: sessions are cut, committed data stays); {@link #start()}
     * brings it back on the same data directory and port.
     */
    public synchronized void stop() {
        requireEmbedded("stop");
        if (embedded != null) {
            try {
                embedded.close();
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot stop embedded PostgreSQL", e);
            } finally {
                embedded = null;
            }
        }
    }

    /** Starts the embedded server again after {@link #stop()}, on the same data directory and port. */
    public synchronized PostgresServer start() {
        requireEmbedded("start");
        if (embedded == null) {
            try {
                embedded = embeddedBuilder.start();
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot restart embedded PostgreSQL on port " + admin.port(), e);
            }
        }
        return this;
    }

    private void requireEmbedded(String action) {
        if (embeddedBuilder == null) {
            throw new IllegalStateException("Cannot " + action + " " + admin + ": this process did not start it");
        }
    }

    /** The database the server was reached with (administrative use). */
    public PostgresConnection connection() {
        return admin;
    }

    /** Creates {@code name} unless it exists, and returns how to reach it. */
    public PostgresConnection ensureDatabase(String name) {
        if (!name.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("Database name must be a lower-case identifier: " + name);
        }
        try (Connection c = connect(admin);
                Statement s = c.createStatement()) {
            boolean exists;
            try (var rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + name + "'")) {
                exists = rs.next();
            }
            if (!exists) {
                s.execute("CREATE DATABASE " + name);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create database " + name + " on " + admin, e);
        }
        return admin.withDatabase(name);
    }

    /** Drops {@code name} if it exists, closing its sessions. */
    public void dropDatabase(String name) {
        try (Connection c = connect(admin);
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot drop database " + name, e);
        }
    }

    private Connection connect(PostgresConnection target) throws SQLException {
        return DriverManager.getConnection(target.jdbcUrl(), target.user(), target.password());
    }

    @Override
    public synchronized void close() {
        if (embedded != null) {
            stop();
        }
    }
}
