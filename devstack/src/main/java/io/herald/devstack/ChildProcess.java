package io.herald.devstack;

import java.time.Duration;

/**
 * A process this JVM started (the broker, a service) and can stop gracefully, kill as a crash would, and measure. The
 * subclass starts it and assigns {@link #process}.
 */
public abstract class ChildProcess implements AutoCloseable {

    private final Duration stopGrace;
    protected Process process;

    protected ChildProcess(Duration stopGrace) {
        this.stopGrace = stopGrace;
    }

    /** What to call it in messages. */
    protected abstract String label();

    /** SIGTERM (a graceful shutdown), SIGKILL if it is still running after the stop grace period. */
    public synchronized void stop() {
        if (process != null) {
            Processes.terminate(process, stopGrace);
            process = null;
        }
    }

    /** SIGKILL at once, as a crash would: no graceful shutdown, nothing flushed. */
    public synchronized void kill() {
        if (process != null) {
            Processes.kill(process);
            process = null;
        }
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    public synchronized long pid() {
        if (process == null) {
            throw new IllegalStateException(label() + " is not running");
        }
        return process.pid();
    }

    /** Resident memory from {@code /proc/<pid>/status} (VmRSS); -1 when not running or unknown. */
    public synchronized long rssBytes() {
        return isRunning() ? Processes.rssBytes(process.pid()) : -1;
    }

    @Override
    public void close() {
        stop();
    }
}
