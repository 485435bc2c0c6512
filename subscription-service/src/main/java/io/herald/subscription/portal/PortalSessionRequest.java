package io.herald.subscription.portal;

import java.util.List;

import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.herald.subscription.eventtype.EventTypePatterns;

/**
 * Body of {@code POST /v1/portal-sessions}; every field is optional.
 *
 * @param expiresInSeconds lifetime of the link, 60 s up to the configured maximum (24 h by default); default 3600
 * @param eventTypes the event types (or patterns) the subscriber may pick, at most 50; absent or empty: the tenant's
 *        event-type catalog, or any pattern
 */
public record PortalSessionRequest(
        @Schema(description = "Lifetime of the link in seconds (60 to the configured maximum, 86400 by default)", defaultValue = "3600") Long expiresInSeconds,
        @Size(max = 50) @EventTypePatterns @Schema(description = "Event types or patterns the subscriber may choose; "
                + "absent: the event-type catalog or free patterns", examples = "[\"order.created\",\"order.*\"]") List<String> eventTypes) {

    static final PortalSessionRequest DEFAULTS = new PortalSessionRequest(null, null);
}
