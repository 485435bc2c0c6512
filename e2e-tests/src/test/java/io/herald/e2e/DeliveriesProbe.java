package io.herald.e2e;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import io.herald.contracts.Json;
import io.herald.contracts.Topics;
import io.herald.contracts.messages.DeliveryMessage;

/**
 * Watches {@code herald.deliveries} from outside dispatch while a test runs: every committed delivery record as a
 * {@code read_committed} consumer sees it (when fan-out wrote it, when it became readable), and every
 * {@link #SAMPLE_EVERY} each partition's high watermark, last stable offset, the delivery group's committed offset and
 * the transactions open on it. It tells where a delivery waited (behind an open transaction, or in dispatch after it
 * became readable) and whether fan-out wrote any (event, endpoint) pair more than once.
 */
final class DeliveriesProbe implements AutoCloseable {

    private static final Duration SAMPLE_EVERY = Duration.ofMillis(100);

    /** One committed delivery record. */
    record Seen(int partition, long offset, String deliveryId, String eventId, String endpointId, Instant written,
            Instant readable) {
    }

    /**
     * One partition at one moment: high watermark, last stable offset, the delivery group's committed offset (-1: none)
     * and the first offset of each open transaction by producer id.
     */
    record Sample(Instant at, int partition, long highWatermark, long lastStable, long committed,
            Map<Long, Long> openTransactions) {
    }

    private final String bootstrapServers;
    private final String group;
    private final int partitions;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final List<Sample> samples = new CopyOnWriteArrayList<>();
    private final Map<String, Integer> pairs = new ConcurrentHashMap<>();
    private final Thread reader;
    private final Thread sampler;

    private DeliveriesProbe(String bootstrapServers, String group, int partitions) {
        this.bootstrapServers = bootstrapServers;
        this.group = group;
        this.partitions = partitions;
        this.reader = new Thread(this::read, "deliveries-probe-reader");
        this.sampler = new Thread(this::sample, "deliveries-probe-sampler");
    }

    /** Starts reading {@code herald.deliveries} from its beginning and sampling its partitions. */
    static DeliveriesProbe start(String bootstrapServers, String deliveryGroup, int partitions) {
        DeliveriesProbe probe = new DeliveriesProbe(bootstrapServers, deliveryGroup, partitions);
        probe.reader.setDaemon(true);
        probe.sampler.setDaemon(true);
        probe.reader.start();
        probe.sampler.start();
        return probe;
    }

    /** The partition of {@code herald.deliveries} that {@code endpointId}'s deliveries go to, as far as seen. */
    Integer partitionOf(String endpointId) {
        return seen.stream().filter(s -> s.endpointId().equals(endpointId)).map(Seen::partition).findFirst()
                .orElse(null);
    }

    /** Every committed delivery record seen so far. */
    List<Seen> seen() {
        return List.copyOf(seen);
    }

    /** The committed delivery records of {@code endpointId}, in offset order. */
    List<Seen> seenFor(String endpointId) {
        return seen.stream().filter(s -> s.endpointId().equals(endpointId)).toList();
    }

    /** (event, endpoint) pairs with more than one committed delivery record: fan-out was not exactly once. */
    Map<String, Integer> duplicatePairs() {
        Map<String, Integer> duplicates = new TreeMap<>();
        pairs.forEach((pair, count) -> {
            if (count > 1) {
                duplicates.put(pair, count);
            }
        });
        return duplicates;
    }

    /** The samples of {@code partition} between {@code from} and {@code to}. */
    List<Sample> samples(int partition, Instant from, Instant to) {
        return samples.stream().filter(s -> s.partition() == partition && !s.at().isBefore(from) && !s.at().isAfter(to))
                .toList();
    }

    private void read() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString().toLowerCase());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "20");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> all = partitions();
            consumer.assign(all);
            consumer.seekToBeginning(all);
            while (running.get()) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(50))) {
                    Instant readable = Instant.now();
                    DeliveryMessage delivery = Json.read(record.value(), DeliveryMessage.class);
                    seen.add(new Seen(record.partition(), record.offset(), delivery.id(), delivery.eventId(),
                            delivery.endpointId(), Instant.ofEpochMilli(record.timestamp()), readable));
                    // Only fan-out writes to herald.deliveries (retries and postponements go to the retry tiers).
                    pairs.merge(delivery.eventId() + " " + delivery.endpointId(), 1, Integer::sum);
                }
            }
        } catch (RuntimeException e) {
            if (running.get()) {
                System.out.println("DeliveriesProbe: reading stopped: " + e);
            }
        }
    }

    private void sample() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(props)) {
            List<TopicPartition> all = partitions();
            Map<TopicPartition, OffsetSpec> latest = new TreeMap<>(
                    (a, b) -> Integer.compare(a.partition(), b.partition()));
            all.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
            while (running.get()) {
                Instant at = Instant.now();
                try {
                    var highWatermarks = admin
                            .listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED)).all()
                            .get(5, TimeUnit.SECONDS);
                    var lastStable = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                            .all().get(5, TimeUnit.SECONDS);
                    Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                            .partitionsToOffsetAndMetadata().get(5, TimeUnit.SECONDS);
                    var producers = admin.describeProducers(all).all().get(5, TimeUnit.SECONDS);
                    for (TopicPartition tp : all) {
                        Map<Long, Long> open = new TreeMap<>();
                        Collection<ProducerState> states = producers.get(tp).activeProducers();
                        for (ProducerState state : states) {
                            state.currentTransactionStartOffset()
                                    .ifPresent(start -> open.put(state.producerId(), start));
                        }
                        OffsetAndMetadata offset = committed.get(tp);
                        samples.add(new Sample(at, tp.partition(), highWatermarks.get(tp).offset(),
                                lastStable.get(tp).offset(), offset == null ? -1 : offset.offset(), open));
                    }
                } catch (Exception e) {
                    if (!running.get()) {
                        return;
                    }
                }
                long left = SAMPLE_EVERY.toMillis() - Duration.between(at, Instant.now()).toMillis();
                if (left > 0) {
                    try {
                        Thread.sleep(left);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }
    }

    private List<TopicPartition> partitions() {
        return IntStream.range(0, partitions).mapToObj(p -> new TopicPartition(Topics.DELIVERIES, p)).toList();
    }

    /** Stops reading and sampling. */
    @Override
    public void close() {
        running.set(false);
        try {
            reader.join(5000);
            sampler.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Describes, for one endpoint, the records around a stretch of time: written, readable, in s from {@code zero}. */
    static List<String> describe(List<Seen> records, Instant zero) {
        List<String> lines = new ArrayList<>();
        for (Seen s : records) {
            lines.add(String.format(java.util.Locale.ROOT, "p%d@%d %s written %+.3f readable %+.3f", s.partition(),
                    s.offset(), s.eventId(), seconds(zero, s.written()), seconds(zero, s.readable())));
        }
        return lines;
    }

    static double seconds(Instant zero, Instant at) {
        return Duration.between(zero, at).toMillis() / 1000.0;
    }
}
