package io.herald.subscription.endpoint;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import io.herald.contracts.filter.EventFilter;
import io.herald.contracts.filter.InvalidEventFilterException;
import io.herald.kit.problem.Problem.FieldError;
import io.herald.kit.problem.ProblemException;
import io.herald.subscription.SubscriptionConfig;

/**
 * The rules bean validation cannot say alone: https outside local/test, custom headers, rate limit and retry schedule
 * ranges. Each method adds what is wrong to {@code errors}.
 * <p>
 * Custom headers: at most {@value #MAX_HEADERS}, names are HTTP tokens of at most {@value #MAX_HEADER_NAME} characters,
 * values at most {@value #MAX_HEADER_VALUE} characters without control characters. Refused names: those Herald sets on
 * every delivery ({@code webhook-*}, {@code content-type}, {@code user-agent}) and those that belong to the transport
 * ({@code content-length}, {@code host}, {@code transfer-encoding}, {@code connection}, {@code keep-alive}, {@code te},
 * {@code trailer}, {@code upgrade}, {@code expect}, {@code proxy-*}). {@code Authorization} is allowed on purpose: many
 * receivers require a static credential. Header values are stored encrypted, like the signing secrets, and shown back
 * to their tenant unless named in {@code secretHeaders} ({@link EndpointAuthRules}: then masked).
 */
@ApplicationScoped
public class EndpointRules {

    static final int MAX_HEADERS = 20;
    static final int MAX_HEADER_NAME = 64;
    static final int MAX_HEADER_VALUE = 1024;
    static final int MIN_RATE_LIMIT = 1;
    static final int MAX_RATE_LIMIT = 10_000;
    static final int MAX_RETRIES = 20;
    static final long MAX_RETRY_DELAY_MS = 7L * 24 * 60 * 60 * 1000;
    /** What the API documentation says about {@code filter}. */
    static final String FILTER_DESCRIPTION = "CEL expression over type (string), data (the event's object) and "
            + "occurredAt (timestamp) that an event of the subscribed types must also pass to be delivered, e.g. "
            + "type == \"order.created\" && data.amount > 1000. At most 1024 characters and 2 comprehensions; "
            + "an evaluation error (e.g. a missing field; guard with has(data.x)) counts as no match";
    /** What {@code sendTraceparent} means, for the OpenAPI document. */
    static final String SEND_TRACEPARENT_DESCRIPTION = "Send a W3C traceparent header naming the delivery "
            + "attempt's span with every webhook (when tracing is on), so the subscriber's trace continues Herald's";

    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Set<String> RESERVED = Set.of("content-type", "content-length", "host", "user-agent",
            "transfer-encoding", "connection", "keep-alive", "te", "trailer", "upgrade", "expect");
    private static final List<String> RESERVED_PREFIXES = List.of("webhook-", "proxy-");

    private final boolean requireHttps;

    public EndpointRules(SubscriptionConfig config) {
        this.requireHttps = config.endpoints().requireHttps();
    }

    /** https when required (the shape of the URL is checked by {@link AbsoluteHttpUrl}). */
    public void url(String url, List<FieldError> errors) {
        if (url == null || !requireHttps) {
            return;
        }
        try {
            if (!"https".equalsIgnoreCase(URI.create(url).getScheme())) {
                errors.add(new FieldError("url", "must use https"));
            }
        } catch (IllegalArgumentException e) {
            // Reported by @AbsoluteHttpUrl.
        }
    }

    public void headers(Map<String, String> headers, List<FieldError> errors) {
        if (headers == null) {
            return;
        }
        if (headers.size() > MAX_HEADERS) {
            errors.add(new FieldError("headers", "at most " + MAX_HEADERS + " headers"));
            return;
        }
        for (Map.Entry<String, String> header : headers.entrySet()) {
            String name = header.getKey();
            String lower = name.toLowerCase(Locale.ROOT);
            if (name.length() > MAX_HEADER_NAME || !TOKEN.matcher(name).matches()) {
                errors.add(new FieldError("headers", "header names must be HTTP tokens of at most " + MAX_HEADER_NAME
                        + " characters (letters, digits, - and a few symbols)"));
            } else if (RESERVED.contains(lower) || RESERVED_PREFIXES.stream().anyMatch(lower::startsWith)) {
                errors.add(new FieldError("headers." + name, "is reserved: Herald or the HTTP transport sets it"));
            } else if (header.getValue() == null) {
                errors.add(new FieldError("headers." + name, "must be a string"));
            } else if (header.getValue().length() > MAX_HEADER_VALUE
                    || header.getValue().chars().anyMatch(c -> c < 0x20 && c != '\t' || c == 0x7f)) {
                errors.add(new FieldError("headers." + name,
                        "must be at most " + MAX_HEADER_VALUE + " characters without control characters"));
            }
        }
    }

    public void rateLimit(Integer perSecond, List<FieldError> errors) {
        if (perSecond != null && (perSecond < MIN_RATE_LIMIT || perSecond > MAX_RATE_LIMIT)) {
            errors.add(new FieldError("rateLimitPerSecond",
                    "must be between " + MIN_RATE_LIMIT + " and " + MAX_RATE_LIMIT));
        }
    }

    public void retrySchedule(List<Long> delaysMs, List<FieldError> errors) {
        if (delaysMs == null) {
            return;
        }
        if (delaysMs.isEmpty() || delaysMs.size() > MAX_RETRIES) {
            errors.add(new FieldError("retryScheduleMs", "must have 1 to " + MAX_RETRIES + " delays"));
            return;
        }
        for (Long delay : delaysMs) {
            if (delay == null || delay < 1 || delay > MAX_RETRY_DELAY_MS) {
                errors.add(new FieldError("retryScheduleMs",
                        "every delay must be between 1 and " + MAX_RETRY_DELAY_MS + " ms (7 days)"));
                return;
            }
        }
    }

    /**
     * A payload filter must compile and type-check as a bool CEL expression within the size and cost bounds of
     * {@link EventFilter}; otherwise 422 whose error names the position of the first problem. Null is no filter.
     */
    public void requireValidFilter(String filter) {
        if (filter == null) {
            return;
        }
        try {
            EventFilter.compile(filter);
        } catch (InvalidEventFilterException e) {
            throw ProblemException.unprocessable("urn:herald:problem:invalid-filter", "Invalid filter",
                    "The filter is not a valid CEL expression over type, data and occurredAt",
                    List.of(new FieldError("filter", e.describe())));
        }
    }
}
