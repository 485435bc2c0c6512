package io.herald.dispatch;

import java.util.List;
import java.util.Optional;

import io.herald.contracts.egress.Cidr;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;

/**
 * Dispatch's own settings ({@code herald.dispatch.*}; each also settable by environment variable, e.g.
 * {@code HERALD_DISPATCH_HTTP_REQUEST_TIMEOUT_MS}). Kafka channels are configured under {@code mp.messaging.*}.
 */
@ConfigMapping(prefix = "herald.dispatch")
public interface DispatchConfig {

    /** The routing table rebuilt from {@code herald.endpoints}. */
    Routing routing();

    /** Fan-out of events into deliveries. */
    FanOut fanOut();

    /** Delivery of webhooks. */
    Delivery delivery();

    /** The outbound HTTP client. */
    Http http();

    /** The SSRF guard on the address every delivery connects to. */
    Egress egress();

    /**
     * How fast the other instances take over this one's partitions when it dies. The Kafka channels read these
     * ({@code application.properties}, {@code RetryTierChannels}); the brokers must allow the session timeout
     * ({@code group.min.session.timeout.ms} at most this) and should look for timed-out transactions at least as often
     * ({@code transaction.abort.timed.out.transaction.cleanup.interval.ms}); docs/operations.md, "Failover".
     */
    Failover failover();

    interface Routing {

        /** How long one poll of {@code herald.endpoints} waits for records, in milliseconds. */
        @WithDefault("500")
        long pollTimeoutMs();

        /** Pause before polling again after an unexpected consumer error, in milliseconds. */
        @WithDefault("1000")
        long errorBackoffMs();

        /**
         * Longest wait of a fan-out batch for the routing table to read {@code herald.endpoints} up to where it ended
         * when the batch came, in milliseconds; past it the batch is fanned out with the table as it is (logged).
         */
        @WithDefault("5000")
        long catchUpTimeoutMs();
    }

    interface FanOut {

        /**
         * Pause after a fan-out transaction aborted (a Kafka failure) before its events are read again, in
         * milliseconds, so a broker outage does not spin the consumer. None when a rebalance aborted it (the group's
         * generation moved on): a replica joined, left or died, and its events are fanned out again at once.
         */
        @WithDefault("1000")
        long abortBackoffMs();

        /**
         * Bytes of delivery records written in one fan-out transaction, about (payload plus envelope). A polled batch
         * whose deliveries exceed it is written in several transactions (default 16 MiB).
         */
        @WithDefault("16777216")
        long maxTransactionBytes();

        /**
         * Pause before writing back a batch that holds nothing but held-back large events (delivery behind, or their
         * tenant saturated), in milliseconds (default 250): without it they would be read and written back again at
         * once. Other events arriving meanwhile wait at most this long.
         */
        @WithDefault("250")
        long deferPauseMs();

        /**
         * Large fan-outs are held back while the last record the delivery stage took from {@code herald.deliveries} had
         * waited there this long or longer, in milliseconds (default 1000): fanned out then, they would queue in front
         * of every other tenant's deliveries.
         */
        @WithDefault("1000")
        long deferWhenQueuedMs();
    }

    interface Delivery {

        /**
         * Deliveries in flight at once per instance, across all assigned partitions of {@code herald.deliveries};
         * within a partition they complete out of order and the offset commit only advances past fully finished
         * records. Keep it well above (endpoints that may hang at once) x 2 x {@code max-in-flight-per-endpoint}: each
         * hanging endpoint holds its in-flight requests until their deadline and as many waiting deliveries, and only
         * the rest of this budget is left for healthy endpoints until its breaker opens. A waiting delivery costs a
         * record and a timer, not a thread or a connection.
         */
        @WithDefault("1024")
        int concurrency();

        /**
         * Bytes of delivery payloads in flight at once per instance (being delivered or waiting for a slot), across
         * partitions, in bytes; no further record is taken from {@code herald.deliveries} past it. Bounds the memory a
         * burst of large events takes while endpoints hang (one record may pass it). Default 64 MiB.
         */
        @WithDefault("67108864")
        long maxBytesInFlight();
    }

    interface Http {

        /**
         * Time to obtain a connection, in milliseconds: TCP connect, and also the wait for a free pooled connection.
         */
        @WithDefault("5000")
        int connectTimeoutMs();

        /** Longest silence while sending the request or reading the response, in milliseconds. */
        @WithDefault("10000")
        int idleTimeoutMs();

        /**
         * Total deadline from sending the request to the end of the response, in milliseconds; the connection is reset
         * when it passes, so a server trickling bytes cannot hold a delivery longer.
         */
        @WithDefault("15000")
        int requestTimeoutMs();

