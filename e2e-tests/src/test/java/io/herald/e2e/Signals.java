package io.herald.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import io.herald.devstack.ServiceProcess;

/** Signals to a service's process beyond the SIGTERM and SIGKILL of {@link ServiceProcess}: SIGSTOP, SIGCONT. */
final class Signals {

    private Signals() {
    }

    /** {@code kill -<signal> <pid>}; fails the test when kill does not succeed within 10 s. */
    static void send(ServiceProcess replica, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(replica.pid())).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0).as("kill -%s %d", signal, replica.pid())
                .isTrue();
    }
}
