package io.herald.e2e;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.awaitility.core.ConditionTimeoutException;

import io.herald.contracts.WebhookHeaders;
import io.herald.contracts.signing.WebhookVerificationException;
import io.herald.contracts.signing.WebhookVerifier;
import io.herald.testing.WebhookReceiver;
import io.herald.testing.WebhookReceiver.Received;
import io.herald.testing.WebhookReceiver.Reply;

/**
 * What a subscriber's server saw: every webhook-id per endpoint path with how often it arrived and when first, each
 * checked against its endpoint's signing secret. Answers 204 to every well-signed webhook, 400 otherwise.
 */
final class WebhookLedger {

    /** One webhook-id at one endpoint: when it arrived, every time. */
    static final class Receipt {
        private final List<Instant> arrivals = new ArrayList<>(1);

        synchronized Instant first() {
            return arrivals.get(0);
        }

        synchronized int count() {
            return arrivals.size();
        }

        /** Every arrival after the first. */
        synchronized List<Instant> repeats() {
            return List.copyOf(arrivals.subList(1, arrivals.size()));
        }

        private synchronized void arrived(Instant at) {
            arrivals.add(at);
        }
    }

    private final Map<String, WebhookVerifier> verifiers = new ConcurrentHashMap<>();
    /** Keyed by {@code path + " " + webhook-id}. */
    private final Map<String, Receipt> receipts = new ConcurrentHashMap<>();
    private final AtomicInteger badSignatures = new AtomicInteger();
    private final AtomicInteger unknownPaths = new AtomicInteger();

    WebhookLedger(WebhookReceiver receiver) {
        receiver.respond(this::record);
    }

    /** Webhooks arriving at {@code path} must be signed with {@code secret}. */
    void expect(String path, String secret) {
        verifiers.put(path, WebhookVerifier.of(secret));
    }

    /** When each webhook first arrived, in order. */
    List<Instant> firstArrivals() {
        return receipts.values().stream().map(Receipt::first).sorted().toList();
    }

