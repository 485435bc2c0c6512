package io.herald.subscription.endpoint;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;

import io.herald.contracts.Json;
import io.herald.contracts.messages.EndpointAuth;
import io.herald.contracts.messages.EndpointSecret;
import io.herald.contracts.messages.EndpointState;
import io.herald.contracts.signing.WebhookSecret;
import io.herald.subscription.secret.SecretCipher;

/**
 * A URL a tenant registered to receive the events it subscribes to. Table {@code endpoint} (Flyway V1, V2, V5, V15,
 * V16). The secret columns hold ciphertext of {@link SecretCipher}, bound to the endpoint id: a {@code whsec_} HMAC
 * secret or, for a {@code v1a} endpoint, a {@code whsk_} Ed25519 private key.
 */
@Entity
@Table(name = "endpoint")
public class Endpoint {

    private static final TypeReference<Map<String, String>> HEADERS = new TypeReference<>() {
    };

    @Id
    public String id;

    @Column(nullable = false, updatable = false)
    public String tenant;

    @Column(nullable = false)
    public String url;

    public String description;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(name = "event_types", nullable = false)
    public List<String> eventTypes;

    @Column(nullable = false)
    public boolean enabled;

    /** {@code v1} or {@code v1a}: see {@link SigningMode}. */
    @Column(name = "signing_mode", nullable = false)
    public String signingMode;

    /**
     * The current signing key, encrypted; never logged. Its tenant gets it back only as {@link #verificationKey}: the
     * {@code whsec_} secret itself, or the {@code whpk_} public key of a {@code whsk_} private key.
     */
    @Column(nullable = false)
    public String secret;

    /** The rotated-out secret, encrypted, signing beside the current one until {@link #previousSecretExpiresAt}. */
    @Column(name = "previous_secret")
    public String previousSecret;

    @Column(name = "previous_secret_expires_at")
    public Instant previousSecretExpiresAt;

    /**
     * Custom delivery headers as a JSON object, encrypted like the secrets (they often carry a receiver's credential),
     * or null.
     */
    @Column(name = "headers")
    public String headersJson;

    @Column(name = "rate_limit_per_second")
    public Integer rateLimitPerSecond;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(name = "retry_schedule_ms")
    public List<Long> retryScheduleMs;

    /** A CEL payload filter ({@link io.herald.contracts.filter.EventFilter}), or null: every subscribed event. */
    public String filter;

    /** Whether deliveries carry a W3C {@code traceparent} header naming the attempt's span (Flyway V20). */
    @Column(name = "send_traceparent", nullable = false)
    public boolean sendTraceparent;
    /** Deliveries one at a time, in order ({@link EndpointState#ordered}). */
    @Column(nullable = false)
    public boolean ordered;

    /** The credentials dispatch presents ({@link EndpointAuth} as JSON), encrypted whole like the headers, or null. */
    @Column(name = "auth")
    public String authJson;

    /** Names of custom headers whose values are write-only: the API shows them masked. Null: none. */
    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(name = "secret_headers")
    public List<String> secretHeaders;

