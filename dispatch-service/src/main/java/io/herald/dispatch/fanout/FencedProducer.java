package io.herald.dispatch.fanout;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Default;

import org.apache.kafka.common.errors.ProducerFencedException;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.jboss.logging.Logger;

import io.herald.dispatch.ConsumerGroups;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;

/**
 * This replica's fan-out producer was fenced: another replica aborted the transaction it had open, because the fan-out
 * group no longer had this replica (frozen or cut off past its session: a zombie; {@link OrphanedTransactions}). A
 * fenced producer can never write again, and SmallRye's connector does not replace it, so the replica leaves the
 * fan-out group at once (its partitions go to the others, which fan their events out) and reports itself not live
 * ({@code fan-out-producer}), so that Kubernetes restarts it; it keeps delivering meanwhile.
 */
@Liveness
@Default
@ApplicationScoped
public class FencedProducer implements HealthCheck {

    private static final Logger LOG = Logger.getLogger(FencedProducer.class);

    private final KafkaClientService clients;
    private volatile String fenced;

    FencedProducer(KafkaClientService clients) {
        this.clients = clients;
    }

    /** Whether {@code failure} says the producer was fenced. */
    static boolean isFencing(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ProducerFencedException) {
                return true;
            }
        }
        return false;
    }

    boolean isFenced() {
        return fenced != null;
    }

    /** The producer was fenced: leaves the fan-out group, on a worker thread, and turns the liveness check DOWN. */
    synchronized void fenced(Throwable failure) {
        if (fenced != null) {
            return;
        }
        fenced = String.valueOf(failure.getMessage());
        LOG.errorf("The fan-out producer was fenced (%s): another replica took this one's partitions while it was "
                + "frozen or cut off. Leaving the fan-out group; not live until restarted", fenced);
        Infrastructure.getDefaultWorkerPool().execute(() -> {
            try {
                ConsumerGroups.leave(FanOut.CHANNEL, clients.getConsumer(FanOut.CHANNEL));
            } catch (RuntimeException e) {
                LOG.warnf(e, "The fenced replica could not leave the fan-out group");
            }
        });
    }

    @Override
    public HealthCheckResponse call() {
        String reason = fenced;
        return HealthCheckResponse.named("fan-out-producer").status(reason == null)
                .withData("fenced", reason == null ? "no" : reason).build();
    }
}
