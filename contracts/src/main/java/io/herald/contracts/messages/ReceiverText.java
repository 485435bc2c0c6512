package io.herald.contracts.messages;

import java.nio.charset.StandardCharsets;

/**
 * Makes text that came from a webhook receiver (response body excerpt, status reason, header values, error text) safe
 * to store and to carry in JSON: receiver bytes are data, never control. Every NUL (U+0000, which PostgreSQL refuses in
 * {@code text}), every byte sequence that is not UTF-8 and every unpaired UTF-16 surrogate becomes U+FFFD, the
 * replacement character; everything else is kept as it is. Used where such text is recorded (dispatch) and again where
 * it is stored (subscription), so a record written by an older dispatch is safe too.
 */
public final class ReceiverText {

    /** What replaces each NUL, invalid byte sequence and unpaired surrogate. */
    public static final char REPLACEMENT = '\uFFFD';

    private ReceiverText() {
    }

    /** The text with NULs and unpaired surrogates replaced; null stays null, and clean text is returned as it is. */
    public static String sanitize(String text) {
        if (text == null) {
            return null;
        }
        int first = firstUnsafe(text);
        if (first < 0) {
            return text;
        }
        StringBuilder safe = new StringBuilder(text.length()).append(text, 0, first);
        for (int i = first; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\0') {
                safe.append(REPLACEMENT);
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                safe.append(c).append(text.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                safe.append(REPLACEMENT);
            } else {
                safe.append(c);
            }
        }
        return safe.toString();
    }

    /** Receiver bytes as text: decoded as UTF-8 (each malformed sequence becomes U+FFFD), then {@link #sanitize}d. */
    public static String decode(byte[] bytes, int offset, int length) {
        return sanitize(new String(bytes, offset, length, StandardCharsets.UTF_8));
    }

    /** {@link #decode(byte[], int, int)} of the whole array; null stays null. */
    public static String decode(byte[] bytes) {
        return bytes == null ? null : decode(bytes, 0, bytes.length);
    }

    /** True when {@link #sanitize} would return the text unchanged. */
    public static boolean isSafe(String text) {
        return text == null || firstUnsafe(text) < 0;
    }

    private static int firstUnsafe(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\0') {
                return i;
            }
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < text.length()
                        && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else {
                    return i;
                }
            }
        }
        return -1;
    }
}
