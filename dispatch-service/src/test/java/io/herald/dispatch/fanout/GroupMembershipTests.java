package io.herald.dispatch.fanout;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

import io.herald.dispatch.GroupMembership;
import io.herald.dispatch.delivery.DeliveryProcessor;
import io.herald.testing.KafkaTestResource;

class GroupMembershipTests {

    @Test
    void shouldBeReadyOnlyOnceTheFanOutAndDeliveryGroupsWereJoined() {
        GroupMembership membership = new GroupMembership(500);
        FanOutPositions fanOut = new FanOutPositions(null, membership, null);

        assertThat(membership.call().getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        fanOut.onPartitionsAssigned(null, List.of());
        assertThat(membership.call().getStatus()).as("the fan-out group alone")
                .isEqualTo(HealthCheckResponse.Status.DOWN);
        membership.deliveriesAssigned(null, List.of());
        assertThat(membership.call().getStatus()).as("no delivery partitions: nothing to catch up with")
                .isEqualTo(HealthCheckResponse.Status.UP);
    }

    @Test
    void shouldBeReadyOnlyOnceTheDeliveryConsumerCaughtUpWithItsPartitions() throws Exception {
        String topic = "herald.test.catch-up-" + UUID.randomUUID();
        TopicPartition partition = new TopicPartition(topic, 0);
        Properties admin = new Properties();
        admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestResource.bootstrapServers());
        try (Admin client = Admin.create(admin)) {
            client.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        Properties producer = new Properties();
        producer.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestResource.bootstrapServers());
        producer.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        producer.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> writer = new KafkaProducer<>(producer)) {
            for (int i = 0; i < 100; i++) {
                writer.send(new ProducerRecord<>(topic, 0, "key", "record " + i));
            }
            writer.flush();
        }
        Properties consumer = new Properties();
        consumer.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestResource.bootstrapServers());
        consumer.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10);
        consumer.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        consumer.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        GroupMembership membership = new GroupMembership(50);
        membership.assigned(FanOut.CHANNEL);
        try (KafkaConsumer<String, String> deliveries = new KafkaConsumer<>(consumer)) {
            deliveries.assign(List.of(partition));
            deliveries.seekToBeginning(List.of(partition));
            membership.deliveriesAssigned(deliveries, List.of(partition));
            assertThat(membership.call().getStatus()).as("its partition not fetched yet")
                    .isEqualTo(HealthCheckResponse.Status.DOWN);

            int read = 0;
            Instant deadline = Instant.now().plusSeconds(30);
            while (read == 0 && Instant.now().isBefore(deadline)) {
                read += deliveries.poll(Duration.ofMillis(200)).count();
            }
            assertThat(read).isEqualTo(10);
            assertThat(membership.call().getStatus()).as("90 records behind")
                    .isEqualTo(HealthCheckResponse.Status.DOWN);
            while (read < 50 && Instant.now().isBefore(deadline)) {
                read += deliveries.poll(Duration.ofMillis(200)).count();
            }
            assertThat(membership.call().getStatus()).as("50 records behind").isEqualTo(HealthCheckResponse.Status.UP);

            membership.deliveriesRevoked(List.of(partition));
            assertThat(membership.call().getStatus()).as("once ready, ready").isEqualTo(HealthCheckResponse.Status.UP);
        }
    }

    @Test
    void shouldWaitForTheChannelsDispatchConsumes() {
        assertThat(GroupMembership.channels()).isEqualTo(Set.of(FanOut.CHANNEL, DeliveryProcessor.CHANNEL));
    }
}
