package io.herald.subscription.endpoint;

import java.util.List;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Size;

/**
 * Body of {@code POST /v1/endpoints}.
 *
 * @param url where deliveries are POSTed: absolute http(s), at most 2048 characters
 * @param description optional note for people, at most 512 characters
 * @param eventTypes 1 to 50 subscription patterns: {@code order.created}, {@code order.*} or {@code *}
 * @param enabled false registers the endpoint without delivering to it; default true
 */
public record CreateEndpointRequest(@NotBlank @Size(max = 2048) @AbsoluteHttpUrl String url,
        @Size(max = 512) String description, @NotEmpty @Size(max = 50) @EventTypePatterns List<String> eventTypes,
        Boolean enabled) {

    public boolean enabledOrDefault() {
        return enabled == null || enabled;
    }
}
