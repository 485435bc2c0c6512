package io.herald.dispatch.fanout;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.junit.jupiter.api.Test;

import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordBatchMetadata;

class FanOutPositionsTests {

    private static final TopicPartition P0 = new TopicPartition("herald.events", 0);
    private static final TopicPartition P1 = new TopicPartition("herald.events", 1);

    @Test
    void shouldTellNothingApartBeforeAnyRewind() {
        FanOutPositions positions = new FanOutPositions(null, null, null);

        assertThat(positions.polledBeforeRewind(batch(P0, 100, 110))).isFalse();
    }

    @Test
    void shouldTellApartABatchThatStartsPastWhereTheConsumerWasSetBack() {
        FanOutPositions positions = new FanOutPositions(null, null, null);
        // A batch of offsets 100-109 was aborted and the consumer set back to 100; 110-119 had been polled already.
        positions.remember(Map.of(P0, 100L, P1, 40L));

        assertThat(positions.polledBeforeRewind(batch(P0, 110, 120))).as("polled before the rewind").isTrue();
        assertThat(positions.polledBeforeRewind(batch(P0, 100, 120))).as("read again from where it was set back")
                .isFalse();
        assertThat(positions.polledBeforeRewind(batch(P0, 120, 130))).as("in step again once read from there")
                .isFalse();
        assertThat(positions.polledBeforeRewind(batch(P1, 45, 50)))
                .as("another partition set back stays so until a batch reads it from there").isTrue();
    }

    @Test
    void shouldTellApartABatchWhenAnyOfItsPartitionsStartsPastTheRewind() {
        FanOutPositions positions = new FanOutPositions(null, null, null);
        positions.remember(Map.of(P0, 100L, P1, 40L));

        Message<List<String>> mixed = batch(Map.of(P0, new long[] { 100, 105 }, P1, new long[] { 41, 43 }));

        assertThat(positions.polledBeforeRewind(mixed)).isTrue();
        assertThat(positions.polledBeforeRewind(batch(P0, 101, 105)))
                .as("a stale batch does not put the partition in step").isTrue();
    }

    @Test
    void shouldForgetAPartitionItNoLongerOwns() {
        FanOutPositions positions = new FanOutPositions(null, null, null);
        positions.remember(Map.of(P0, 100L));

        positions.onPartitionsRevoked(null, List.of(P0));

        // Its next owner moved the committed offset on; when the partition comes back it is read from there.
        assertThat(positions.polledBeforeRewind(batch(P0, 300, 310))).isFalse();
    }

    private static Message<List<String>> batch(TopicPartition partition, long from, long to) {
        return batch(Map.of(partition, new long[] { from, to }));
    }

    /** A polled batch of the given offsets [from, to) per partition, with the connector's batch metadata. */
    private static Message<List<String>> batch(Map<TopicPartition, long[]> ranges) {
        HashMap<TopicPartition, List<ConsumerRecord<String, String>>> records = new HashMap<>();
        HashMap<TopicPartition, OffsetAndMetadata> last = new HashMap<>();
        ranges.forEach((partition, range) -> {
            List<ConsumerRecord<String, String>> polled = new ArrayList<>();
            for (long offset = range[0]; offset < range[1]; offset++) {
                polled.add(new ConsumerRecord<>(partition.topic(), partition.partition(), offset, "key", "{}"));
            }
            records.put(partition, polled);
            last.put(partition, new OffsetAndMetadata(range[1] - 1));
        });
        ConsumerRecords<String, String> polled = new ConsumerRecords<>(records, Map.of());
        List<String> payload = new ArrayList<>();
        polled.forEach(record -> payload.add(record.value()));
        return Message.of(payload,
                Metadata.of(new IncomingKafkaRecordBatchMetadata<>(polled, "events-in", 0, last, 3)));
    }
}
