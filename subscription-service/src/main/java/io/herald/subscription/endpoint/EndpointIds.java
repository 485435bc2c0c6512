package io.herald.subscription.endpoint;

import java.time.Clock;
import java.util.Locale;

import io.herald.kit.id.Ulid;

/** Endpoint ids: {@code ep_} and a ULID in lower case (26 characters of Crockford base32), in creation order. */
final class EndpointIds {

    static final String PREFIX = "ep_";

    private EndpointIds() {
    }

    static String next(Clock clock) {
        return PREFIX + Ulid.next(clock).toLowerCase(Locale.ROOT);
    }
}