    /** When each webhook first arrived at {@code path}, in order. */
    List<Instant> firstArrivals(String path) {
        String prefix = path + " ";
        return receipts.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).map(e -> e.getValue().first())
                .sorted().toList();
    }

    /** Every webhook that arrived more than once. */
    List<Receipt> repeated() {
        return receipts.values().stream().filter(r -> r.count() > 1).toList();
    }

    /** When {@code webhookId} arrived at {@code path}; null if never. */
    Receipt receipt(String path, String webhookId) {
        return receipts.get(key(path, webhookId));
    }

    int badSignatures() {
        return badSignatures.get();
    }

    int unknownPaths() {
        return unknownPaths.get();
    }

    private Reply record(Received webhook) {
        WebhookVerifier verifier = verifiers.get(webhook.path());
        if (verifier == null) {
            unknownPaths.incrementAndGet();
            return Reply.status(404);
        }
        try {
            verifier.verify(webhook.body(), webhook.headers());
        } catch (WebhookVerificationException e) {
            badSignatures.incrementAndGet();
            return Reply.status(400);
        }
        receipts.computeIfAbsent(key(webhook.path(), webhook.header(WebhookHeaders.ID)), k -> new Receipt())
                .arrived(webhook.at());
        return Reply.status(204);
    }

    private static String key(String path, String webhookId) {
        return path + " " + webhookId;
    }

    /**
     * Webhooks of events acknowledged before {@code cut} that have not arrived yet, each event being owed to every path
     * of its tenant in {@code pathsByTenant}.
     */
    long undelivered(List<SteadyLoad.Answer> answers, Map<String, List<String>> pathsByTenant, Instant cut) {
        long missing = 0;
        for (SteadyLoad.Answer a : answers) {
            if (a.acknowledged() && a.answeredAt().isBefore(cut)) {
                for (String path : pathsByTenant.get(a.tenant())) {
                    if (receipt(path, a.eventId()) == null) {
                        missing++;
                    }
                }
            }
        }
        return missing;
    }

    /** Webhooks of {@code eventIds} that have not arrived yet, each event being owed to every one of {@code paths}. */
    long undelivered(Collection<String> eventIds, List<String> paths) {
        return eventIds.stream().mapToLong(id -> paths.stream().filter(path -> receipt(path, id) == null).count())
                .sum();
    }

    /**
     * Waits, at most {@code timeout}, until every webhook of {@code eventIds} has arrived at every one of
     * {@code paths}.
     */
    void awaitDelivered(Collection<String> eventIds, List<String> paths, Duration timeout) {
        try {
            poll(timeout, Duration.ZERO).until(() -> undelivered(eventIds, paths) == 0);
        } catch (ConditionTimeoutException e) {
            // Not a failure here: the caller asserts on what never arrived.
        }
    }

    /** Events acknowledged so far whose webhooks have arrived at every path of their tenant. */
    long deliveredEverywhere(List<SteadyLoad.Answer> answers, Map<String, List<String>> pathsByTenant) {
        return answers.stream()
                .filter(a -> a.acknowledged()
                        && pathsByTenant.get(a.tenant()).stream().allMatch(p -> receipt(p, a.eventId()) != null))
                .count();
    }

    /**
     * Waits until {@code events} of the load's events have arrived at every path of their tenant (faults start once
     * events flow end to end); fails past {@code timeout} with the answers and deliveries so far.
     */
    void awaitTraffic(SteadyLoad load, Map<String, List<String>> pathsByTenant, int events, Duration timeout) {
        try {
            poll(timeout, Duration.ZERO).until(() -> deliveredEverywhere(load.answers(), pathsByTenant) >= events);
        } catch (ConditionTimeoutException e) {
            List<SteadyLoad.Answer> answers = load.answers();
            Map<String, Long> outcomes = answers.stream()
                    .collect(Collectors.groupingBy(SteadyLoad.Answer::outcome, TreeMap::new, Collectors.counting()));
            throw new AssertionError(String.format(Locale.ROOT,
                    "%d events delivered before the faults, not within %d s; answers so far %s, delivered %d", events,
                    timeout.toSeconds(), outcomes, deliveredEverywhere(answers, pathsByTenant)), e);
        }
    }

    /** Waits, at most {@code timeout}, until every webhook of the load's acknowledged events has arrived. */
    void awaitDelivered(SteadyLoad load, Map<String, List<String>> pathsByTenant, Duration timeout) {
        try {
            poll(timeout, Duration.ZERO).until(() -> undelivered(load.answers(), pathsByTenant, Instant.MAX) == 0);
        } catch (ConditionTimeoutException e) {
            // Not a failure here: the caller's report counts what never arrived.
        }
    }

    /**
     * Waits at least {@code minimum} and until every webhook of the events acknowledged before {@code cut} has arrived,
     * at most {@code maximum}; returns how many are still outstanding then (0: the backlog was delivered).
     */
    long awaitBacklog(SteadyLoad load, Map<String, List<String>> pathsByTenant, Instant cut, Duration minimum,
            Duration maximum) {
        try {
            poll(maximum, minimum).until(() -> undelivered(load.answers(), pathsByTenant, cut) == 0);
        } catch (ConditionTimeoutException e) {
            // Reported by the caller with the count below.
        }
        return undelivered(load.answers(), pathsByTenant, cut);
    }

    /** The longest time without a new arrival from {@code from} to the last arrival before {@code to}. */
    static Duration longestGap(List<Instant> arrivals, Instant from, Instant to) {
        return longestGapSpan(arrivals, from, to).length();
    }

    /** When the {@linkplain #longestGap longest time without a new arrival} began and ended. */
    static Gap longestGapSpan(List<Instant> arrivals, Instant from, Instant to) {
        Instant previous = from;
        Gap longest = new Gap(from, from);
        for (Instant at : arrivals) {
            if (at.isBefore(from)) {
                continue;
            }
            if (!at.isBefore(to)) {
                break;
            }
            if (Duration.between(previous, at).compareTo(longest.length()) > 0) {
                longest = new Gap(previous, at);
            }
            previous = at;
        }
        return longest;
    }

    /** A time without a new arrival. */
    record Gap(Instant from, Instant to) {

        Duration length() {
            return Duration.between(from, to);
        }
    }

    private static ConditionFactory poll(Duration atMost, Duration first) {
        return Awaitility.await().atMost(atMost).pollInSameThread().pollDelay(first)
                .pollInterval(Duration.ofMillis(250));
    }
}
