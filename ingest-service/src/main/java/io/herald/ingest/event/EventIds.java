package io.herald.ingest.event;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.regex.Pattern;

/**
 * Event ids: the producer's own, or {@code evt_} followed by a ULID (48-bit millisecond time, 80 random bits, Crockford
 * base32), so generated ids sort by creation time and never collide in practice.
 */
public final class EventIds {

    /** What a producer may use as an event id. */
    public static final Pattern VALID = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");
    public static final String PREFIX = "evt_";

    private static final char[] CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private EventIds() {
    }

    public static boolean isValid(String id) {
        return id != null && VALID.matcher(id).matches();
    }

    public static String generate(Clock clock) {
        byte[] random = new byte[10];
        RANDOM.nextBytes(random);
        return PREFIX + ulid(clock.millis(), random);
    }

    static String ulid(long millis, byte[] random) {
        char[] out = new char[26];
        long time = millis;
        for (int i = 9; i >= 0; i--) {
            out[i] = CROCKFORD[(int) (time & 31)];
            time >>>= 5;
        }
        // 80 random bits as 16 base32 characters, 5 bits at a time.
        long high = 0;
        for (int i = 0; i < 5; i++) {
            high = (high << 8) | (random[i] & 0xff);
        }
        long low = 0;
        for (int i = 5; i < 10; i++) {
            low = (low << 8) | (random[i] & 0xff);
        }
        for (int i = 17; i >= 10; i--) {
            out[i] = CROCKFORD[(int) (high & 31)];
            high >>>= 5;
        }
        for (int i = 25; i >= 18; i--) {
            out[i] = CROCKFORD[(int) (low & 31)];
            low >>>= 5;
        }
        return new String(out);
    }
}
