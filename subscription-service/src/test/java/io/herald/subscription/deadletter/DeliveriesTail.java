package io.herald.subscription.deadletter;

import java.util.List;
import java.util.function.Predicate;

import io.herald.contracts.Json;
import io.herald.contracts.Topics;
import io.herald.contracts.messages.DeliveryMessage;
import io.herald.testing.KafkaTestClient;

/** A consumer of herald.deliveries that sees only what was published after it was opened. */
public final class DeliveriesTail implements AutoCloseable {

    private final KafkaTestClient.Reader reader = KafkaTestClient.fromEnd(Topics.DELIVERIES);

    /**
     * The deliveries published for this endpoint (the Kafka key) since the tail was opened, up to and including the
     * first one {@code last} accepts. The topic is keyed by endpoint, so everything published for the endpoint before
     * that one is in the list.
     */
    public List<DeliveryMessage> until(String endpointId, Predicate<DeliveryMessage> last) {
        List<DeliveryMessage> found = reader
                .await(record -> endpointId.equals(record.key()),
                        records -> records.stream().anyMatch(r -> last.test(read(r.value()))), KafkaTestClient.WAIT)
                .stream().map(record -> read(record.value())).toList();
        int first = 0;
        while (!last.test(found.get(first))) {
            first++;
        }
        return found.subList(0, first + 1);
    }

    @Override
    public void close() {
        reader.close();
    }

    private static DeliveryMessage read(String value) {
        return Json.read(value, DeliveryMessage.class);
    }
}
