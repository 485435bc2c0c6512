package io.herald.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.herald.devstack.HeraldTopics;
import io.herald.devstack.KafkaBroker;
import io.herald.devstack.PostgresConnection;
import io.herald.devstack.PostgresServer;
import io.herald.devstack.ServiceEnv;
import io.herald.devstack.ServiceProcess;
import io.herald.testing.TestTokens;
import io.herald.testing.WebhookReceiver;

/**
 * The whole platform as processes for an end-to-end test: a Kafka broker on its own data directory, a database of its
 * own on the given PostgreSQL server, and the three packaged services with the local stack's environment.
 * {@link #close()} stops everything in reverse and drops the database.
 */
final class ServiceStack implements AutoCloseable {

    /** The admin clients that set up the stack print their whole configuration at INFO; services log to files. */
    private static final Logger KAFKA_CLIENT_LOG = Logger.getLogger("org.apache.kafka");

    static {
        KAFKA_CLIENT_LOG.setLevel(Level.WARNING);
    }

    /**
     * Three JVMs starting at once on a busy two-core machine (CI, or other builds) have been seen to need 80 s each;
     * the same bound applies to every restart a test makes.
     */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final KafkaBroker kafka;
    private final PostgresServer postgres;
    private final String database;
    private final List<ServiceProcess> services = new ArrayList<>();
    private WebhookReceiver receiver;

    private ServiceStack(Path work, PostgresServer postgres, String databasePrefix,
            Map<String, Map<String, String>> extraEnv, Function<Path, KafkaBroker> brokerFactory,
            Consumer<KafkaBroker> beforeServices) {
        this.postgres = postgres;
        this.database = databasePrefix + "_" + run;
        this.kafka = brokerFactory.apply(work.resolve("kafka-" + run));
        try {
            kafka.start();
            HeraldTopics.create(kafka.bootstrapServers(), 3);
            beforeServices.accept(kafka);
            PostgresConnection db = postgres.ensureDatabase(database);
            ServiceEnv env = new ServiceEnv(kafka.bootstrapServers(), db, TestTokens.SECRET);
            for (String module : ServiceEnv.START_ORDER) {
                services.add(ServiceProcess.builder(module).env(env.envFor(module))
                        .env(extraEnv.getOrDefault(module, Map.of())).startTimeout(START_TIMEOUT)
                        .logFile(work.resolve("logs-" + run).resolve(module + ".log")).build());
            }
            ServiceStack.startAll(services);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Starts the stack with its files under {@code work} and a new database named {@code databasePrefix_<run>} on
     * {@code postgres}; {@code extraEnv} adds environment variables per service module.
     */
    static ServiceStack start(Path work, PostgresServer postgres, String databasePrefix,
            Map<String, Map<String, String>> extraEnv) {
        return start(work, postgres, databasePrefix, extraEnv, KafkaBroker::create, broker -> {
        });
    }

    /**
     * Like {@link #start(Path, PostgresServer, String, Map)} with a broker of the caller's making
     * ({@code brokerFactory} gets its data directory), and {@code beforeServices} run once the broker is up and
     * Herald's topics exist (e.g. users and ACLs).
     */
    static ServiceStack start(Path work, PostgresServer postgres, String databasePrefix,
            Map<String, Map<String, String>> extraEnv, Function<Path, KafkaBroker> brokerFactory,
            Consumer<KafkaBroker> beforeServices) {
        List<String> missing = ServiceEnv.START_ORDER.stream().map(ServiceProcess::jarOf).filter(j -> !Files.exists(j))
                .map(Path::toString).toList();
        assertThat(missing).as("The end-to-end tests run the packaged services and build nothing themselves. Missing"
                + " jars; package first, e.g. ./mvnw -B verify from the root, or ./mvnw -B -DskipTests package -pl"
                + " ingest-service,subscription-service,dispatch-service -am").isEmpty();
        return new ServiceStack(work, postgres, databasePrefix, extraEnv, brokerFactory, beforeServices);
    }

    /** A short random id of this stack, used in its file and database names. */
    String run() {
        return run;
    }

    KafkaBroker kafka() {
        return kafka;
    }

    ServiceProcess ingest() {
        return service(ServiceEnv.INGEST);
    }

    ServiceProcess subscription() {
        return service(ServiceEnv.SUBSCRIPTION);
    }

    ServiceProcess dispatch() {
        return service(ServiceEnv.DISPATCH);
    }

    /** The subscriber's server the test registers its endpoints on: started on first use, closed with the stack. */
    synchronized WebhookReceiver receiver() {
        if (receiver == null) {
            receiver = WebhookReceiver.start();
        }
        return receiver;
    }

    /** One line per process: where it listens, its pid, resident memory and log. */
    void printProcesses(String prefix) {
        services.forEach(s -> System.out.printf(Locale.ROOT, "%s: %s on %s, pid %d, RSS %d MB, log %s%n", prefix,
                s.name(), s.baseUrl(), s.pid(), s.rssBytes() >> 20, s.logFile()));
        System.out.printf(Locale.ROOT, "%s: Kafka on %s, pid %d, RSS %d MB%n", prefix, kafka.bootstrapServers(),
                kafka.pid(), kafka.rssBytes() >> 20);
    }

    private ServiceProcess service(String module) {
        return services.get(ServiceEnv.START_ORDER.indexOf(module));
    }

    @Override
    public void close() {
        synchronized (this) {
            if (receiver != null) {
                receiver.close();
            }
        }
        for (int i = services.size() - 1; i >= 0; i--) {
            services.get(i).stop();
        }
        kafka.stop();
        if (postgres.isRunning()) {
            postgres.dropDatabase(database);
        }
        postgres.close();
    }

    /**
     * {@code count} dispatch processes, {@code dispatch-service-1} and on, each with a pod name of its own and so its
     * own transactional id, as the pods of a Deployment have; with {@code env} and then {@code extra}, logging into
     * {@code logs}. Not started yet.
     */
    static List<ServiceProcess> dispatchReplicas(int count, Map<String, String> env, Map<String, String> extra,
            Path logs) {
        List<ServiceProcess> replicas = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            String name = ServiceEnv.DISPATCH + "-" + i;
            replicas.add(ServiceProcess.builder(ServiceEnv.DISPATCH).env(env).env("POD_NAME", name).env(extra)
                    .logFile(logs.resolve(name + ".log")).build());
        }
        return replicas;
    }

    /**
     * Starts {@code services} all at once and waits until each is ready: on a fresh stack nothing orders them (no
     * endpoints to load yet; each service migrates its own schema), and JVM starts overlap well even on two cores.
     */
    static void startAll(List<ServiceProcess> services) {
        ExecutorService starter = Executors.newFixedThreadPool(services.size());
        try {
            List<Future<ServiceProcess>> started = services.stream().map(s -> starter.submit(s::start)).toList();
            for (Future<ServiceProcess> f : started) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while starting the stack", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } finally {
            starter.shutdown();
        }
    }
}
