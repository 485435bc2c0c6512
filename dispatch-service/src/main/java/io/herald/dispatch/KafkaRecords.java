package io.herald.dispatch;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

import jakarta.inject.Singleton;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.herald.contracts.MessageJson;
import io.herald.contracts.messages.DeliveryMessage;
import io.herald.contracts.tracing.TraceContext;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordBatchMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/** How dispatch reads and writes Kafka record values: JSON, poison records skipped, every record keyed. */
@Singleton
public class KafkaRecords {

    private static final Logger LOG = Logger.getLogger(KafkaRecords.class);

    private final MessageJson messages;

    public KafkaRecords(MessageJson messages) {
        this.messages = messages;
    }

    /**
     * A record's value as {@code type}, or null (logged) when it cannot be one: the caller skips it, so a poison record
     * cannot stall its partition.
     *
     * @param missing names the required fields the value lacks, or null when it has them all
     */
    public <T> T readOrSkip(String json, Class<T> type, String topic, Function<T, String> missing) {
        try {
            if (json == null) {
                throw new IllegalArgumentException("no value");
            }
            T value = messages.read(json, type);
            String lacking = missing.apply(value);
            if (lacking != null) {
                throw new IllegalArgumentException(lacking + " required");
            }
            return value;
        } catch (IllegalArgumentException e) {
            LOG.warnf("Skipping an unreadable record on %s: %s", topic, e.getMessage());
            return null;
        }
    }

    /** A delivery record's value (herald.deliveries or a retry tier), or null (logged) when it cannot be one. */
    public DeliveryMessage delivery(String json, String topic) {
        return readOrSkip(json, DeliveryMessage.class, topic,
                d -> d.id() == null || d.endpointId() == null || d.tenant() == null || d.webhookId() == null
                        || d.payload() == null ? "id, endpointId, tenant, webhookId and payload" : null);
    }

    /** What a consumed record's value takes in memory, about: two bytes a character plus the record's overhead. */
    public static long sizeOf(Message<String> message) {
        String value = message.getPayload();
        return value == null ? 64 : 2L * value.length() + 64;
    }

    /** {@code value} as the JSON value of a record for {@code topic} with key {@code key}. */
    public Message<String> keyed(Object value, String topic, String key) {
        return keyed(value, topic, key, null);
    }

    /** As {@link #keyed(Object, String, String)}, with a {@code traceparent} header unless it is null. */
    public Message<String> keyed(Object value, String topic, String key, String traceparent) {
        var metadata = OutgoingKafkaRecordMetadata.<String> builder().withTopic(topic).withKey(key);
        if (traceparent != null) {
            metadata.withHeaders(
                    new RecordHeaders().add(TraceContext.TRACEPARENT, traceparent.getBytes(StandardCharsets.US_ASCII)));
        }
        return Message.of(messages.write(value)).addMetadata(metadata.build());
    }

    /**
     * {@code read} applied to each record of a polled batch (its timestamp and headers), in the order of the batch's
     * payloads; {@code missing} for every one when the batch does not carry its records.
     */
    public static <T> List<T> eachRecord(Message<List<String>> batch, BiFunction<Instant, Headers, T> read, T missing) {
        int size = batch.getPayload().size();
        List<T> values = new ArrayList<>(size);
        if (batch instanceof KafkaRecordBatch<?, ?> records) {
            for (KafkaRecord<?, ?> record : records.getRecords()) {
                values.add(read.apply(record.getTimestamp(), record.getHeaders()));
            }
        } else {
            batch.getMetadata(IncomingKafkaRecordBatchMetadata.class)
                    .ifPresent(m -> ((IncomingKafkaRecordBatchMetadata<?, ?>) m).getRecords()
                            .forEach(r -> values.add(read.apply(Instant.ofEpochMilli(r.timestamp()), r.headers()))));
        }
        if (values.size() != size) {
            values.clear();
            for (int i = 0; i < size; i++) {
                values.add(missing);
            }
        }
        return values;
    }
}
