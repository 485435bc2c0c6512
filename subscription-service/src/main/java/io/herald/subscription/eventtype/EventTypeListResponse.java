package io.herald.subscription.eventtype;

import java.util.List;

/**
 * One page of event types in name order; {@code next} is the cursor of the following page, null on the last.
 */
public record EventTypeListResponse(List<EventTypeResponse> data, String next) {
}
