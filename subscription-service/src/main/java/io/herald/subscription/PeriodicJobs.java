package io.herald.subscription;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled.ConcurrentExecution;
import io.quarkus.scheduler.Scheduler;
import io.smallrye.mutiny.Uni;

/**
 * The service's periodic jobs (intervals come from configuration, so they are scheduled in code). Shutdown closes the
 * database pool while the scheduler still runs: every job is unscheduled at shutdown first, and {@link #stopped()}
 * tells work started by other means (e.g. the outbox nudge) to stand down too.
 */
@ApplicationScoped
public class PeriodicJobs {

    private final Scheduler scheduler;
    private final Set<String> names = ConcurrentHashMap.newKeySet();
    private volatile boolean stopped;

    public PeriodicJobs(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    /** Runs {@code task} every {@code interval}, skipping a run while the previous one is still busy. */
    public void every(String name, Duration interval, Runnable task) {
        names.add(name);
        scheduler.newJob(name).setInterval(interval.toString()).setConcurrentExecution(ConcurrentExecution.SKIP)
                .setTask(execution -> {
                    if (!stopped) {
                        task.run();
                    }
                }).schedule();
    }

    /** As {@link #every}, for a task that completes asynchronously. */
    public void everyAsync(String name, Duration interval, Supplier<Uni<Void>> task) {
        names.add(name);
        scheduler.newJob(name).setInterval(interval.toString()).setConcurrentExecution(ConcurrentExecution.SKIP)
                .setAsyncTask(execution -> stopped ? Uni.createFrom().voidItem() : task.get()).schedule();
    }

    public boolean stopped() {
        return stopped;
    }

    void stop(@Observes ShutdownEvent event) {
        stopped = true;
        names.forEach(scheduler::unscheduleJob);
    }
}
