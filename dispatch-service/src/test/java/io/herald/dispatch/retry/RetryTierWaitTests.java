package io.herald.dispatch.retry;

import static io.herald.dispatch.Fixtures.endpointOn;
import static io.herald.dispatch.Fixtures.event;
import static io.herald.dispatch.Fixtures.partitionOf;
import static io.herald.dispatch.Fixtures.tenant;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.herald.contracts.messages.DeliveryMessage;
import io.herald.contracts.messages.EndpointState;
import io.herald.contracts.messages.EventMessage;
import io.herald.contracts.messages.WebhookPayload;
import io.herald.dispatch.DeliveryTestBase;
import io.herald.testing.KafkaTestResource;
import io.herald.testing.WebhookReceiver;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A record waiting in a retry tier never holds back another tenant's record due sooner on the same tier partition, and
 * a record due later than its tier's delay moves on through the tiers and still arrives at its due time, not before.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
class RetryTierWaitTests extends DeliveryTestBase {

    @Test
    void shouldDeliverARecordDueSoonerWithoutWaitingBehindAnotherTenantsLongWaitOnTheSamePartition() throws Exception {
        int partition = partitionOf("ep_" + UUID.randomUUID());
        EndpointState patient = register(endpointOn(partition, tenant(), receiver.url("/patient")));
        EndpointState urgent = register(endpointOn(partition, tenant(), receiver.url("/urgent")));

        EventMessage late = event(patient.tenant(), "order.created");
        Instant dueLate = Instant.now().plusSeconds(12);
        kafka.publishRetry("5s", retry(late, patient, dueLate));
        // Long enough for the waiting record to be read, and (before this was fixed) its partition paused.
        Thread.sleep(1500);
        EventMessage soon = event(urgent.tenant(), "order.created");
        Instant dueSoon = Instant.now().plusMillis(500);
        kafka.publishRetry("5s", retry(soon, urgent, dueSoon));

        WebhookReceiver.Received first = receiver.await(1, Duration.ofSeconds(30)).get(0);
        assertThat(first.path()).isEqualTo("/urgent");
        assertThat(Duration.between(dueSoon, first.at())).isLessThan(Duration.ofSeconds(3));

        WebhookReceiver.Received second = receiver.await(2, Duration.ofSeconds(40)).get(1);
        assertThat(second.path()).isEqualTo("/patient");
        assertThat(second.at()).isAfterOrEqualTo(dueLate.minusMillis(5));
        assertThat(Duration.between(dueLate, second.at())).isLessThan(Duration.ofSeconds(3));
    }

    private static DeliveryMessage retry(EventMessage event, EndpointState endpoint, Instant due) {
        return DeliveryMessage.first(event, endpoint.id(), WebhookPayload.render(event), Instant.now()).retryAt(due);
    }
}
