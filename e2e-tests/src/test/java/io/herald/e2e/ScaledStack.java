package io.herald.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.StringSerializer;

import io.herald.contracts.Topics;
import io.herald.devstack.HeraldTopics;
import io.herald.devstack.KafkaBroker;
import io.herald.devstack.KafkaCluster;
import io.herald.devstack.PostgresConnection;
import io.herald.devstack.PostgresServer;
import io.herald.devstack.ServiceEnv;
import io.herald.devstack.ServiceProcess;
import io.herald.testing.TestTokens;

/**
 * The platform scaled out, as processes: a {@link KafkaCluster} of several KRaft nodes (three replicas, two in sync), a
 * database of its own on the given PostgreSQL server, and {@code replicas} packaged processes of each service, each
 * with its own port and name ({@code POD_NAME}, from which dispatch derives its transactional id), as pods of a
 * Deployment have. {@link #close()} stops everything in reverse and drops the database.
 */
final class ScaledStack implements AutoCloseable {

    /** The admin clients print their whole configuration at INFO; services log to files. Held: loggers are weak. */
    private static final Logger KAFKA_CLIENT_LOG = Logger.getLogger("org.apache.kafka");

    static {
        KAFKA_CLIENT_LOG.setLevel(Level.WARNING);
    }

    /** Six JVMs and three brokers starting at once on two cores are slow; every restart gets the same bound. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final KafkaCluster kafka;
    private final PostgresServer postgres;
    private final String database;
    /** Per module, its replicas in order (replica 1 first). */
    private final Map<String, List<ServiceProcess>> services = new LinkedHashMap<>();
    private final Map<ServiceProcess, String> names = new IdentityHashMap<>();

    private ScaledStack(Path work, PostgresServer postgres, String databasePrefix, int brokers, int replicas,
            int partitions, Map<String, String> brokerOverrides, Map<String, Map<String, String>> extraEnv) {
        this.postgres = postgres;
        this.database = databasePrefix + "_" + run;
        this.kafka = KafkaCluster.create(work.resolve("kafka-" + run), brokers, 0, brokerOverrides);
        try {
            kafka.start();
            HeraldTopics.create(kafka.bootstrapServers(), partitions, kafka.replication());
            warmUpTransactions(kafka.bootstrapServers());
            PostgresConnection db = postgres.ensureDatabase(database);
            ServiceEnv env = new ServiceEnv(kafka.bootstrapServers(), db, TestTokens.SECRET);
            List<ServiceProcess> all = new ArrayList<>();
            for (String module : ServiceEnv.START_ORDER) {
                List<ServiceProcess> replicasOfModule = new ArrayList<>();
                for (int i = 1; i <= replicas; i++) {
                    String name = module + "-" + i;
                    ServiceProcess replica = ServiceProcess.builder(module).env(env.envFor(module))
                            .env("POD_NAME", name).env(extraEnv.getOrDefault(module, Map.of()))
                            .startTimeout(START_TIMEOUT).logFile(work.resolve("logs-" + run).resolve(name + ".log"))
                            .build();
                    replicasOfModule.add(replica);
                    names.put(replica, name);
                }
                services.put(module, replicasOfModule);
                all.addAll(replicasOfModule);
            }
            ServiceStack.startAll(all);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * One empty transaction before the services start: the first transactional producer of a fresh cluster creates
     * {@code __transaction_state} (three replicas) and its coordinators load it, which on a busy two-core machine held
     * dispatch's first fan-out transactions in CONCURRENT_TRANSACTIONS retries for many seconds.
     */
    private static void warmUpTransactions(String bootstrapServers) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "herald-scale-out-warm-up");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.commitTransaction();
        }
    }

    /**
     * Starts {@code brokers} Kafka nodes (with extra {@code server.properties} entries), Herald's topics with
     * {@code partitions} partitions, and {@code replicas} processes of each service ({@code extraEnv} per module).
     */
    static ScaledStack start(Path work, PostgresServer postgres, String databasePrefix, int brokers, int replicas,
            int partitions, Map<String, String> brokerOverrides, Map<String, Map<String, String>> extraEnv) {
        List<String> missing = ServiceEnv.START_ORDER.stream().map(ServiceProcess::jarOf).filter(j -> !Files.exists(j))
                .map(Path::toString).toList();
        assertThat(missing).as("The end-to-end tests run the packaged services and build nothing themselves. Missing"
                + " jars; package first, e.g. ./mvnw -B -DskipTests package -pl"
                + " ingest-service,subscription-service,dispatch-service -am").isEmpty();
        return new ScaledStack(work, postgres, databasePrefix, brokers, replicas, partitions, brokerOverrides,
                extraEnv);
    }

    String run() {
        return run;
    }

    KafkaCluster kafka() {
        return kafka;
    }

    /** The replicas of {@code module}, replica 1 first. */
    List<ServiceProcess> replicas(String module) {
        return services.get(module);
    }

    /**
     * The node leading most partitions of Herald's topics (the first such node on a tie), with that count; its loss
     * moves the most leaders.
     */
    Map.Entry<KafkaBroker, Integer> busiestLeader() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (Admin admin = Admin.create(props)) {
            Map<String, TopicDescription> topics = admin.describeTopics(Topics.ALL).allTopicNames().get(30,
                    TimeUnit.SECONDS);
            int[] led = new int[kafka.nodes().size() + 1];
            for (TopicDescription topic : topics.values()) {
                for (TopicPartitionInfo partition : topic.partitions()) {
                    if (partition.leader() != null) {
                        led[partition.leader().id()]++;
                    }
                }
            }
            int busiest = 1;
            for (int id = 2; id < led.length; id++) {
                if (led[id] > led[busiest]) {
                    busiest = id;
                }
            }
            return Map.entry(kafka.node(busiest), led[busiest]);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot describe Herald's topics", e);
        }
    }

    /** A replica's name ({@code POD_NAME}), e.g. {@code dispatch-service-2}. */
    String name(ServiceProcess replica) {
        return names.get(replica);
    }

    /** The node id of {@code node} (from 1). */
    int nodeId(KafkaBroker node) {
        return kafka.nodes().indexOf(node) + 1;
    }

    /** One line per process: where it listens, its pid, resident memory and log. */
    void printProcesses(String prefix) {
        services.values().stream().flatMap(List::stream)
                .forEach(s -> System.out.printf(Locale.ROOT, "%s: %s on %s, pid %d, RSS %d MB, log %s%n", prefix,
                        name(s), s.baseUrl(), s.pid(), s.rssBytes() >> 20, s.logFile()));
        for (KafkaBroker node : kafka.nodes()) {
            System.out.printf(Locale.ROOT, "%s: Kafka node %d on %s, pid %d, RSS %d MB%n", prefix, nodeId(node),
                    node.bootstrapServers(), node.pid(), node.rssBytes() >> 20);
        }
    }

    @Override
    public void close() {
        List<ServiceProcess> all = services.values().stream().flatMap(List::stream).toList();
        for (int i = all.size() - 1; i >= 0; i--) {
            all.get(i).stop();
        }
        kafka.stop();
        if (postgres.isRunning()) {
            postgres.dropDatabase(database);
        }
        postgres.close();
    }
}
