package io.herald.dispatch.retry;

import java.time.Duration;
import java.util.List;

import io.herald.contracts.Topics;

/** Which retry tier topic holds a delivery due after a given delay. */
public final class RetryTiers {

    private static final List<Duration> DELAYS = Topics.RETRY_TIERS.stream().map(RetryTiers::parse).toList();

    private RetryTiers() {
    }

    /**
     * The longest tier not longer than {@code delay}, or the shortest for shorter delays: a record then waits in its
     * tier for the tier's delay (or less, in the shortest), and moves on to a shorter tier for the rest.
     */
    public static String tierFor(Duration delay) {
        int chosen = 0;
        for (int i = 0; i < DELAYS.size(); i++) {
            if (DELAYS.get(i).compareTo(delay) <= 0) {
                chosen = i;
            }
        }
        return Topics.RETRY_TIERS.get(chosen);
    }

    /** How long a record stays in {@code tier} at most: the tier's delay. */
    public static Duration delayOf(String tier) {
        return DELAYS.get(Topics.RETRY_TIERS.indexOf(tier));
    }

    /** A tier name such as {@code 5s}, {@code 30m} or {@code 10h} as a duration. */
    static Duration parse(String tier) {
        long amount = Long.parseLong(tier.substring(0, tier.length() - 1));
        return switch (tier.charAt(tier.length() - 1)) {
            case 's' -> Duration.ofSeconds(amount);
            case 'm' -> Duration.ofMinutes(amount);
            case 'h' -> Duration.ofHours(amount);
            case 'd' -> Duration.ofDays(amount);
            default -> throw new IllegalArgumentException("Unknown retry tier " + tier);
        };
    }
}
