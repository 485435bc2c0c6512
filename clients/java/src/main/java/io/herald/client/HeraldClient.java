package io.herald.client;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.herald.client.generated.ingest.EventsApi;
import io.herald.client.generated.subscriptions.AttemptsApi;
import io.herald.client.generated.subscriptions.DeadLettersApi;
import io.herald.client.generated.subscriptions.EndpointsApi;

/**
 * A client of Herald's public API for producers ({@link #events()}) and subscribers ({@link #endpoints()},
 * {@link #attempts()}, {@link #deadLetters()}). It sits on the classes generated from the committed OpenAPI documents
 * (java.net.http and Jackson) and adds what they lack: the bearer token on every request, errors as typed exceptions
 * carrying the problem document, and retries of what is safe to retry, publishing with an Idempotency-Key so a retry
 * never publishes twice.
 *
 * <pre>{@code
 * HeraldClient herald = HeraldClient.builder().ingestUrl("https://ingest.example.com")
 *         .subscriptionUrl("https://subscription.example.com").token(token).build();
 * herald.events().send("order.created", Map.of("orderId", "ord_1"));
 * }</pre>
 */
public final class HeraldClient {

    static final String USER_AGENT = "herald-java-client";

    private final Events events;
    private final Endpoints endpoints;
    private final Attempts attempts;
    private final DeadLetters deadLetters;

    private HeraldClient(Builder builder) {
        Calls calls = new Calls(builder.retryPolicy, builder.sleeper);
        Consumer<java.net.http.HttpRequest.Builder> auth = request -> {
            request.header("User-Agent", USER_AGENT);
            String token = builder.token.get();
            if (token != null && !token.isBlank()) {
                request.header("Authorization", "Bearer " + token);
            }
        };
        HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(builder.connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER);
        if (builder.ingestUrl != null) {
            var ingest = new io.herald.client.generated.ingest.invoker.ApiClient();
            ingest.updateBaseUri(trimSlash(builder.ingestUrl));
            ingest.setHttpClientBuilder(http).setReadTimeout(builder.requestTimeout).setRequestInterceptor(auth);
            events = new Events(new EventsApi(ingest), calls);
        } else {
            events = null;
        }
        if (builder.subscriptionUrl != null) {
            var subscription = new io.herald.client.generated.subscriptions.invoker.ApiClient();
            subscription.updateBaseUri(trimSlash(builder.subscriptionUrl));
            subscription.setHttpClientBuilder(http).setReadTimeout(builder.requestTimeout).setRequestInterceptor(auth);
            endpoints = new Endpoints(new EndpointsApi(subscription), calls);
            attempts = new Attempts(new AttemptsApi(subscription), calls);
            deadLetters = new DeadLetters(new DeadLettersApi(subscription), calls);
        } else {
            endpoints = null;
            attempts = null;
            deadLetters = null;
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Publishing events (ingest-service). */
    public Events events() {
        return require(events, "ingestUrl");
    }

    /** The tenant's endpoints and their signing secrets (subscription-service). */
    public Endpoints endpoints() {
        return require(endpoints, "subscriptionUrl");
    }

    /** The delivery log (subscription-service). */
    public Attempts attempts() {
        return require(attempts, "subscriptionUrl");
    }

    /** Dead letters, replay and recovery (subscription-service). */
    public DeadLetters deadLetters() {
        return require(deadLetters, "subscriptionUrl");
    }

    private static <T> T require(T part, String setting) {
        if (part == null) {
            throw new IllegalStateException("This client was built without " + setting);
        }
        return part;
    }

    private static String trimSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** Settings of a {@link HeraldClient}; only the URLs of the services you use are needed. */
    public static final class Builder {

        private String ingestUrl;
        private String subscriptionUrl;
        private Supplier<String> token = () -> null;
        private RetryPolicy retryPolicy = RetryPolicy.defaults();
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration requestTimeout = Duration.ofSeconds(30);
        private Calls.Sleeper sleeper = duration -> Thread.sleep(duration.toMillis());

        private Builder() {
        }

        /** ingest-service's base URL, e.g. {@code http://127.0.0.1:8081}. */
        public Builder ingestUrl(String url) {
            this.ingestUrl = Objects.requireNonNull(url);
            return this;
        }

        /** subscription-service's base URL, e.g. {@code http://127.0.0.1:8082}. */
        public Builder subscriptionUrl(String url) {
            this.subscriptionUrl = Objects.requireNonNull(url);
            return this;
        }

        /** The bearer token (a JWT with the {@code tenant} claim and the scopes the calls need). */
        public Builder token(String token) {
            Objects.requireNonNull(token);
            this.token = () -> token;
            return this;
        }

        /** A token asked for on every request, for tokens that are refreshed. */
        public Builder token(Supplier<String> token) {
            this.token = Objects.requireNonNull(token);
            return this;
        }

        public Builder retryPolicy(RetryPolicy policy) {
            this.retryPolicy = Objects.requireNonNull(policy);
            return this;
        }

        /** How long to wait for a connection; 5 s by default. */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        /** How long to wait for each answer; 30 s by default. */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        Builder sleeper(Calls.Sleeper sleeper) {
            this.sleeper = sleeper;
            return this;
        }

        public HeraldClient build() {
            if (ingestUrl == null && subscriptionUrl == null) {
                throw new IllegalStateException("Set ingestUrl, subscriptionUrl or both");
            }
            return new HeraldClient(this);
        }
    }
}
