package io.herald.client;

import java.time.Instant;

import io.herald.client.Calls.Safety;
import io.herald.client.generated.subscriptions.AttemptsApi;
import io.herald.client.generated.subscriptions.model.AttemptPage;

/** The delivery log: every attempt to deliver, by endpoint or by event, newest first. */
public final class Attempts {

    private final AttemptsApi api;
    private final Calls calls;

    Attempts(AttemptsApi api, Calls calls) {
        this.api = api;
        this.calls = calls;
    }

    public AttemptPage forEndpoint(String endpointId, AttemptQuery query) {
        return calls.run("listEndpointAttempts", Safety.REPEATABLE,
                () -> api.listEndpointAttempts(endpointId, query.cursor(), text(query.from()), query.limit(),
                        query.status().isEmpty() ? null : query.status(), text(query.to())));
    }

    public AttemptPage forEvent(String eventId, AttemptQuery query) {
        return calls.run("listEventAttempts", Safety.REPEATABLE, () -> api.listEventAttempts(eventId, query.cursor(),
                text(query.from()), query.limit(), query.status().isEmpty() ? null : query.status(), text(query.to())));
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
