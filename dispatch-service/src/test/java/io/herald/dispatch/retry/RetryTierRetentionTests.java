package io.herald.dispatch.retry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.herald.contracts.Topics;
import io.herald.dispatch.DeliveryPolicyConfig;
import io.smallrye.config.WithDefault;

/**
 * A record must be read back from its retry tier before the topic's retention deletes it. Read from the code (the tier
 * delays and the configuration defaults) and from the reference topic configuration in {@code k8s/kafka/topics.yaml}.
 */
class RetryTierRetentionTests {

    private static final Path TOPICS = Path.of("..", "k8s", "kafka", "topics.yaml");

    @Test
    void shouldKeepEveryTierRecordFarLongerThanItWaitsInItsTier() throws IOException {
        Map<String, Duration> retention = retentionByTopic();

        for (String tier : Topics.RETRY_TIERS) {
            Duration kept = retention.get(Topics.retryTier(tier));
            assertThat(kept).as("retention of %s", Topics.retryTier(tier)).isNotNull();
            // A record stays in a tier at most the tier's delay; twice that leaves room for a dispatch outage.
            assertThat(RetryTiers.delayOf(tier).multipliedBy(2)).as("tier %s", tier).isLessThan(kept);
        }
    }

    @Test
    void shouldKeepTierRecordsLongerThanTheLongestDelayAnyDeliveryIsGiven() throws Exception {
        Duration shortest = retentionByTopic().entrySet().stream()
                .filter(e -> e.getKey().startsWith(Topics.RETRY_PREFIX)).map(Map.Entry::getValue)
                .min(Duration::compareTo).orElseThrow();
        long longestStep = Arrays.stream(defaultOf(DeliveryPolicyConfig.Retry.class, "scheduleMs").split(","))
                .mapToLong(Long::parseLong).max().orElseThrow();
        double jitter = Double.parseDouble(defaultOf(DeliveryPolicyConfig.Retry.class, "jitter"));
        long retryAfterMax = Long.parseLong(defaultOf(DeliveryPolicyConfig.Retry.class, "retryAfterMaxMs"));
        long postponeMax = Long.parseLong(defaultOf(DeliveryPolicyConfig.Limits.class, "postponeMaxMs"));

        List<Long> longestDelays = List.of(Math.round(longestStep * (1 + jitter)), retryAfterMax,
                Math.round(postponeMax * 1.1));

        for (long delay : longestDelays) {
            assertThat(Duration.ofMillis(delay)).isLessThan(shortest);
        }
    }

    private static String defaultOf(Class<?> config, String method) throws NoSuchMethodException {
        return config.getMethod(method).getAnnotation(WithDefault.class).value();
    }

    /** {@code retention.ms} of every topic in the reference Strimzi {@code KafkaTopic}s. */
    private static Map<String, Duration> retentionByTopic() throws IOException {
        Map<String, Duration> retention = new HashMap<>();
        for (String document : Files.readString(TOPICS).split("(?m)^---")) {
            Matcher name = Pattern.compile("(?m)^\\s+topicName:\\s*(\\S+)").matcher(document);
            Matcher kept = Pattern.compile("(?m)^\\s+retention\\.ms:\\s*\"?(\\d+)").matcher(document);
            if (name.find() && kept.find()) {
                retention.put(name.group(1), Duration.ofMillis(Long.parseLong(kept.group(1))));
            }
        }
        return retention;
    }
}
