package io.herald.subscription.database;

import java.util.List;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Singleton;

import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnectOptions;

/**
 * The reactive pool that Hibernate Reactive and the repositories share, built as Quarkus configures it plus the two
 * bounds Quarkus has no key for: the TCP connect timeout and the wait for a pooled connection. Without them a request
 * during a database outage could hang for up to a minute before failing.
 */
@Singleton
public class DatabasePoolCreator implements PgPoolCreator {

    private final DatabaseConfig config;

    public DatabasePoolCreator(DatabaseConfig config) {
        this.config = config;
    }

    @Override
    public Pool create(Input input) {
        PoolOptions pool = input.poolOptions().setConnectionTimeout((int) config.acquireTimeout().toMillis())
                .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS);
        for (PgConnectOptions connect : input.pgConnectOptionsList()) {
            connect.setConnectTimeout((int) config.connectTimeout().toMillis());
        }
        return PgBuilder.pool().with(pool).connectingTo(List.<SqlConnectOptions> copyOf(input.pgConnectOptionsList()))
                .using(input.vertx()).build();
    }
}
