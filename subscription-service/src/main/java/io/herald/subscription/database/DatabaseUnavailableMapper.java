package io.herald.subscription.database;

import java.net.ConnectException;
import java.time.Duration;

import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.herald.kit.problem.ProblemException;
import io.herald.kit.problem.ProblemExceptionMapper;
import io.vertx.core.impl.NoStackTraceTimeoutException;
import io.vertx.sqlclient.ClosedConnectionException;
import io.vertx.sqlclient.DatabaseException;

/**
 * Answers {@code 503 application/problem+json} with {@code Retry-After} when a request failed because PostgreSQL cannot
 * be reached (connection refused or timed out, no pooled connection in time, connection lost, server shutting down or
 * starting up), whatever Hibernate Reactive wrapped it in. Anything else stays the kit's 500.
 * <p>
 * It takes over the kit's mapper for {@link Exception} (a better priority for the same type); the kit's mappers of more
 * specific types still win, since a mapper's distance to the thrown type counts before its priority.
 */
public class DatabaseUnavailableMapper {

    private static final Logger LOG = Logger.getLogger(DatabaseUnavailableMapper.class);
    /** SQLSTATE classes and codes that say the server is away, not that the statement is wrong. */
    private static final String CONNECTION_EXCEPTION_CLASS = "08";
    private static final String ADMIN_SHUTDOWN = "57P01";
    private static final String CRASH_SHUTDOWN = "57P02";
    private static final String CANNOT_CONNECT_NOW = "57P03";

    private final Duration retryAfter;
    private final ProblemExceptionMapper fallback = new ProblemExceptionMapper();

    public DatabaseUnavailableMapper(DatabaseConfig config) {
        this.retryAfter = config.retryAfter();
    }

    @ServerExceptionMapper(priority = Priorities.USER - 100)
    public Response unavailableOrUnexpected(Exception e) {
        if (!isDatabaseUnreachable(e)) {
            return fallback.unexpected(e);
        }
        LOG.warnf("PostgreSQL unreachable, answering 503: %s", rootMessage(e));
        return ProblemExceptionMapper
                .toResponse(ProblemException.unavailable("The database is unreachable; try again later", retryAfter));
    }

    /** Whether {@code failure} or one of its causes says PostgreSQL cannot be reached. */
    public static boolean isDatabaseUnreachable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            // Vert.x' pool fails a wait for a connection past its connection timeout with this (internal) type.
            if (t instanceof ConnectException || t instanceof ClosedConnectionException
                    || t instanceof NoStackTraceTimeoutException) {
                return true;
            }
            if (t instanceof DatabaseException db && db.getSqlState() != null) {
                String state = db.getSqlState();
                if (state.startsWith(CONNECTION_EXCEPTION_CLASS) || state.equals(ADMIN_SHUTDOWN)
                        || state.equals(CRASH_SHUTDOWN) || state.equals(CANNOT_CONNECT_NOW)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
