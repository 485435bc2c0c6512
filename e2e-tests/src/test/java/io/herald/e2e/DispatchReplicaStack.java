package io.herald.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.herald.contracts.secrets.Keyring;
import io.herald.devstack.HeraldTopics;
import io.herald.devstack.KafkaBroker;
import io.herald.devstack.ServiceEnv;
import io.herald.devstack.ServiceProcess;
import io.herald.testing.TestTokens;
import io.herald.testing.WebhookReceiver;

/**
 * What the failover tests share: a broker with Herald's topics, a webhook receiver and two dispatch replicas (packaged
 * jars, as processes, each its own pod name) started on it. Endpoint state and events are written straight to Kafka, as
 * subscription and ingest would.
 */
final class DispatchReplicaStack implements AutoCloseable {

    /** The test's own Kafka clients print their whole configuration at INFO; dispatch logs to a file. */
    private static final Logger KAFKA_CLIENT_LOG = Logger.getLogger("org.apache.kafka");

    static {
        KAFKA_CLIENT_LOG.setLevel(Level.WARNING);
    }

    final KafkaBroker kafka;
    final WebhookReceiver receiver;
    final List<ServiceProcess> dispatch;

    private DispatchReplicaStack(KafkaBroker kafka, WebhookReceiver receiver, List<ServiceProcess> dispatch) {
        this.kafka = kafka;
        this.receiver = receiver;
        this.dispatch = dispatch;
    }

    /**
     * Starts the stack with {@code partitions} per topic, each replica with {@code extraEnv} on top of the local
     * stack's environment; whatever started is stopped again when a part fails to start.
     */
    static DispatchReplicaStack start(Path work, int partitions, Map<String, String> extraEnv) {
        assertThat(ServiceProcess.jarOf(ServiceEnv.DISPATCH)).as("the packaged dispatch-service").exists();
        String run = UUID.randomUUID().toString().substring(0, 8);
        KafkaBroker kafka = KafkaBroker.create(work.resolve("kafka-" + run)).start();
        WebhookReceiver receiver = null;
        List<ServiceProcess> dispatch = List.of();
        try {
            HeraldTopics.create(kafka.bootstrapServers(), partitions);
            receiver = WebhookReceiver.start();
            dispatch = ServiceStack.dispatchReplicas(2, env(kafka).envFor(ServiceEnv.DISPATCH), extraEnv,
                    work.resolve("logs-" + run));
            ServiceStack.startAll(dispatch);
            return new DispatchReplicaStack(kafka, receiver, dispatch);
        } catch (RuntimeException | Error e) {
            new DispatchReplicaStack(kafka, receiver, dispatch).close();
            throw e;
        }
    }

    /** The keyring the replicas were started with, to seal endpoint state as subscription would. */
    Keyring keyring() {
        return Keyring.parse(env(kafka).secretsEncryptionKey(), "test");
    }

    @Override
    public void close() {
        dispatch.forEach(ServiceProcess::stop);
        if (receiver != null) {
            receiver.close();
        }
        kafka.stop();
    }

    private static ServiceEnv env(KafkaBroker kafka) {
        return new ServiceEnv(kafka.bootstrapServers(), null, TestTokens.SECRET);
    }
}
