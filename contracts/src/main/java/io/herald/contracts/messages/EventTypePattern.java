package io.herald.contracts.messages;

import java.util.regex.Pattern;

/**
 * The event types an endpoint subscribes to: an exact type ({@code order.created}), a prefix wildcard ({@code order.*},
 * matching {@code order.created} and {@code order.item.added}) or {@code *} (everything).
 */
public final class EventTypePattern {

    /** Dot-separated segments of letters, digits, '_' and '-'; at least two segments. */
    public static final Pattern EVENT_TYPE = Pattern.compile("[a-zA-Z0-9_-]+(\\.[a-zA-Z0-9_-]+)+");
    public static final int MAX_LENGTH = 128;
    private static final Pattern SUBSCRIPTION = Pattern.compile("\\*|[a-zA-Z0-9_-]+(\\.[a-zA-Z0-9_-]+)*(\\.\\*)?");

    private EventTypePattern() {
    }

    public static boolean isValidEventType(String type) {
        return type != null && type.length() <= MAX_LENGTH && EVENT_TYPE.matcher(type).matches();
    }

    public static boolean isValidSubscription(String pattern) {
        return pattern != null && pattern.length() <= MAX_LENGTH && SUBSCRIPTION.matcher(pattern).matches();
    }

    public static boolean matches(String pattern, String type) {
        if ("*".equals(pattern)) {
            return true;
        }
        if (pattern.endsWith(".*")) {
            String prefix = pattern.substring(0, pattern.length() - 1);
            return type.startsWith(prefix);
        }
        return pattern.equals(type);
    }
}
