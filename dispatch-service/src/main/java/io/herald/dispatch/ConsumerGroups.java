package io.herald.dispatch;

import org.jboss.logging.Logger;

import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import io.smallrye.reactive.messaging.kafka.impl.ReactiveKafkaConsumer;

/** Leaving a channel's consumer group ahead of SmallRye's own shutdown of the channel. */
public final class ConsumerGroups {

    private static final Logger LOG = Logger.getLogger(ConsumerGroups.class);

    private ConsumerGroups() {
    }

    /**
     * Closes the channel's consumer, which leaves its group after committing what was acknowledged (the channel's
     * rebalance listener), and marks it closed for SmallRye (4.33), whose poll loop then stops instead of failing on a
     * closed client. Blocks until the consumer is closed: not on an event loop.
     */
    public static void leave(String channel, KafkaConsumer<?, ?> consumer) {
        if (consumer instanceof ReactiveKafkaConsumer<?, ?> reactive) {
            reactive.close();
        } else {
            LOG.warnf("The consumer of %s is a %s, not closed early", channel, consumer.getClass().getName());
        }
    }
}
