package io.herald.subscription.endpoint;

import java.security.SecureRandom;

/** Endpoint ids: {@code ep_} and 26 characters of lowercase Crockford base32 (128 random bits). */
final class EndpointIds {

    static final String PREFIX = "ep_";
    private static final char[] ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();
    private static final int LENGTH = 26;
    private static final SecureRandom RANDOM = new SecureRandom();

    private EndpointIds() {
    }

    static String next() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        long high = toLong(bytes, 0);
        long low = toLong(bytes, 8);
        char[] id = new char[LENGTH];
        // Five bits per digit from the low end of the 128-bit value high:low; 26 digits cover all 128 bits.
        for (int i = LENGTH - 1; i >= 0; i--) {
            id[i] = ALPHABET[(int) (low & 31)];
            low = (low >>> 5) | (high << 59);
            high >>>= 5;
        }
        return PREFIX + new String(id);
    }

    private static long toLong(byte[] bytes, int offset) {
        long value = 0;
        for (int i = offset; i < offset + 8; i++) {
            value = (value << 8) | (bytes[i] & 0xff);
        }
        return value;
    }
}
