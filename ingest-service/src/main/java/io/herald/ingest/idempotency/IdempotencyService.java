package io.herald.ingest.idempotency;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.herald.ingest.IngestConfig;
import io.herald.kit.problem.Problem;
import io.herald.kit.problem.ProblemException;
import io.smallrye.mutiny.Uni;

/**
 * {@code Idempotency-Key}: the first request with a key (per tenant) claims it in PostgreSQL, does its work and stores
 * its answer; every later request with the same key and the same request gets that answer, and nothing is published
 * again, on any ingest instance, for {@link IngestConfig.Idempotency#ttl()}. The same key with another request is 422.
 * A request arriving while the first is still in flight polls for its answer up to
 * {@link IngestConfig.Idempotency#waitTime()}, then gets 409 with {@code Retry-After}. A first request that fails in a
 * way the producer should retry (503) releases the key, so the retry publishes.
 */
@ApplicationScoped
public class IdempotencyService {

    public static final String HEADER = "Idempotency-Key";
    /** Set to {@code true} on an answer replayed from the store. */
    public static final String REPLAYED_HEADER = "Idempotent-Replayed";
    /** Printable ASCII without spaces, as in the IETF Idempotency-Key draft's examples (UUIDs, ULIDs, hashes). */
    private static final Pattern VALID_KEY = Pattern.compile("[\\x21-\\x7E]{1,255}");
    private static final Duration POLL_INTERVAL = Duration.ofMillis(50);
    /** Extra time a claim's holder gets beyond its publish budget before another request may take the key over. */
    private static final Duration LEASE_MARGIN = Duration.ofSeconds(5);
    private static final Logger LOG = Logger.getLogger(IdempotencyService.class);

    private final IdempotencyRepository repository;
    private final Clock clock;
    private final Duration ttl;
    private final Duration wait;
    private final Duration lease;
    private final Duration retryAfter;

    public IdempotencyService(IdempotencyRepository repository, IngestConfig config, Clock clock) {
        this.repository = repository;
        this.clock = clock;
        this.ttl = config.idempotency().ttl();
        this.wait = config.idempotency().waitTime();
        this.lease = config.publishTimeout().plus(LEASE_MARGIN);
        this.retryAfter = config.retryAfter();
    }

    /**
     * The answer of {@code action} for this request, run at most once per {@code (tenant, key)}; without a key it just
     * runs. {@code fingerprint} identifies the request ({@link RequestFingerprint}); it is computed only when there is
     * a key, since canonicalizing and hashing the body is not free on the request path.
     */
    public Uni<Answer> run(String tenant, String key, Supplier<String> fingerprint, Supplier<Uni<Answer>> action) {
        if (key == null) {
            return action.get();
        }
        if (!VALID_KEY.matcher(key).matches()) {
            throw ProblemException.invalid("The Idempotency-Key header is invalid", List
                    .of(new Problem.FieldError(HEADER, "must be 1 to 255 printable ASCII characters without spaces")));
        }
        String claim = UUID.randomUUID().toString();
        return attempt(tenant, key, fingerprint.get(), claim, clock.instant().plus(wait), action);
    }

    private Uni<Answer> attempt(String tenant, String key, String fingerprint, String claim, Instant deadline,
            Supplier<Uni<Answer>> action) {
        Instant now = clock.instant();
        return repository.claim(tenant, key, fingerprint, claim, now, now.plus(lease), now.plus(ttl)).onFailure()
                .transform(this::storeUnavailable).chain(won -> {
                    if (won) {
                        return runClaimed(tenant, key, claim, action);
                    }
                    return repository.find(tenant, key, now).onFailure().transform(this::storeUnavailable)
                            .chain(found -> {
                                if (found.isPresent() && !found.get().fingerprint().equals(fingerprint)) {
                                    return Uni.createFrom().failure(reused());
                                }
                                if (found.isPresent() && found.get().done()) {
                                    return Uni.createFrom()
                                            .item(Answer.of(found.get().status(), found.get().body()).asReplay());
                                }
                                if (clock.instant().isAfter(deadline)) {
                                    return Uni.createFrom().failure(inProgress());
                                }
                                // Pending elsewhere (poll for its answer), or gone since the claim (try again).
                                Uni<Void> pause = found.isPresent()
                                        ? Uni.createFrom().voidItem().onItem().delayIt().by(POLL_INTERVAL)
                                        : Uni.createFrom().voidItem();
                                return pause.chain(() -> attempt(tenant, key, fingerprint, claim, deadline, action));
                            });
                });
    }

    private Uni<Answer> runClaimed(String tenant, String key, String claim, Supplier<Uni<Answer>> action) {
        return Uni.createFrom().deferred(action::get).onFailure().call(failure -> release(tenant, key, claim))
                .call(answer -> answer.isFinal()
                        ? repository.complete(tenant, key, claim, answer.status(), answer.body()).onFailure()
                                .invoke(e -> LOG.warnf(
                                        "Could not store the answer of Idempotency-Key %s of tenant %s:" + " %s", key,
                                        tenant, e.toString()))
                                .onFailure().recoverWithNull()
                        : release(tenant, key, claim));
    }

    private Uni<Void> release(String tenant, String key, String claim) {
        // If this fails the claim's lease runs out instead, and the next request takes the key over.
        return repository.release(tenant, key, claim).onFailure().invoke(
                e -> LOG.warnf("Could not release Idempotency-Key %s of tenant %s: %s", key, tenant, e.toString()))
                .onFailure().recoverWithNull();
    }

    private Throwable storeUnavailable(Throwable failure) {
        if (failure instanceof ProblemException) {
            return failure;
        }
        LOG.warnf("The idempotency store failed: %s", failure.toString());
        return ProblemException.unavailable("The idempotency store is unavailable; retry with the same key",
                retryAfter);
    }

    private static ProblemException reused() {
        return new ProblemException(new Problem("urn:herald:problem:idempotency-key-reused", "Idempotency key reused",
                422,
                "This Idempotency-Key was used for a different request within the last 24 hours; use a new key for a "
                        + "new request",
                null), null);
    }

    private static ProblemException inProgress() {
        return new ProblemException(new Problem("urn:herald:problem:idempotency-key-in-progress", "Request in progress",
                409, "A request with this Idempotency-Key is still being processed; retry after Retry-After seconds to "
                        + "get its answer",
                null), Duration.ofSeconds(1));
    }
}
