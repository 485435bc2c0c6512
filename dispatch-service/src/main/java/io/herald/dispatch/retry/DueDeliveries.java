package io.herald.dispatch.retry;

import org.eclipse.microprofile.reactive.messaging.Message;

import io.herald.contracts.messages.DeliveryMessage;

/** Where a retry tier hands a delivery once it is due: the delivery stage. */
public interface DueDeliveries {

    /**
     * Delivers {@code delivery}, read from {@code message}, and acknowledges the message once its outcome is durable; a
     * null delivery (an unreadable record) is acknowledged and skipped.
     */
    io.smallrye.mutiny.Uni<Void> process(Message<String> message, DeliveryMessage delivery);
}
