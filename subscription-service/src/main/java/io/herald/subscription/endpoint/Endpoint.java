package io.herald.subscription.endpoint;

import java.time.Instant;
import java.util.List;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import io.herald.contracts.messages.EndpointSecret;
import io.herald.contracts.messages.EndpointState;

/** A URL a tenant registered to receive the events it subscribes to. Table {@code endpoint} (Flyway V1). */
@Entity
@Table(name = "endpoint")
public class Endpoint {

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

    /** The current signing secret ({@code whsec_...}); never logged, only answered to its tenant. */
    @Column(nullable = false)
    public String secret;

    @Column(name = "created_at", nullable = false, updatable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    /** Optimistic lock; also the version of the {@link EndpointState} published for this endpoint. */
    @Version
    public Long version;

    public static Endpoint create(String id, String tenant, String url, String description, List<String> eventTypes,
            boolean enabled, String secret, Instant now) {
        Endpoint endpoint = new Endpoint();
        endpoint.id = id;
        endpoint.tenant = tenant;
        endpoint.url = url;
        endpoint.description = description;
        endpoint.eventTypes = eventTypes;
        endpoint.enabled = enabled;
        endpoint.secret = secret;
        endpoint.createdAt = now;
        endpoint.updatedAt = now;
        return endpoint;
    }

    /** What dispatch needs to route and sign: the record published on {@code herald.endpoints}. */
    public EndpointState toState() {
        return EndpointState.of(id, tenant, url, List.copyOf(eventTypes), enabled,
                List.of(new EndpointSecret(secret, null)), version == null ? 0 : version, updatedAt);
    }

    @Override
    public String toString() {
        return "Endpoint[id=" + id + ", tenant=" + tenant + ", url=" + url + ", eventTypes=" + eventTypes + ", enabled="
                + enabled + ", version=" + version + ", secret=<redacted>]";
    }
}
