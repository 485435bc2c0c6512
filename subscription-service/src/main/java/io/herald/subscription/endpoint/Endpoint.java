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
import io.herald.contracts.messages.EndpointSecret;
import io.herald.contracts.messages.EndpointState;
import io.herald.subscription.secret.SecretCipher;

/**
 * A URL a tenant registered to receive the events it subscribes to. Table {@code endpoint} (Flyway V1, V2). The secret
 * columns hold ciphertext of {@link SecretCipher}, bound to the endpoint id.
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

    /** The current signing secret, encrypted; never logged, only answered to its tenant. */
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

    @Column(name = "created_at", nullable = false, updatable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    /** Optimistic lock; also the version of the {@link EndpointState} published for this endpoint. */
    @Version
    public Long version;

    public static Endpoint create(String id, String tenant, String url, String description, List<String> eventTypes,
            boolean enabled, String encryptedSecret, Instant now) {
        Endpoint endpoint = new Endpoint();
        endpoint.id = id;
        endpoint.tenant = tenant;
        endpoint.url = url;
        endpoint.description = description;
        endpoint.eventTypes = eventTypes;
        endpoint.enabled = enabled;
        endpoint.secret = encryptedSecret;
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

    /** The current secret in plaintext ({@code whsec_...}). */
    public String currentSecret(SecretCipher cipher) {
        return cipher.decrypt(secret, id);
    }

    /**
     * What dispatch needs to route and sign: the record published on {@code herald.endpoints}. The secrets are
     * plaintext here; the outbox encrypts the record until it is published.
     */
    public EndpointState toState(SecretCipher cipher, Instant now) {
        List<EndpointSecret> secrets = new ArrayList<>(2);
        secrets.add(new EndpointSecret(currentSecret(cipher), null));
        if (previousSecret != null && previousSecretExpiresAt != null && now.isBefore(previousSecretExpiresAt)) {
            secrets.add(new EndpointSecret(cipher.decrypt(previousSecret, id), previousSecretExpiresAt));
        }
        return EndpointState.of(id, tenant, url, List.copyOf(eventTypes), enabled, List.copyOf(secrets),
                version == null ? 0 : version, updatedAt).withDeliveryOptions(headers(cipher), rateLimitPerSecond,
                        retryScheduleMs == null ? null : List.copyOf(retryScheduleMs));
    }

    @Override
    public String toString() {
        return "Endpoint[id=" + id + ", tenant=" + tenant + ", url=" + url + ", eventTypes=" + eventTypes + ", enabled="
                + enabled + ", version=" + version + ", secret=<redacted>]";
    }
}
