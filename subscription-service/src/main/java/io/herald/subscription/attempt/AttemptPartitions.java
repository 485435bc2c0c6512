package io.herald.subscription.attempt;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduled.ConcurrentExecution;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * The daily partitions of the delivery log. A scheduled job creates today's and the next days' partitions and drops the
 * partitions past the retention, a whole day at a time (no row-by-row delete, no long lock); ingestion asks for the
 * partitions of the days it writes, which are normally there already.
 */
@ApplicationScoped
public class AttemptPartitions {

    private static final Logger LOG = Logger.getLogger(AttemptPartitions.class);

    private final AttemptRepository attempts;
    private final AttemptConfig config;
    private final Clock clock;
    /** Days known to have a partition: skips a round trip per batch. Cleared when a write misses a partition. */
    private final Set<LocalDate> known = ConcurrentHashMap.newKeySet();

    public AttemptPartitions(AttemptRepository attempts, AttemptConfig config, Clock clock) {
        this.attempts = attempts;
        this.config = config;
        this.clock = clock;
    }

    @Scheduled(identity = "delivery-log-partitions", every = "${herald.subscription.attempts.maintenance-interval-ms}ms", concurrentExecution = ConcurrentExecution.SKIP, skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> maintainOnSchedule() {
        return maintain().onFailure().invoke(
                failure -> LOG.warnf("Delivery-log partition maintenance failed; the next run retries: %s", failure))
                .onFailure().recoverWithNull();
    }

    /** Attempts before this instant are past the retention: not ingested, and their partitions are dropped. */
    public Instant retentionCutoff() {
        return clock.instant().minus(Duration.ofDays(config.retentionDays()));
    }

    /**
     * Attempts after this instant are not stored: no clock is that far ahead (partitions exist that many days ahead,
     * plus one day of slack), and a partition made for them would never expire.
     */
    public Instant futureCutoff() {
        return clock.instant().plus(Duration.ofDays(config.partitionsAheadDays() + 1L));
    }

    /** Creates the partitions of today and the days ahead, then drops the expired ones. */
    public Uni<Void> maintain() {
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        Set<LocalDate> days = new TreeSet<>();
        for (int i = 0; i <= config.partitionsAheadDays(); i++) {
            days.add(today.plusDays(i));
        }
        return ensure(days).chain(this::purge).replaceWithVoid();
    }

    /** Makes sure each day has a partition. */
    public Uni<Void> ensure(Collection<LocalDate> days) {
        return Multi.createFrom().iterable(days).filter(day -> !known.contains(day)).onItem()
                .transformToUniAndConcatenate(day -> attempts.ensurePartition(day).invoke(() -> known.add(day)))
                .collect().last().replaceWithVoid();
    }

    /** Forgets which partitions exist, after a write found one missing (dropped meanwhile, or by hand). */
    public void forget() {
        known.clear();
    }

    /** Drops every partition whose whole day lies before the retention cutoff; answers how many. */
    public Uni<Integer> purge() {
        return attempts
                .expiredPartitions(
                        retentionCutoff())
                .chain(expired -> Multi.createFrom().iterable(expired).onItem()
                        .transformToUniAndConcatenate(partition -> attempts
                                .dropPartition(partition, config.purgeLockTimeout().toMillis()).invoke(() -> {
                                    known.remove(dayOf(partition.name()));
                                    LOG.infof("Dropped delivery-log partition %s (retention %d days)", partition.name(),
                                            config.retentionDays());
                                }))
                        .collect().asList().map(dropped -> dropped.size()));
    }

    private static LocalDate dayOf(String partition) {
        String digits = partition.substring(partition.length() - 8);
        return LocalDate.of(Integer.parseInt(digits.substring(0, 4)), Integer.parseInt(digits.substring(4, 6)),
                Integer.parseInt(digits.substring(6, 8)));
    }
}
