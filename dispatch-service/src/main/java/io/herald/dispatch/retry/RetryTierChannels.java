package io.herald.dispatch.retry;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.eclipse.microprofile.config.spi.ConfigSource;

import io.herald.contracts.Topics;

/**
 * The Kafka channel of every retry tier ({@code mp.messaging.incoming.retry-<tier>.*}), written once here for all the
 * tiers of {@link Topics#RETRY_TIERS} instead of once per tier in {@code application.properties}. Its ordinal is below
 * {@code application.properties} (250) and the environment, so either can still override one tier's setting.
 * <p>
 * A record waits in memory for its due time, unacknowledged (a restart reads it again): hence no unprocessed-record age
 * limit. A pause takes effect after the poll in progress, so polls are short to keep due times precise. Group session
 * and heartbeat follow {@code herald.dispatch.failover.*}, as dispatch's other consumers do.
 */
public class RetryTierChannels implements ConfigSource {

    private static final Map<String, String> TIER_CHANNEL = Map.ofEntries(Map.entry("connector", "smallrye-kafka"),
            Map.entry("key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer"),
            Map.entry("value.deserializer", "org.apache.kafka.common.serialization.StringDeserializer"),
            Map.entry("auto.offset.reset", "earliest"), Map.entry("enable.auto.commit", "false"),
            Map.entry("session.timeout.ms", "${herald.dispatch.failover.session-timeout-ms}"),
            Map.entry("heartbeat.interval.ms", "${herald.dispatch.failover.heartbeat-interval-ms}"),
            Map.entry("partition.assignment.strategy", "${herald.dispatch.failover.partition-assignment-strategy}"),
            Map.entry("isolation.level", "read_committed"), Map.entry("commit-strategy", "throttled"),
            Map.entry("auto.commit.interval.ms", "200"), Map.entry("throttled.unprocessed-record-max-age.ms", "0"),
            Map.entry("failure-strategy", "fail"), Map.entry("poll-timeout", "100"),
            Map.entry("max.poll.records", "100"));

    private final Map<String, String> properties = new LinkedHashMap<>();

    public RetryTierChannels() {
        for (String tier : Topics.RETRY_TIERS) {
            String prefix = "mp.messaging.incoming." + RetryTierConsumer.channel(tier) + ".";
            TIER_CHANNEL.forEach((key, value) -> properties.put(prefix + key, value));
            properties.put(prefix + "topic", Topics.retryTier(tier));
            properties.put(prefix + "group.id", "herald-dispatch-retry-" + tier);
        }
    }

    @Override
    public Set<String> getPropertyNames() {
        return properties.keySet();
    }

    @Override
    public String getValue(String propertyName) {
        return properties.get(propertyName);
    }

    @Override
    public String getName() {
        return "herald-retry-tier-channels";
    }

    @Override
    public int getOrdinal() {
        return 200;
    }
}
