package io.herald.ingest.idempotency;

import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.herald.ingest.IngestConfig;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;

/**
 * Deletes expired keys every {@link IngestConfig.Idempotency#cleanupInterval()}. Lookups already ignore expired rows,
 * so this only keeps the table small; every instance runs it, which is harmless.
 */
@ApplicationScoped
public class IdempotencyCleanup {

    private static final Logger LOG = Logger.getLogger(IdempotencyCleanup.class);

    private final IdempotencyRepository repository;
    private final Clock clock;

    public IdempotencyCleanup(IdempotencyRepository repository, Clock clock) {
        this.repository = repository;
        this.clock = clock;
    }

    void schedule(@Observes StartupEvent event, Vertx vertx, IngestConfig config) {
        vertx.setPeriodic(config.idempotency().cleanupInterval().toMillis(), id -> deleteExpired());
    }

    /** Deletes the expired keys now. */
    public void deleteExpired() {
        repository.deleteExpired(clock.instant()).subscribe().with(
                deleted -> LOG.debugf("Deleted %d expired idempotency keys", deleted),
                failure -> LOG.warnf("Could not delete expired idempotency keys: %s", failure.toString()));
    }
}
