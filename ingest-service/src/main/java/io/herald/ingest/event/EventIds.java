package io.herald.ingest.event;

import java.time.Clock;
import java.util.regex.Pattern;

import io.herald.kit.id.Ulid;

/**
 * Event ids: the producer's own, or {@code evt_} followed by a {@link Ulid}, so generated ids sort by creation time and
 * never collide in practice.
 */
public final class EventIds {

    /** What a producer may use as an event id. */
    public static final Pattern VALID = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");
    public static final String PREFIX = "evt_";

    private EventIds() {
    }

    public static boolean isValid(String id) {
        return id != null && VALID.matcher(id).matches();
    }

    public static String generate(Clock clock) {
        return PREFIX + Ulid.next(clock);
    }
}
