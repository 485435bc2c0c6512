package io.herald.subscription.endpoint;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.herald.subscription.secret.SecretCipher;
import io.herald.subscription.secret.SecretsConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduled.ConcurrentExecution;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * The re-encryption job of a key rotation: at start-up and on a schedule, re-seals with the keyring's newest key every
 * endpoint whose secrets are under an older key (or whose published state is of an older schema) and republishes its
 * state, batch by batch. Once gauge {@code herald_secrets_unsealed_endpoints} reads 0 (and the log says so), no row and
 * no latest endpoint state needs the older keys any more; see docs/operations.md.
 */
@ApplicationScoped
public class EndpointResealJob {

    private static final Logger LOG = Logger.getLogger(EndpointResealJob.class);

    private final EndpointService service;
    private final SecretCipher cipher;
    private final Vertx vertx;
    private final SecretsConfig config;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicLong unsealed = new AtomicLong(-1);

    public EndpointResealJob(EndpointService service, SecretCipher cipher, Vertx vertx, SecretsConfig config,
            MeterRegistry registry) {
        this.service = service;
        this.cipher = cipher;
        this.vertx = vertx;
        this.config = config;
        Gauge.builder("herald.secrets.unsealed.endpoints", unsealed, AtomicLong::get)
                .description("Endpoints not (yet) sealed with the newest key after the last re-encryption run; "
                        + "-1 before the first run")
                .strongReference(true).register(registry);
    }

    void runAtStart(@Observes StartupEvent event) {
        run();
    }

    /** Starts a run unless one is going on; returns at once. */
    @Scheduled(identity = "endpoint-reseal", every = "${herald.subscription.secrets.reseal-interval-ms}ms", concurrentExecution = ConcurrentExecution.SKIP, skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    public void run() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        // Hibernate Reactive needs a duplicated context flagged safe, with no session of anyone else's.
        Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
        VertxContextSafetyToggle.setContextSafe(context, true);
        context.runOnContext(ignored -> Uni.createFrom().deferred(() -> batches(null, 0))
                .chain(moved -> service.countUnsealed().invoke(left -> report(moved, left))).subscribe()
                .with(left -> running.set(false), failure -> {
                    LOG.warnf("Re-encryption run failed; the next run retries: %s", failure.toString());
                    running.set(false);
                }));
    }

    /** Whether a run is going on. */
    public boolean running() {
        return running.get();
    }

    /** Endpoints left to move after the last run, or -1 before the first run ended. */
    public long unsealed() {
        return unsealed.get();
    }

    private Uni<Integer> batches(String afterId, int movedSoFar) {
        return service.resealBatch(afterId, config.resealBatchSize()).chain(batch -> {
            int moved = movedSoFar + batch.moved();
            return batch.examined() < config.resealBatchSize() ? Uni.createFrom().item(moved)
                    : batches(batch.lastId(), moved);
        });
    }

    private void report(int moved, long left) {
        unsealed.set(left);
        if (left == 0) {
            if (moved > 0) {
                LOG.infof("Re-encryption done: %d endpoint(s) re-sealed and republished; every endpoint is sealed "
                        + "with key '%s'", moved, cipher.keyring().sealingKeyId());
            }
        } else {
            LOG.errorf("Re-encryption: %d endpoint(s) re-sealed; %d cannot be opened with keys %s and still need an "
                    + "older key", moved, left, cipher.keyring().keyIds());
        }
    }
}
