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

    /**
     * A wait of no promised length (a back-off) moved to a tier's delay, so the record wakes once, at its tier's
     * deadline, and is never forwarded from tier to tier: a wait up to the shortest tier stays as it is; a longer one
     * becomes the next tier's delay if that is at most twice the wait, else the tier's below. (Left exact, a 55 s wait
     * would be woken and written again eleven times in the 5 s tier.)
     */
    public static Duration backOff(Duration wait) {
        if (wait.compareTo(DELAYS.get(0)) <= 0) {
            return wait;
        }
        Duration below = DELAYS.get(0);
        for (Duration delay : DELAYS) {
            if (delay.compareTo(wait) >= 0) {
                return delay.compareTo(wait.multipliedBy(2)) <= 0 ? delay : below;
            }
            below = delay;
        }
        return below;
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
