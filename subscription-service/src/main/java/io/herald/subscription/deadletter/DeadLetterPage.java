package io.herald.subscription.deadletter;

import java.util.List;

/**
 * A page of dead letters, newest first, shaped like every listing ({@link io.herald.subscription.paging.Page}).
 *
 * @param nextCursor pass it as {@code cursor} to get the next (older) page; null on the last page
 */
public record DeadLetterPage(List<DeadLetterResponse> data, String nextCursor) {
}
