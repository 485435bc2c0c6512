package io.herald.contracts.messages;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import io.herald.contracts.secrets.Keyring;

/**
 * The latest state of one endpoint on the compacted {@code herald.endpoints} topic (a null value is the tombstone of a
 * deleted endpoint). Dispatch builds its routing table from these.
 * <p>
 * On Kafka the signing keys and the header values are sealed ({@link #sealed}: {@link Keyring}, AES-256-GCM, bound to
 * the endpoint id, the key id in each value), so the topic never holds them in clear; dispatch {@link #opened opens}
 * them with the same keyring. Since schema version 2.
 *
 * @param schemaVersion version of this record's shape
 * @param id endpoint id, also the Kafka key
 * @param tenant owning tenant
 * @param url where deliveries are POSTed
 * @param eventTypes subscribed event types: exact ({@code order.created}), prefix wildcard ({@code order.*}) or
 *        {@code *}
 * @param enabled false stops deliveries
 * @param secrets every live signing secret; during a rotation the old one carries an expiry (sealed on Kafka)
 * @param version increases with every change, so a consumer can ignore a stale state
 * @param updatedAt when this state was written
 * @param headers custom headers sent with every delivery (reserved names are refused at registration), or null; their
 *        values are sealed on Kafka
 * @param rateLimitPerSecond most deliveries per second this endpoint accepts, or null for the default
 * @param retryScheduleMs delays before each retry in milliseconds, overriding the default schedule, or null
 * @param filter a CEL expression over the event ({@code io.herald.contracts.filter.EventFilter}) that an event matching
 *        {@code eventTypes} must also pass to be delivered, or null (every such event)
 * @param sendTraceparent true: each delivery carries a W3C {@code traceparent} header naming the attempt's span, so the
 *        subscriber's own trace continues Herald's; null or false: no trace header (the default)
 * @param ordered true: deliveries are sent one at a time in the order of {@code herald.deliveries}, the next only once
 *        the one before succeeded or became a dead letter (absent in older records: false)
 * @param auth the credentials dispatch presents to the endpoint, or null; its secret parts are sealed on Kafka
 */
