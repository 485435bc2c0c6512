package io.herald.client;

import java.time.Instant;

import io.herald.client.Calls.Safety;
import io.herald.client.generated.subscriptions.DeadLettersApi;
import io.herald.client.generated.subscriptions.model.DeadLetterPage;
import io.herald.client.generated.subscriptions.model.DeadLetterResponse;
import io.herald.client.generated.subscriptions.model.RecoveryResponse;

/**
 * Deliveries that were not delivered (retries exhausted, endpoint disabled, ...), and sending them again. Replaying is
 * safe to repeat: a dead letter already replayed is not sent again.
 */
public final class DeadLetters {

    private final DeadLettersApi api;
    private final Calls calls;

    DeadLetters(DeadLettersApi api, Calls calls) {
        this.api = api;
        this.calls = calls;
    }

    /**
     * One page of dead letters, newest first; {@code endpointId} and {@code replayed} narrow it when not null,
     * {@code cursor} is the previous page's {@code nextCursor}.
     */
    public DeadLetterPage list(String endpointId, Boolean replayed, String cursor, Integer limit) {
        return list(endpointId, replayed, null, cursor, limit);
    }

    /**
     * As {@link #list(String, Boolean, String, Integer)}, also narrowed to one {@code reason} when not null:
     * {@code EXHAUSTED}, {@code ENDPOINT_DISABLED}, {@code EGRESS_REFUSED} or {@code POSTPONED_TOO_LONG}.
     */
    public DeadLetterPage list(String endpointId, Boolean replayed, String reason, String cursor, Integer limit) {
        return calls.run("listDeadLetters", Safety.REPEATABLE, () -> api.listDeadLetters(cursor, endpointId, limit,
                reason, replayed == null ? null : replayed.toString()));
    }

    /** Sends the delivery again, with its original {@code webhook-id}. */
    public DeadLetterResponse replay(String id) {
        return calls.run("replayDeadLetter", Safety.REPEATABLE, () -> api.replayDeadLetter(id));
    }

    /** Replays every dead letter of the endpoint since {@code since} that was not replayed yet. */
    public RecoveryResponse recover(String endpointId, Instant since) {
        return calls.run("recoverEndpoint", Safety.REPEATABLE, () -> api.recoverEndpoint(endpointId, since.toString()));
    }
}
