package io.herald.dispatch.fanout;

import static io.herald.dispatch.Fixtures.event;
import static io.herald.dispatch.Fixtures.tenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.junit.jupiter.api.Test;

import io.herald.contracts.Topics;
import io.herald.contracts.messages.DeliveryMessage;
import io.herald.contracts.messages.EventMessage;
import io.herald.contracts.messages.WebhookPayload;
import io.herald.dispatch.DeliveryTestBase;
import io.herald.testing.KafkaTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordBatchMetadata;

/**
 * On the real broker: a fan-out transaction whose commit fails is reported as failed, so fan-out reads its events
 * again. SmallRye's connector aborts such a transaction and then completes it as if it had committed; here the commit
 * fails as at a rebalance, the batch carrying a consumer-group generation the fan-out consumer is no longer in.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
class FanOutTransactionsTests extends DeliveryTestBase {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Inject
    FanOutTransactions transactions;
    @Inject
    DeliveryPublisher publisher;

    @Test
    void shouldFailATransactionWhoseCommitFailedAndLeaveNothingVisible() {
        String tenant = tenant();
        DeliveryMessage delivery = delivery(tenant);
        Message<List<String>> polledInAnotherGeneration = Message.of(List.of(),
                Metadata.of(new IncomingKafkaRecordBatchMetadata<>(ConsumerRecords.empty(), FanOut.CHANNEL, 0,
                        Map.of(new TopicPartition(Topics.EVENTS, 0), new OffsetAndMetadata(0)), 999_999)));

        Uni<Integer> transaction = transactions.run(polledInAnotherGeneration, emitter -> {
            publisher.send(emitter, delivery);
            return Uni.createFrom().item(1);
        });

        assertThatThrownBy(() -> transaction.await().atMost(TIMEOUT)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("did not commit");
        assertThat(kafka.deliveries(d -> tenant.equals(d.tenant()), false))
                .as("the delivery was written in the transaction").hasSize(1);
        assertThat(kafka.deliveries(d -> tenant.equals(d.tenant()))).as("and aborted with it").isEmpty();
    }

    @Test
    void shouldPassOnATransactionThatCommitted() {
        String tenant = tenant();
        DeliveryMessage delivery = delivery(tenant);

        Integer sent = transactions.run(emitter -> {
            publisher.send(emitter, delivery);
            return Uni.createFrom().item(1);
        }).await().atMost(TIMEOUT);

        assertThat(sent).isEqualTo(1);
        await().atMost(TIMEOUT).until(() -> kafka.deliveries(d -> tenant.equals(d.tenant())).size() == 1);
    }

    private static DeliveryMessage delivery(String tenant) {
        EventMessage event = event(tenant, "order.created");
        return DeliveryMessage.first(event, "ep_unknown", WebhookPayload.render(event), Instant.now());
    }
}
