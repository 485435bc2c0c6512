package io.herald.dispatch.http;

import io.herald.contracts.egress.EgressCategory;
import io.herald.contracts.egress.EgressVerdict;

/**
 * The egress policy refused the endpoint's destination, so no connection was made. Not worth retrying on a schedule:
 * the same host is refused again unless its DNS changes. The message names the host and the category, never the
 * resolved address (an attempt record must not tell a tenant what an internal name resolves to).
 */
public class EgressRefusedException extends RuntimeException {

    private final String host;
    private final EgressCategory category;

    public EgressRefusedException(EgressVerdict verdict) {
        super("Refused by the egress policy (" + verdict.host() + "): " + verdict.reason(), null, false, false);
        this.host = verdict.host();
        this.category = verdict.category();
    }

    /** The URL's host as written. */
    public String host() {
        return host;
    }

    /** Why: loopback, private network, cloud metadata, ... */
    public EgressCategory category() {
        return category;
    }
}
