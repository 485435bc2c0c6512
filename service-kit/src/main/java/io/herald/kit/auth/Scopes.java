package io.herald.kit.auth;

/** The scopes a token's {@code scope} claim may grant (space-separated). */
public final class Scopes {

    public static final String EVENTS_WRITE = "events:write";
    public static final String ENDPOINTS_READ = "endpoints:read";
    public static final String ENDPOINTS_WRITE = "endpoints:write";
    /** Changing the tenant's event-type catalog and its settings; reading them needs {@link #ENDPOINTS_READ}. */
    public static final String EVENT_TYPES_WRITE = "event-types:write";

    /**
     * Reading an endpoint's signing secret back; {@link #ENDPOINTS_WRITE} also grants it, {@link #ENDPOINTS_READ} not.
     */
    public static final String ENDPOINTS_SECRETS = "endpoints:secrets";

    private Scopes() {
    }
}
