package io.herald.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Plain Kafka clients against the test broker ({@link KafkaTestResource}): what a test writes to Herald's topics, and
 * how it reads them back. Keys and values are strings (UTF-8); a null value is a tombstone. Every module's tests use
 * this one client; their own helpers only add the JSON of their messages.
 */
public final class KafkaTestClient implements AutoCloseable {

    /** How long a read waits for what it expects before it fails. */
    public static final Duration WAIT = Duration.ofSeconds(20);
    private static final Duration POLL = Duration.ofMillis(200);

    private final KafkaProducer<String, byte[]> producer;

    private KafkaTestClient() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestResource.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    /** A producer kept open until {@link #close()}, for a test that writes many times. */
    public static KafkaTestClient connect() {
        return new KafkaTestClient();
    }

    /** Writes one record and returns once the broker acknowledged it. */
    public static void publish(String topic, String key, String value) {
        try (KafkaTestClient client = connect()) {
            client.send(topic, key, value);
        }
    }

    /** Writes the records in order and returns once the broker acknowledged every one. */
    public static void publishAll(List<ProducerRecord<String, String>> records) {
        try (KafkaTestClient client = connect()) {
            client.sendAll(records);
        }
    }

    /**
     * Writes raw values (e.g. bytes that are not UTF-8) under one key, in order, and waits for the acknowledgements.
     */
    public static void publishBytes(String topic, String key, List<byte[]> values) {
        try (KafkaTestClient client = connect()) {
            client.acknowledged(values.stream()
                    .map(value -> client.producer.send(new ProducerRecord<>(topic, key, value))).toList(), topic);
        }
    }

    /** Writes one record and returns once the broker acknowledged it. */
    public void send(String topic, String key, String value) {
        sendAll(List.of(new ProducerRecord<>(topic, key, value)));
    }

    /** Writes the records without waiting for each acknowledgement; returns once all were acknowledged. */
    public void sendAll(List<ProducerRecord<String, String>> records) {
        List<Future<?>> sent = new ArrayList<>(records.size());
        for (ProducerRecord<String, String> record : records) {
            byte[] value = record.value() == null ? null : record.value().getBytes(StandardCharsets.UTF_8);
            sent.add(producer.send(new ProducerRecord<>(record.topic(), record.key(), value)));
        }
        acknowledged(sent, records.isEmpty() ? "" : records.get(0).topic());
    }

    @Override
    public void close() {
        producer.close();
    }

    private void acknowledged(List<? extends Future<?>> sent, String topic) {
        producer.flush();
        for (Future<?> send : sent) {
            try {
                send.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("Cannot write to " + topic, e.getCause());
            }
        }
    }

    /** Every record of {@code topic} up to its end now, committed ones only. */
    public static List<ConsumerRecord<String, String>> readToEnd(String topic) {
        return readToEnd(topic, true);
    }

    /**
     * Every record of {@code topic} up to its end now: committed ones only, or also those of aborted and open
     * transactions ({@code read_uncommitted}).
     */
    public static List<ConsumerRecord<String, String>> readToEnd(String topic, boolean committedOnly) {
        try (Reader reader = fromBeginning(topic, committedOnly)) {
            return reader.toEnd();
        }
    }

    /**
     * The committed records of {@code topic}, from its beginning, that pass {@code filter}, as soon as they satisfy
     * {@code until}; fails after {@code timeout}.
     */
    public static List<ConsumerRecord<String, String>> await(String topic,
            Predicate<ConsumerRecord<String, String>> filter, Predicate<List<ConsumerRecord<String, String>>> until,
            Duration timeout) {
        try (Reader reader = fromBeginning(topic, true)) {
            return reader.await(filter, until, timeout);
        }
    }

    /** A reader of the committed records of {@code topic} from its beginning. */
    public static Reader fromBeginning(String topic) {
        return fromBeginning(topic, true);
    }

    /** A reader of {@code topic} from its beginning; see {@link #readToEnd(String, boolean)}. */
    public static Reader fromBeginning(String topic, boolean committedOnly) {
        Reader reader = new Reader(topic, committedOnly);
        reader.consumer.seekToBeginning(reader.partitions);
        return reader;
    }

    /** A reader of the committed records of {@code topic} written after it was opened. */
    public static Reader fromEnd(String topic) {
        Reader reader = new Reader(topic, true);
        reader.consumer.seekToEnd(reader.partitions);
        reader.partitions.forEach(reader.consumer::position);
        return reader;
    }

    /** A consumer assigned every partition of one topic, without a group. */
    public static final class Reader implements AutoCloseable {

        private final String topic;
        private final KafkaConsumer<String, String> consumer;
        private final List<TopicPartition> partitions;

        private Reader(String topic, boolean committedOnly) {
            Properties props = new Properties();
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestResource.bootstrapServers());
            props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, committedOnly ? "read_committed" : "read_uncommitted");
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            this.topic = topic;
            this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
            this.partitions = consumer.partitionsFor(topic, WAIT).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
        }

        /**
         * Every record from the current position up to the topic's end now; fails if reading stalls for {@link #WAIT}.
         */
        public List<ConsumerRecord<String, String>> toEnd() {
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, WAIT);
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            Instant stalled = Instant.now().plus(WAIT);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (Instant.now().isAfter(stalled)) {
                    throw new AssertionError("Could not read " + topic + " up to " + end + ": nothing new for " + WAIT);
                }
                long before = position();
                consumer.poll(POLL).forEach(records::add);
                if (position() > before) {
                    stalled = Instant.now().plus(WAIT);
                }
            }
            return records;
        }

        /**
         * The records from the current position that pass {@code filter}, as soon as they satisfy {@code until}
         * (checked after each poll); fails after {@code timeout}.
         */
        public List<ConsumerRecord<String, String>> await(Predicate<ConsumerRecord<String, String>> filter,
                Predicate<List<ConsumerRecord<String, String>>> until, Duration timeout) {
            List<ConsumerRecord<String, String>> found = new ArrayList<>();
            Instant deadline = Instant.now().plus(timeout);
            do {
                for (ConsumerRecord<String, String> record : consumer.poll(POLL)) {
                    if (filter.test(record)) {
                        found.add(record);
                    }
                }
                if (until.test(found)) {
                    return found;
                }
            } while (Instant.now().isBefore(deadline));
            throw new AssertionError(topic + " did not hold the expected records within " + timeout + "; "
                    + found.size() + " matching record(s): " + found.stream().map(ConsumerRecord::value).toList());
        }

        private long position() {
            return partitions.stream().mapToLong(consumer::position).sum();
        }

        /** The number of records the topic holds now (the sum of its partitions' end offsets). */
        public long size() {
            return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
