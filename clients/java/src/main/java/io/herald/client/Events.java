package io.herald.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import io.herald.client.Calls.Safety;
import io.herald.client.generated.ingest.EventsApi;
import io.herald.client.generated.ingest.model.BatchItemResult;
import io.herald.client.generated.ingest.model.BatchRequest;
import io.herald.client.generated.ingest.model.BatchResult;
import io.herald.client.generated.ingest.model.EventAccepted;
import io.herald.client.generated.ingest.model.EventRequest;

/**
 * Publishing: every publish carries an Idempotency-Key (a random one unless you pass yours), so the client's retries
 * after a timeout or a 503 return the first answer instead of publishing the event twice.
 */
public final class Events {

    private final EventsApi api;
    private final Calls calls;

    Events(EventsApi api, Calls calls) {
        this.api = api;
        this.calls = calls;
    }

    /** Publishes an event of {@code type} whose {@code data} is any JSON-serialisable value (a Map, a record...). */
    public EventAccepted send(String type, Object data) {
        return send(new EventRequest().type(type).data(data));
    }

    /** Publishes one event; answers once Kafka has it. */
    public EventAccepted send(EventRequest event) {
        return send(event, newKey());
    }

    /** Publishes one event under your Idempotency-Key: the same key within 24 hours returns the first answer. */
    public EventAccepted send(EventRequest event, String idempotencyKey) {
        return calls.run("publishEvent", Safety.REPEATABLE, () -> api.publishEvent(event, idempotencyKey));
    }

    /**
     * Publishes a batch, each event judged on its own (see {@link BatchResult#getResults()}). Items Herald could not
     * store in time (status 503) are sent again with the ids it gave them, as long as the retry policy allows, so they
     * are not published twice; items that are invalid (400) stay in the result for you to fix.
     */
    public BatchResult sendBatch(List<EventRequest> events) {
        String key = newKey();
        BatchResult result = calls.run("publishEventBatch", Safety.REPEATABLE,
                () -> api.publishEventBatch(new BatchRequest().events(new ArrayList<>(events)), key));
        Map<Integer, BatchItemResult> merged = new TreeMap<>();
        result.getResults().forEach(item -> merged.put(item.getIndex(), item));
        for (int round = 1; round < calls.maxAttempts(); round++) {
            List<BatchItemResult> unavailable = merged.values().stream()
                    .filter(item -> item.getStatus() == BatchItemResult.StatusEnum.NUMBER_503).toList();
            if (unavailable.isEmpty()) {
                break;
            }
            calls.pause(round + 1, null);
            List<EventRequest> again = unavailable.stream()
                    .map(item -> copyWithId(events.get(item.getIndex()), item.getId())).toList();
            // A batch with 503 items is not stored under its key: the retry of those items gets a key of its own.
            String retryKey = key + "-" + round;
            BatchResult retried = calls.run("publishEventBatch", Safety.REPEATABLE,
                    () -> api.publishEventBatch(new BatchRequest().events(new ArrayList<>(again)), retryKey));
            for (BatchItemResult item : retried.getResults()) {
                int original = unavailable.get(item.getIndex()).getIndex();
                merged.put(original, item.index(original));
            }
        }
        List<BatchItemResult> results = new ArrayList<>(merged.values());
        int accepted = (int) results.stream().filter(r -> r.getStatus() == BatchItemResult.StatusEnum.NUMBER_202)
                .count();
        return new BatchResult().results(results).accepted(accepted).rejected(results.size() - accepted);
    }

    private static EventRequest copyWithId(EventRequest event, String id) {
        return new EventRequest().type(event.getType()).data(event.getData()).orderingKey(event.getOrderingKey())
                .occurredAt(event.getOccurredAt()).id(id != null ? id : event.getId());
    }

    private static String newKey() {
        return UUID.randomUUID().toString();
    }
}
