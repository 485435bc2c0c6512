package io.herald.kit.id;

import java.security.SecureRandom;
import java.time.Clock;

/**
 * The one id generator of the services: ULIDs (48-bit millisecond time, then 80 random bits, 26 characters of Crockford
 * base32), so generated ids sort by creation time and never collide in practice. Each kind of id adds its prefix and
 * case: {@code evt_} + upper case for events, {@code ep_} + lower case for endpoints.
 */
public final class Ulid {

    /** Characters of a ULID. */
    public static final int LENGTH = 26;

    private static final char[] CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
    private static final int TIME_CHARS = 10;
    private static final int RANDOM_BYTES = 10;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ulid() {
    }

    /** A new ULID for the clock's current millisecond, in upper case as the specification writes it. */
    public static String next(Clock clock) {
        byte[] random = new byte[RANDOM_BYTES];
        RANDOM.nextBytes(random);
        return encode(clock.millis(), random);
    }

    /** The ULID of {@code millis} (48 bits) and {@code random} (10 bytes). */
    static String encode(long millis, byte[] random) {
        char[] out = new char[LENGTH];
        long time = millis;
        for (int i = TIME_CHARS - 1; i >= 0; i--) {
            out[i] = CROCKFORD[(int) (time & 31)];
            time >>>= 5;
        }
        // 80 random bits as 16 characters: two halves of 40 bits, 8 characters each.
        encode40(random, 0, out, TIME_CHARS);
        encode40(random, 5, out, TIME_CHARS + 8);
        return new String(out);
    }

    private static void encode40(byte[] bytes, int from, char[] out, int at) {
        long bits = 0;
        for (int i = from; i < from + 5; i++) {
            bits = (bits << 8) | (bytes[i] & 0xff);
        }
        for (int i = at + 7; i >= at; i--) {
            out[i] = CROCKFORD[(int) (bits & 31)];
            bits >>>= 5;
        }
    }
}
