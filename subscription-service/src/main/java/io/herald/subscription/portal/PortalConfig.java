package io.herald.subscription.portal;

import java.util.Optional;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The subscriber portal: its session links and the page's security headers. */
@ConfigMapping(prefix = "herald.subscription.portal")
public interface PortalConfig {

    /**
     * Public base URL of this service as subscribers' browsers reach it, e.g. {@code https://hooks.example.com}; env
     * {@code HERALD_SUBSCRIPTION_PORTAL_BASE_URL}. Unset, the base URL of the {@code POST /v1/portal-sessions} request
     * is used.
     */
    Optional<String> baseUrl();

    /** Lifetime of a portal session without {@code expiresInSeconds}, in seconds. */
    @WithDefault("3600")
    @Min(60)
    long defaultTtlSeconds();

    /** Longest lifetime a portal session may ask for, in seconds (default 24 h). */
    @WithDefault("86400")
    @Min(60)
    @Max(604800)
    long maxTtlSeconds();

    /**
     * Who may embed the portal in a frame: the CSP {@code frame-ancestors} source list, e.g.
     * {@code https://app.example.com}; env {@code HERALD_SUBSCRIPTION_PORTAL_FRAME_ANCESTORS}. Default {@code 'none'}:
     * link to it, do not frame it.
     */
    @WithDefault("'none'")
    String frameAncestors();
}
