package io.herald.subscription.endpoint;

import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduled.ConcurrentExecution;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Ends secret rotations: on a schedule, drops rotated-out secrets past their grace period, which publishes each such
 * endpoint with its new secret only. Dispatch does not wait for it (it skips a secret past {@code expiresAt}); the
 * sweep keeps the database and the compacted topic free of dead secrets.
 */
@ApplicationScoped
public class SecretExpirySweep {

    private static final Logger LOG = Logger.getLogger(SecretExpirySweep.class);

    private final EndpointService service;
    private final Vertx vertx;
    private final AtomicBoolean running = new AtomicBoolean();

    public SecretExpirySweep(EndpointService service, Vertx vertx) {
        this.service = service;
        this.vertx = vertx;
    }

    @Scheduled(identity = "secret-expiry-sweep", every = "${herald.subscription.secrets.expiry-sweep-interval-ms}ms", concurrentExecution = ConcurrentExecution.SKIP, skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void sweep() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        // Hibernate Reactive needs a duplicated context flagged safe, with no session of anyone else's.
        Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
        VertxContextSafetyToggle.setContextSafe(context, true);
        context.runOnContext(ignored -> Uni.createFrom().deferred(service::dropExpiredSecrets).subscribe()
                .with(count -> running.set(false), failure -> {
                    LOG.warnf("Secret expiry sweep failed; the next run retries: %s", failure.toString());
                    running.set(false);
                }));
    }
}
