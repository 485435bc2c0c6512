package io.herald.subscription.deadletter;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.herald.contracts.MessageJson;
import io.herald.contracts.messages.DeadLetterReason;
import io.herald.kit.problem.ProblemException;
import io.herald.subscription.paging.KeysetCursor;
import io.herald.subscription.paging.Page;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Browsing and replaying dead letters, scoped to the caller's tenant.
 * <p>
 * A replay publishes the dead letter's delivery again (same delivery id and {@code webhook-id}, attempts reset to 0,
 * due at once) to {@code herald.deliveries} and, only after Kafka acknowledged it, marks the dead letter replayed, in
 * the transaction that holds its row lock: concurrent replays of one dead letter publish once. Replaying a dead letter
 * already replayed publishes nothing and answers the same. At least once: if the service dies between the ack and the
 * commit, the next replay publishes again, which subscribers absorb by the unchanged {@code webhook-id}. If the
 * replayed delivery fails for good again, it comes back as a new dead letter.
 * <p>
 * Dead letters of every reason are replayed alike. Replaying into a disabled endpoint is refused with 409: dispatch
 * would make each delivery a dead letter again at once ({@code endpoint_disabled}); enable the endpoint first. A
 * recovery also waits (up to the publish timeout) until the endpoint's last change left the outbox, so the state
 * dispatch routes by is on {@code herald.endpoints} before the replayed deliveries are on {@code herald.deliveries}:
 * "enable, then recover" right after each other does not race the relay.
 */
@ApplicationScoped
public class DeadLetterService {

    private final DeadLetterRepository letters;
    private final DeliveryReplayPublisher publisher;
    private final DeadLetterConfig config;
    private final Clock clock;
    private final MessageJson json;

    public DeadLetterService(DeadLetterRepository letters, DeliveryReplayPublisher publisher, DeadLetterConfig config,
            Clock clock, MessageJson json) {
        this.letters = letters;
        this.publisher = publisher;
        this.config = config;
        this.clock = clock;
        this.json = json;
    }

    public Uni<DeadLetterPage> list(String tenant, String endpointId, Boolean replayed, DeadLetterReason reason,
            KeysetCursor after, int limit) {
        return letters.list(tenant, endpointId, replayed, reason, after, Page.fetchSize(limit))
                .map(rows -> Page.of(rows.stream().map(DeadLetterResponse::of).toList(), limit,
                        (DeadLetterResponse last) -> KeysetCursor.after(last.deadAt(), last.id()).encode()))
                .map(page -> new DeadLetterPage(page.data(), page.nextCursor()));
    }

    /** Replays one dead letter (see the class comment); 404 when it is not the tenant's. */
    public Uni<DeadLetter> replay(String tenant, String id) {
        return letters.pool()
                .withTransaction(transaction -> letters.lockForTenant(transaction, tenant, id).chain(letter -> {
                    if (letter == null) {
                        return Uni.createFrom()
                                .failure(ProblemException.notFound("No dead letter with id '" + id + "'"));
                    }
                    if (letter.replayedAt() != null) {
                        return Uni.createFrom().item(letter);
                    }
                    // A deleted endpoint is not refused: dispatch drops deliveries of endpoints it does not know.
                    return letters.endpointEnabled(transaction, tenant, letter.endpointId()).chain(enabled -> {
                        if (Boolean.FALSE.equals(enabled)) {
                            return Uni.createFrom().failure(endpointDisabled(letter.endpointId()));
                        }
                        Instant now = now();
                        return publisher.publish(List.of(letter.replayMessage(json)))
                                .chain(() -> letters.markReplayed(transaction, List.of(letter.id()), now))
                                .replaceWith(letter.replayed(now));
                    });
                }));
    }

    /**
     * Replays every pending dead letter of the tenant's endpoint that died at or after {@code since}, oldest first, a
     * batch per transaction; answers how many this call replayed. Calling it again replays only what died since or was
     * left pending, so a client may retry a call that failed or timed out.
     */
    public Uni<RecoveryResponse> recover(String tenant, String endpointId, Instant since) {
        return letters.endpointEnabled(letters.pool(), tenant, endpointId).chain(enabled -> {
            if (enabled == null) {
                return Uni.createFrom().failure(ProblemException.notFound("No endpoint with id '" + endpointId + "'"));
            }
            if (!enabled) {
                return Uni.createFrom().failure(endpointDisabled(endpointId));
            }
            return awaitPublished(endpointId).chain(() -> recoverAll(tenant, endpointId, since));
        });
    }

    private Uni<RecoveryResponse> recoverAll(String tenant, String endpointId, Instant since) {
        return Multi.createBy().repeating().uni(() -> recoverBatch(tenant, endpointId, since))
                .whilst(replayed -> replayed == config.recoverBatchSize()).collect()
                .with(java.util.stream.Collectors.summingInt(Integer::intValue))
                .map(total -> new RecoveryResponse(endpointId, since, total));
    }

    private Uni<Integer> recoverBatch(String tenant, String endpointId, Instant since) {
        return letters.pool().withTransaction(transaction -> letters
                .lockPending(transaction, tenant, endpointId, since, config.recoverBatchSize()).chain(batch -> {
                    if (batch.isEmpty()) {
                        return Uni.createFrom().item(0);
                    }
                    Instant now = now();
                    return publisher.publish(batch.stream().map(l -> l.replayMessage(json)).toList()).chain(
                            () -> letters.markReplayed(transaction, batch.stream().map(DeadLetter::id).toList(), now))
                            .replaceWith(batch.size());
                }));
    }

    /** Completes once no change of the endpoint waits in the outbox; 503 if one still does after the timeout. */
    private Uni<Void> awaitPublished(String endpointId) {
        return letters.endpointChangePending(endpointId).invoke(pending -> {
            if (pending) {
                throw new ChangePending();
            }
        }).onFailure(ChangePending.class).retry().withBackOff(Duration.ofMillis(20), Duration.ofMillis(200))
                .expireIn(config.publishTimeout().toMillis()).onFailure(ChangePending.class)
                .transform(pending -> ProblemException.unavailable(
                        "The endpoint's last change is not on Kafka yet;" + " nothing was replayed, try again",
                        Duration.ofSeconds(5)))
                .replaceWithVoid();
    }

    /** The endpoint's latest change is still in the outbox (see {@link #awaitPublished}). */
    private static final class ChangePending extends RuntimeException {

        ChangePending() {
            super("endpoint change pending in the outbox", null, false, false);
        }
    }

    private static ProblemException endpointDisabled(String endpointId) {
        return new ProblemException(409, "urn:herald:problem:endpoint-disabled", "Endpoint disabled",
                "Endpoint '" + endpointId + "' is disabled, so its deliveries would become dead letters again at once;"
                        + " enable it (PATCH /v1/endpoints/" + endpointId + " {\"enabled\": true}) and try again");
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
