package io.herald.subscription;

import java.util.List;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.ConfigProvider;

import io.herald.contracts.Json;
import io.herald.contracts.Topics;
import io.herald.contracts.messages.EndpointState;
import io.herald.contracts.secrets.Keyring;
import io.herald.subscription.secret.SecretCipher;
import io.herald.testing.KafkaTestClient;

/** Reads {@code herald.endpoints} of the test broker from the beginning, for assertions on what the relay published. */
public final class EndpointTopic {

    private EndpointTopic() {
    }

    /** A record's endpoint state with its secrets opened by the service's configured keyring. */
    public static EndpointState state(String value) {
        return Json.read(value, EndpointState.class).opened(keyring());
    }

    /** The keyring the service under test is configured with. */
    public static Keyring keyring() {
        return Keyring.parse(ConfigProvider.getConfig().getValue(SecretCipher.SETTING, String.class),
                SecretCipher.SETTING);
    }

    /**
     * The records with key {@code endpointId}, in order, as soon as the last one matches {@code until}; fails after a
     * bounded wait.
     */
    public static List<ConsumerRecord<String, String>> awaitRecords(String endpointId,
            Predicate<List<ConsumerRecord<String, String>>> until) {
        return awaitRecords(Topics.ENDPOINTS, endpointId, until);
    }

    /** As {@link #awaitRecords(String, Predicate)}, on another topic (e.g. {@code herald.event-types}). */
    public static List<ConsumerRecord<String, String>> awaitRecords(String topic, String endpointId,
            Predicate<List<ConsumerRecord<String, String>>> until) {
        return KafkaTestClient.await(topic, record -> endpointId.equals(record.key()),
                found -> !found.isEmpty() && until.test(found), KafkaTestClient.WAIT);
    }

    /** What herald.endpoints holds for this key right now (reads to the current end of every partition). */
    public static List<ConsumerRecord<String, String>> recordsNow(String key) {
        return KafkaTestClient.readToEnd(Topics.ENDPOINTS).stream().filter(record -> key.equals(record.key())).toList();
    }
}