    @Column(name = "created_at", nullable = false, updatable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    /**
     * The {@link EndpointState#SCHEMA_VERSION} this endpoint's state was last published with by the re-encryption job
     * (Flyway V6); older rows are republished by it.
     */
    @Column(name = "state_schema_version", nullable = false)
    public int stateSchemaVersion;

    /** Optimistic lock; also the version of the {@link EndpointState} published for this endpoint. */
    @Version
    public Long version;

    public static Endpoint create(String id, String tenant, String url, String description, List<String> eventTypes,
            boolean enabled, SigningMode signingMode, String encryptedSecret, Instant now) {
        Endpoint endpoint = new Endpoint();
        endpoint.id = id;
        endpoint.tenant = tenant;
        endpoint.url = url;
        endpoint.description = description;
        endpoint.eventTypes = eventTypes;
        endpoint.enabled = enabled;
        endpoint.signingMode = signingMode.value();
        endpoint.secret = encryptedSecret;
        endpoint.stateSchemaVersion = EndpointState.SCHEMA_VERSION;
        endpoint.createdAt = now;
        endpoint.updatedAt = now;
        return endpoint;
    }

    /** The custom headers in plaintext, or null. */
    public Map<String, String> headers(SecretCipher cipher) {
        if (headersJson == null) {
            return null;
        }
        try {
            return Json.mapper().readValue(cipher.decrypt(headersJson, id), HEADERS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Endpoint " + id + " has unreadable headers", e);
        }
    }

    /** Sets the custom headers (null or empty: none); leaves the row untouched when they are the same. */
    public void headers(Map<String, String> headers, SecretCipher cipher) {
        Map<String, String> wanted = headers == null || headers.isEmpty() ? null : headers;
        if (!Objects.equals(wanted, headers(cipher))) {
            headersJson = wanted == null ? null : cipher.encrypt(Json.write(wanted), id);
        }
    }

    /** The credentials in plaintext, or null. */
    public EndpointAuth auth(SecretCipher cipher) {
        return authJson == null ? null : Json.read(cipher.decrypt(authJson, id), EndpointAuth.class);
    }

    /** Sets the credentials (null: none); leaves the row untouched when they are the same. */
    public void auth(EndpointAuth auth, SecretCipher cipher) {
        if (!Objects.equals(auth, auth(cipher))) {
            authJson = auth == null ? null : cipher.encrypt(Json.write(auth), id);
        }
    }

    /** The current signing key in plaintext ({@code whsec_...} or {@code whsk_...}). */
    public String currentSecret(SecretCipher cipher) {
        return cipher.decrypt(secret, id);
    }

    /**
     * What the subscriber verifies deliveries with: the {@code whsec_} secret, or the {@code whpk_} public key of the
     * current {@code whsk_} private key (never the private key).
     */
    public String verificationKey(SecretCipher cipher) {
        return verificationKey(currentSecret(cipher));
    }

    /** The subscriber's side of a plaintext signing key (see {@link #verificationKey(SecretCipher)}). */
    static String verificationKey(String signingKey) {
        return signingKey.startsWith(WebhookSecret.ED25519_PRIVATE_PREFIX)
                ? WebhookSecret.parse(signingKey).verificationKey().encoded()
                : signingKey;
    }

    /**
     * Makes {@code encryptedFresh} the current key of {@code mode}; the current key keeps signing beside it until
     * {@code previousExpiresAt}. A key already in its grace period is dropped: at most two keys sign at once.
     */
    void replaceSecret(SigningMode mode, String encryptedFresh, Instant previousExpiresAt) {
        previousSecret = secret;
        previousSecretExpiresAt = previousExpiresAt;
        secret = encryptedFresh;
        signingMode = mode.value();
    }

    /**
     * What dispatch needs to route and sign, with its secrets and header values in plaintext: published on
     * {@code herald.endpoints} only {@link EndpointState#sealed sealed}.
     */
    public EndpointState toState(SecretCipher cipher, Instant now) {
        List<EndpointSecret> secrets = new ArrayList<>(2);
        secrets.add(new EndpointSecret(currentSecret(cipher), null));
        if (previousSecret != null && previousSecretExpiresAt != null && now.isBefore(previousSecretExpiresAt)) {
            secrets.add(new EndpointSecret(cipher.decrypt(previousSecret, id), previousSecretExpiresAt));
        }
        return EndpointState
                .of(id, tenant, url, List.copyOf(eventTypes), enabled, List.copyOf(secrets),
                        version == null ? 0 : version, updatedAt)
                .withDeliveryOptions(headers(cipher), rateLimitPerSecond,
                        retryScheduleMs == null ? null : List.copyOf(retryScheduleMs))
                .withFilter(filter).withSendTraceparent(sendTraceparent).withOrdered(ordered).withAuth(auth(cipher));
    }

    /**
     * Seals every secret column again with the keyring's newest key (key rotation). Answers whether a column changed.
     *
     * @throws io.herald.contracts.secrets.SealedValueException when a column does not open with the keyring
     */
    public boolean resealed(SecretCipher cipher) {
        // Every column is moved before any is assigned: a column that does not open leaves the row untouched.
        String movedSecret = cipher.keyring().reseal(secret, id);
        String movedPrevious = cipher.keyring().reseal(previousSecret, id);
        String movedHeaders = cipher.keyring().reseal(headersJson, id);
        String movedAuth = cipher.keyring().reseal(authJson, id);
        boolean changed = !movedSecret.equals(secret) || !Objects.equals(movedPrevious, previousSecret)
                || !Objects.equals(movedHeaders, headersJson) || !Objects.equals(movedAuth, authJson);
        secret = movedSecret;
        previousSecret = movedPrevious;
        headersJson = movedHeaders;
        authJson = movedAuth;
        return changed;
    }

    @Override
    public String toString() {
        return "Endpoint[id=" + id + ", tenant=" + tenant + ", url=" + url + ", eventTypes=" + eventTypes + ", enabled="
                + enabled + ", signingMode=" + signingMode + ", ordered=" + ordered + ", version=" + version
                + ", secret=<redacted>]";
    }
}
