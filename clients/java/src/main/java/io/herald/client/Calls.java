package io.herald.client;

import java.io.IOException;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Runs one API operation through the generated clients with the retry policy, and turns errors into exceptions. */
final class Calls {

    /** Whether repeating the operation after an unanswered request could do it twice. */
    enum Safety {
        /** Safe to repeat: reads, and writes that are idempotent (or carry an Idempotency-Key). */
        REPEATABLE,
        /** Not safe to repeat once sent: retried only when Herald answered that it did nothing (429, 503). */
        ONCE
    }

    /** A call of a generated client; both generated packages have an ApiException of their own. */
    @FunctionalInterface
    interface ApiCall<T> {
        T call() throws Exception;
    }

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final RetryPolicy policy;
    private final Sleeper sleeper;

    /** Waits between tries; tests replace it. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    Calls(RetryPolicy policy, Sleeper sleeper) {
        this.policy = policy;
        this.sleeper = sleeper;
    }

    /** Tries in all that the policy allows. */
    int maxAttempts() {
        return policy.maxAttempts();
    }

    /** Waits as the policy says before try {@code nextAttempt}; an interrupt ends the wait early. */
    void pause(int nextAttempt, Duration retryAfter) {
        try {
            sleeper.sleep(policy.backoff(nextAttempt, retryAfter));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    <T> T run(String operation, Safety safety, ApiCall<T> call) {
        for (int attempt = 1;; attempt++) {
            HeraldException failure;
            Duration retryAfter = null;
            boolean retryable;
            try {
                return call.call();
            } catch (Exception e) {
                Answer answer = Answer.of(e);
                if (answer == null) {
                    throw new HeraldException(operation + " failed: " + e.getMessage(), e);
                }
                if (answer.status() == 0) {
                    if (e.getCause() instanceof InterruptedException) {
                        Thread.currentThread().interrupt();
                        throw new HeraldException(operation + " interrupted", e.getCause());
                    }
                    failure = new HeraldException.ConnectionFailed(
                            operation + ": no answer from Herald (" + rootMessage(e) + ")", e.getCause());
                    retryable = safety == Safety.REPEATABLE;
                } else {
                    retryAfter = answer.retryAfter();
                    failure = HeraldApiException.of(operation, answer.problem(), retryAfter);
                    retryable = answer.status() == 429 || answer.status() == 503
                            || (answer.status() == 409 && safety == Safety.REPEATABLE);
                }
            }
            if (!retryable || attempt >= policy.maxAttempts()
                    || (retryAfter != null && retryAfter.compareTo(policy.maxBackoff()) > 0)) {
                throw failure;
            }
            try {
                sleeper.sleep(policy.backoff(attempt + 1, retryAfter));
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                failure.addSuppressed(interrupted);
                throw failure;
            }
        }
    }

    /** The first message in the cause chain, else the class of the first cause (ConnectException has none). */
    private static String rootMessage(Throwable e) {
        Throwable first = e.getCause() != null ? e.getCause() : e;
        for (Throwable t = first; t != null && t.getCause() != t; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getClass().getSimpleName() + ": " + t.getMessage();
            }
        }
        return first.getClass().getSimpleName();
    }

    /** What the server answered (status 0: no answer), read from either generated ApiException. */
    private record Answer(int status, HttpHeaders headers, String body) {

        static Answer of(Exception e) {
            if (e instanceof io.herald.client.generated.ingest.invoker.ApiException a) {
                return new Answer(a.getCode(), a.getResponseHeaders(), a.getResponseBody());
            }
            if (e instanceof io.herald.client.generated.subscriptions.invoker.ApiException a) {
                return new Answer(a.getCode(), a.getResponseHeaders(), a.getResponseBody());
            }
            return null;
        }

        Duration retryAfter() {
            if (headers == null) {
                return null;
            }
            return headers.firstValue("Retry-After").map(value -> {
                try {
                    return Duration.ofSeconds(Math.max(0, Long.parseLong(value.trim())));
                } catch (NumberFormatException e) {
                    // An HTTP date: Herald sends seconds, so this is not Herald speaking; use the own backoff.
                    return null;
                }
            }).orElse(null);
        }

        Problem problem() {
            if (body != null && !body.isBlank()) {
                try {
                    Problem parsed = JSON.readValue(body, Problem.class);
                    return parsed.status() == status ? parsed
                            : new Problem(parsed.type(), parsed.title(), status, parsed.detail(), parsed.errors());
                } catch (IOException e) {
                    // Not a problem document (a proxy's error page): keep an excerpt as the detail.
                }
            }
            String excerpt = body == null ? null : body.length() > 200 ? body.substring(0, 200) + "..." : body;
            return new Problem("about:blank", null, status, excerpt, List.of());
        }
    }
}
