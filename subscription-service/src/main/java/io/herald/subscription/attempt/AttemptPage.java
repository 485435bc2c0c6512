package io.herald.subscription.attempt;

import java.util.List;

/**
 * A page of attempts, newest first, shaped like every listing ({@link io.herald.subscription.paging.Page}).
 *
 * @param nextCursor pass it as {@code cursor} to get the next (older) page; null on the last page
 */
public record AttemptPage(List<AttemptResponse> data, String nextCursor) {
}
