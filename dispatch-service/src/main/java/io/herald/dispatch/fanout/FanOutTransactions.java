package io.herald.dispatch.fanout;

import java.util.function.Function;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.transactions.KafkaTransactions;
import io.smallrye.reactive.messaging.kafka.transactions.TransactionalEmitter;

/**
 * Fan-out's Kafka transactions on {@code herald.deliveries}, each of which either committed or failed.
 * <p>
 * SmallRye's connector (4.33) aborts a transaction whose commit fails (a rebalance between poll and commit, an offset
 * commit refused by the group coordinator, a broker timeout) and then reports it as done, as if committed: its
 * after-abort step, which sets the consumer back to the committed offsets, does not run either. Fan-out would then
 * acknowledge a batch whose deliveries were never written and read on past its events, losing them. So each transaction
 * is checked against the producer's own count of committed transactions (Kafka's {@code txn-commit-time-ns-total},
 * recorded only by a commit that succeeded); transactions run one at a time, so it moved iff this one committed. One
 * that did not fails here, and fan-out reads its events again. One that failed because the producer was fenced ends
 * fan-out on this replica ({@link FencedProducer}).
 */
@ApplicationScoped
public class FanOutTransactions {

    /** The channel of herald.deliveries, written by fan-out's transactional producer. */
    static final String CHANNEL = "deliveries-out";
    private static final String COMMITS = "txn-commit-time-ns-total";
    private static final String GROUP = "producer-metrics";

    private final KafkaTransactions<String> transactions;
    private final KafkaClientService clients;
    private final FencedProducer fenced;
    private volatile CommitsMetric commits;

    FanOutTransactions(
            @Channel(CHANNEL) @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER) KafkaTransactions<String> transactions,
            KafkaClientService clients, FencedProducer fenced) {
        this.transactions = transactions;
        this.clients = clients;
        this.fenced = fenced;
    }

    /** A transaction of {@code work}'s sends alone. */
    <R> Uni<R> run(Function<TransactionalEmitter<String>, Uni<R>> work) {
        return committed(() -> transactions.withTransaction(work));
    }

    /** A transaction of {@code work}'s sends that also commits the polled {@code batch}'s offsets. */
    <R> Uni<R> run(Message<?> batch, Function<TransactionalEmitter<String>, Uni<R>> work) {
        return committed(() -> transactions.withTransaction(batch, work));
    }

    private <R> Uni<R> committed(Supplier<Uni<R>> transaction) {
        return Uni.createFrom().deferred(() -> {
            if (fenced.isFenced()) {
                return Uni.createFrom().failure(new IllegalStateException(
                        "The fan-out producer was fenced: this replica fans nothing out until restarted"));
            }
            double before = commits();
            return transaction.get().onItem()
                    .transformToUni(result -> commits() > before ? Uni.createFrom().item(result)
                            : Uni.createFrom().failure(new IllegalStateException(
                                    "The fan-out transaction did not commit (its commit failed and it was aborted)")))
                    .onFailure(FencedProducer::isFencing).invoke(fenced::fenced);
        });
    }

    /**
     * How many nanoseconds the producer spent in commits that succeeded, in all. The metric is looked up again only
     * when the connector replaced its producer, not on every transaction.
     */
    private double commits() {
        Producer<?, ?> producer = clients.getProducer(CHANNEL).unwrap();
        CommitsMetric known = commits;
        if (known == null || known.producer() != producer) {
            Metric metric = producer.metrics().entrySet().stream().filter(e -> isCommits(e.getKey()))
                    .map(e -> (Metric) e.getValue()).findFirst().orElseThrow(() -> new IllegalStateException(
                            "The Kafka producer of " + CHANNEL + " has no metric " + GROUP + "/" + COMMITS));
            known = new CommitsMetric(producer, metric);
            commits = known;
        }
        return ((Number) known.metric().metricValue()).doubleValue();
    }

    /** The commit-time metric of one producer instance. */
    private record CommitsMetric(Producer<?, ?> producer, Metric metric) {
    }

    private static boolean isCommits(MetricName name) {
        return COMMITS.equals(name.name()) && GROUP.equals(name.group());
    }
}
