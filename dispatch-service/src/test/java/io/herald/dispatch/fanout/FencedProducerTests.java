package io.herald.dispatch.fanout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletionException;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

import io.herald.testing.KafkaTestResource;

/**
 * A replica whose fan-out producer was fenced (another replica aborted its transaction: {@link OrphanedTransactions})
 * tells it from the producer's failure, on the real broker, and reports itself not live.
 */
class FencedProducerTests {

    @Test
    void shouldTellAFencedProducerFromItsFailureAndReportNotLive() {
        String transactionalId = "herald-test-fenced-" + UUID.randomUUID();
        Throwable failure;
        try (KafkaProducer<String, String> zombie = producer(transactionalId);
                KafkaProducer<String, String> successor = producer(transactionalId)) {
            zombie.initTransactions();
            zombie.beginTransaction();
            zombie.send(new ProducerRecord<>("herald.test.fenced", "key", "value"));
            successor.initTransactions();
            failure = catchThrowable(zombie::commitTransaction);
        }
        FencedProducer fenced = new FencedProducer(null);

        assertThat(failure).isNotNull();
        assertThat(FencedProducer.isFencing(new CompletionException(failure))).as("%s", failure).isTrue();
        assertThat(FencedProducer.isFencing(new InvalidProducerEpochException("another failure"))).isFalse();
        assertThat(fenced.call().getStatus()).isEqualTo(HealthCheckResponse.Status.UP);

        fenced.fenced(failure);

        assertThat(fenced.isFenced()).isTrue();
        assertThat(fenced.call().getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(fenced.call().getName()).isEqualTo("fan-out-producer");
    }

    private static KafkaProducer<String, String> producer(String transactionalId) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestResource.bootstrapServers());
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return new KafkaProducer<>(props);
    }
}