public record EndpointState(int schemaVersion, String id, String tenant, String url, List<String> eventTypes,
        boolean enabled, List<EndpointSecret> secrets, long version, Instant updatedAt, Map<String, String> headers,
        Integer rateLimitPerSecond, List<Long> retryScheduleMs, String filter, Boolean sendTraceparent, boolean ordered,
        EndpointAuth auth) {

    public static final int SCHEMA_VERSION = 2;

    /** An endpoint that does not receive a {@code traceparent} header. */
    public EndpointState(int schemaVersion, String id, String tenant, String url, List<String> eventTypes,
            boolean enabled, List<EndpointSecret> secrets, long version, Instant updatedAt, Map<String, String> headers,
            Integer rateLimitPerSecond, List<Long> retryScheduleMs, String filter) {
        this(schemaVersion, id, tenant, url, eventTypes, enabled, secrets, version, updatedAt, headers,
                rateLimitPerSecond, retryScheduleMs, filter, null, false, null);
    }

    /** An unordered endpoint without credentials. */
    public EndpointState(int schemaVersion, String id, String tenant, String url, List<String> eventTypes,
            boolean enabled, List<EndpointSecret> secrets, long version, Instant updatedAt, Map<String, String> headers,
            Integer rateLimitPerSecond, List<Long> retryScheduleMs, String filter, Boolean sendTraceparent) {
        this(schemaVersion, id, tenant, url, eventTypes, enabled, secrets, version, updatedAt, headers,
                rateLimitPerSecond, retryScheduleMs, filter, sendTraceparent, false, null);
    }

    /** An endpoint that does not receive a {@code traceparent} header, ordered or not, with credentials or not. */
    public EndpointState(int schemaVersion, String id, String tenant, String url, List<String> eventTypes,
            boolean enabled, List<EndpointSecret> secrets, long version, Instant updatedAt, Map<String, String> headers,
            Integer rateLimitPerSecond, List<Long> retryScheduleMs, String filter, boolean ordered, EndpointAuth auth) {
        this(schemaVersion, id, tenant, url, eventTypes, enabled, secrets, version, updatedAt, headers,
                rateLimitPerSecond, retryScheduleMs, filter, null, ordered, auth);
    }

    /** An endpoint with the default delivery options. */
    public static EndpointState of(String id, String tenant, String url, List<String> eventTypes, boolean enabled,
            List<EndpointSecret> secrets, long version, Instant updatedAt) {
        return new EndpointState(SCHEMA_VERSION, id, tenant, url, eventTypes, enabled, secrets, version, updatedAt,
                null, null, null, null, null, false, null);
    }

    /** The same endpoint with its own headers, rate limit and retry schedule (each may be null: the default). */
    public EndpointState withDeliveryOptions(Map<String, String> headers, Integer rateLimitPerSecond,
            List<Long> retryScheduleMs) {
        return new EndpointState(schemaVersion, id, tenant, url, eventTypes, enabled, secrets, version, updatedAt,
                headers, rateLimitPerSecond, retryScheduleMs, filter, sendTraceparent, ordered, auth);
    }

    /** The same endpoint with a payload filter (null: none). */
    public EndpointState withFilter(String filter) {
        return new EndpointState(schemaVersion, id, tenant, url, eventTypes, enabled, secrets, version, updatedAt,
                headers, rateLimitPerSecond, retryScheduleMs, filter, sendTraceparent, ordered, auth);
    }

    /** The same endpoint, receiving a {@code traceparent} header with each delivery or not. */
    public EndpointState withSendTraceparent(boolean send) {
        return new EndpointState(schemaVersion, id, tenant, url, eventTypes, enabled, secrets, version, updatedAt,
                headers, rateLimitPerSecond, retryScheduleMs, filter, send, ordered, auth);
    }

    /** Whether deliveries carry a {@code traceparent} header (null, from records before the field, is no). */
    public boolean sendsTraceparent() {
        return Boolean.TRUE.equals(sendTraceparent);
    }

    /** The same endpoint, disabled. */
    public EndpointState disabled() {
        return new EndpointState(schemaVersion, id, tenant, url, eventTypes, false, secrets, version, updatedAt,
                headers, rateLimitPerSecond, retryScheduleMs, filter, sendTraceparent, ordered, auth);
    }

    /** The same endpoint delivered in order ({@code true}) or concurrently. */
    public EndpointState withOrdered(boolean ordered) {
        return new EndpointState(schemaVersion, id, tenant, url, eventTypes, enabled, secrets, version, updatedAt,
                headers, rateLimitPerSecond, retryScheduleMs, filter, sendTraceparent, ordered, auth);
    }

    /** The same endpoint with these credentials (null: none). */
    public EndpointState withAuth(EndpointAuth auth) {
        return new EndpointState(schemaVersion, id, tenant, url, eventTypes, enabled, secrets, version, updatedAt,
                headers, rateLimitPerSecond, retryScheduleMs, filter, sendTraceparent, ordered, auth);
    }

    /** The same endpoint enabled or disabled, nothing else changed. */
    public EndpointState withEnabled(boolean enabled) {
        return new EndpointState(schemaVersion, id, tenant, url, eventTypes, enabled, secrets, version, updatedAt,
                headers, rateLimitPerSecond, retryScheduleMs, filter, sendTraceparent, ordered, auth);
    }

    /**
     * The same state with every signing key, header value and secret part of {@link #auth} sealed by {@code keyring}
     * for this endpoint.
     */
    public EndpointState sealed(Keyring keyring) {
        return transformed(value -> keyring.seal(value, id));
    }

    /**
     * The same state with every signing key, header value and secret part of {@link #auth} opened by {@code keyring}.
     *
     * @throws io.herald.contracts.secrets.SealedValueException when a value is not sealed (a plaintext state of schema
     *         version 1 included), is sealed under a key id the keyring lacks, or does not open for this endpoint
     */
    public EndpointState opened(Keyring keyring) {
        return transformed(value -> keyring.open(value, id));
    }

    private EndpointState transformed(UnaryOperator<String> value) {
        List<EndpointSecret> keys = secrets == null ? null
                : secrets.stream().map(s -> new EndpointSecret(value.apply(s.secret()), s.expiresAt())).toList();
        Map<String, String> values = null;
        if (headers != null) {
            values = new LinkedHashMap<>();
            for (Map.Entry<String, String> header : headers.entrySet()) {
                values.put(header.getKey(), value.apply(header.getValue()));
            }
        }
        return new EndpointState(SCHEMA_VERSION, id, tenant, url, eventTypes, enabled, keys, version, updatedAt, values,
                rateLimitPerSecond, retryScheduleMs, filter, sendTraceparent, ordered,
                auth == null ? null : auth.withSecrets(value));
    }

    @Override
    public String toString() {
        return "EndpointState[id=" + id + ", tenant=" + tenant + ", url=" + url + ", eventTypes=" + eventTypes
                + ", enabled=" + enabled + ", secrets=" + secrets + ", version=" + version + ", headers="
                + (headers == null ? null : headers.keySet()) + ", filter=" + filter + ", sendTraceparent="
                + sendTraceparent + ", ordered=" + ordered + ", auth=" + (auth == null ? null : auth.type()) + "]";
    }
}
