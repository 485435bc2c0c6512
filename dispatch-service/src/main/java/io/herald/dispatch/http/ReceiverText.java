package io.herald.dispatch.http;

/**
 * Text that came from a receiver (body excerpt, header values, error messages) made safe to store and to put in JSON:
 * NUL and unpaired surrogates become U+FFFD. Bytes that are not UTF-8 were already replaced when they were decoded. A
 * receiver's bytes are data, never control: PostgreSQL refuses NUL in {@code text}, which would stop the attempt log
 * for every tenant.
 */
public final class ReceiverText {

    private static final char REPLACEMENT = '\uFFFD';

    private ReceiverText() {
    }

    /** {@code text} with NUL and unpaired surrogates replaced, or null for null. */
    public static String safe(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder safe = null;
        int length = text.length();
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            boolean bad;
            if (c == 0) {
                bad = true;
            } else if (Character.isHighSurrogate(c)) {
                bad = i + 1 >= length || !Character.isLowSurrogate(text.charAt(i + 1));
                if (!bad) {
                    if (safe != null) {
                        safe.append(c).append(text.charAt(i + 1));
                    }
                    i++;
                    continue;
                }
            } else {
                bad = Character.isLowSurrogate(c);
            }
            if (bad && safe == null) {
                safe = new StringBuilder(length).append(text, 0, i);
            }
            if (safe != null) {
                safe.append(bad ? REPLACEMENT : c);
            }
        }
        return safe == null ? text : safe.toString();
    }
}