        /**
         * Requests in flight to one destination host and port at once per instance, across all its endpoints. Each
         * endpoint has connections of its own (as many as {@code limits.max-in-flight-per-endpoint}); this caps their
         * sum for a host. A delivery past it is postponed, never queued behind another endpoint's requests.
         */
        @WithDefault("256")
        int maxConnectionsPerHost();

        /** An endpoint's client (its connection pool) unused for this long is closed, in milliseconds. */
        @WithDefault("300000")
        long idleClientEvictionMs();

        /** Response body bytes kept for the attempt record; a longer body is cut off and its connection closed. */
        @WithDefault("4096")
        int maxResponseBodyBytes();

        /** The {@code User-Agent} sent with every delivery. */
        @WithDefault("Herald-Webhooks/0.1")
        String userAgent();

        /**
         * A PEM file of certificate authorities trusted for deliveries and OAuth 2.0 token requests besides the JDK's
         * own (e.g. a private CA of receivers inside the company, or a test CA). Absent, the default: the JDK's only.
         */
        Optional<String> trustPemPath();
    }

    interface Egress {

        /**
         * Destination networks exempt from the egress policy (e.g. {@code 127.0.0.0/8,::1/128} for local and test runs,
         * where receivers listen on loopback). Empty, the default: every loopback, private, link-local, CGNAT, reserved
         * and cloud metadata address is refused. Cloud metadata addresses stay refused whatever this lists.
         */
        Optional<List<@WithConverter(CidrConverter.class) Cidr>> allowCidrs();
    }

    interface Failover {

        /**
         * Consumer group session timeout of every dispatch consumer (fan-out, delivery, retry tiers), in milliseconds:
         * a killed instance's partitions are reassigned this long after its last heartbeat. A graceful shutdown leaves
         * the groups at once. Must lie within the brokers' {@code group.min.session.timeout.ms} and
         * {@code group.max.session.timeout.ms}, or no consumer can join. 1 s (with 250 ms heartbeats) moved a killed
         * replica's partitions in 1.0 s, but on a loaded two-core machine it also rebalanced every group every second
         * or two (heartbeats late), with thousands of duplicate webhooks; 3 s did not. The default, 10 s, is above
         * Kafka's default floor (6 s); 3 s where the brokers allow it (k8s/kafka's do).
         */
        @WithDefault("10000")
        int sessionTimeoutMs();

        /**
         * How often every dispatch consumer heartbeats to its group, in milliseconds; a third of the session or less.
         * The other members learn that one left or died only from their heartbeat's answer, so on a graceful shutdown
         * the partitions move within about this long.
         */
        @WithDefault("500")
        int heartbeatIntervalMs();

        /**
         * The partition assignor of every dispatch consumer group (Kafka's {@code partition.assignment.strategy}). The
         * cooperative-sticky assignor moves only the partitions that change owner when a replica joins or leaves; the
         * others keep delivering through the rebalance, where an eager assignor stops every member and has it read its
         * partitions again from the committed offsets.
         */
        @WithDefault("org.apache.kafka.clients.consumer.CooperativeStickyAssignor")
        String partitionAssignmentStrategy();

        /**
         * An instance reports ready only once every partition of {@code herald.deliveries} it was assigned is at most
         * this many records behind ({@link GroupMembership}), so a rolling update stops the next instance only once
         * this one has caught up with its share.
         */
        @WithDefault("500")
        long readyLagRecords();

        /**
         * The longest a fan-out transaction may stay open, in milliseconds, counted from its first write. One left open
         * by a killed instance holds back every read_committed reader of the partitions it wrote to (every instance's
         * deliveries) until the broker aborts it: at most this plus the brokers'
         * {@code transaction.abort.timed.out.transaction.cleanup.interval.ms} after it began, unless an instance with
         * the same transactional id (the same {@code POD_NAME}) starts first and fences it. Not shorter: a transaction
         * the coordinator aborts while it is still running (a coordinator moving after a broker died, a stall of a few
         * seconds) leaves this instance's transactional producer unusable with SmallRye 4.33 and Kafka 4.1 (its sends
         * fail with InvalidProducerEpochException and fan-out stops until a restart); with 1 s that happened at the
         * first transaction of a freshly started three-broker cluster (docs/operations.md, "Failover").
         */
        @WithDefault("30000")
        int transactionTimeoutMs();

        /**
         * On a graceful shutdown (SIGTERM), the longest wait for the deliveries this instance already took to finish
         * before it leaves the delivery group, in milliseconds; it has stopped fetching by then, and what is still in
         * flight past it is delivered again by the instance taking the partition over (at least once). Every other
         * group is left at once ({@code io.herald.dispatch.failover.ShutdownHandover}).
         */
        @WithDefault("500")
        int shutdownGraceMs();
    }
}
