package io.herald.ingest.event;

import java.util.List;
import java.util.Optional;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import io.herald.contracts.Json;
import io.herald.contracts.Topics;
import io.herald.contracts.messages.EventMessage;
import io.herald.testing.KafkaTestClient;

/** Reads herald.events back: everything the broker holds right now, no waiting. */
public final class EventsTopic {

    private EventsTopic() {
    }

    /** Every record in herald.events up to the current end of each partition. */
    public static List<ConsumerRecord<String, String>> records() {
        return KafkaTestClient.readToEnd(Topics.EVENTS);
    }

    /** The record of the event with {@code id}, if the broker has it. */
    public static Optional<ConsumerRecord<String, String>> find(String id) {
        return records().stream().filter(r -> id.equals(Json.read(r.value(), EventMessage.class).id())).findFirst();
    }
}
