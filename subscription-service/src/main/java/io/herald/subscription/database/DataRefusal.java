package io.herald.subscription.database;

import io.vertx.sqlclient.DatabaseException;

/**
 * Tells a write PostgreSQL refused for the data it carried (retrying the same rows can never succeed) from a write that
 * failed because the database is away or busy (retrying later will). Only the first kind may be skipped.
 */
public final class DataRefusal {

    private DataRefusal() {
    }

    /**
     * True for SQLSTATE classes 22 (data exception: invalid byte sequence, value out of range, string too long...), 23
     * (integrity constraint violation) and 54 (program limit exceeded, e.g. a value too long for an index row).
     * Connection loss, timeouts, shutdowns, deadlocks and programming errors (SQLSTATE class 42) are not the data's
     * fault.
     */
    public static boolean isDataRefusal(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof DatabaseException database && database.getSqlState() != null) {
                String sqlState = database.getSqlState();
                return sqlState.startsWith("22") || sqlState.startsWith("23") || sqlState.startsWith("54");
            }
        }
        return false;
    }
}
