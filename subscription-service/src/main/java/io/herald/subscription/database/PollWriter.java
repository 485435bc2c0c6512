package io.herald.subscription.database;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.jboss.logging.Logger;

import io.herald.contracts.MessageJson;
import io.micrometer.core.instrument.Counter;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * The skeleton of the consumers that store a topic in PostgreSQL (delivery log, dead letters): {@link #readable} parses
 * a poll and skips what no retry could fix, {@link #storeRetrying} stores the rest.
 * <p>
 * Stores one poll of a topic consumer so that one record can never stop the channel: the whole poll in one write, and
 * when PostgreSQL refuses that write for its data ({@link DataRefusal}), record by record, <em>parking</em> each record
 * it still refuses: logged with its ids, counted, skipped. Any other failure (the database away) fails the result, so
 * the caller's retry and its "stop rather than skip" behaviour stay as they are.
 *
 * @param <T> the record type
 */
public final class PollWriter<T> {

    private static final Logger LOG = Logger.getLogger(PollWriter.class);
    private static final int MAX_LOGGED_CHARS = 1000;

    private final String what;
    private final Function<List<T>, Uni<Integer>> write;
    private final Function<T, String> describe;
    private final Counter parked;

    /**
     * @param what plural name of the records in log lines, e.g. "attempts"
     * @param write writes records, answering how many were new; must be idempotent (a retried poll writes again)
     * @param describe the record's ids for the log line of a parked record
     * @param parked counts parked records
     */
    public PollWriter(String what, Function<List<T>, Uni<Integer>> write, Function<T, String> describe,
            Counter parked) {
        this.what = what;
        this.write = write;
        this.describe = describe;
        this.parked = parked;
    }

    /**
     * The values of a poll of {@code topic} that parse as {@code type} and are {@code complete}; an unreadable or
     * incomplete one is logged (with {@code id}) and skipped, as nothing a retry could fix.
     */
    public static <T> List<T> readable(MessageJson json, List<String> values, String topic, Class<T> type,
            Predicate<T> complete, Function<T, Object> id) {
        List<T> result = new ArrayList<>(values.size());
        for (String value : values) {
            T record;
            try {
                record = value == null ? null : json.read(value, type);
            } catch (RuntimeException e) {
                LOG.warnf("Skipping an unreadable record on %s: %s", topic, e.getMessage());
                continue;
            }
            if (record == null || !complete.test(record)) {
                LOG.warnf("Skipping an incomplete record on %s (%s)", topic, record == null ? null : id.apply(record));
                continue;
            }
            result.add(record);
        }
        return result;
    }

    /**
     * Stores the poll (nothing when empty) as {@link #store} does, retried with backoff while the database is away. If
     * it stays away, the failure reaches the channel, which stops, and the service reports itself unhealthy rather than
     * skip records.
     */
    public Uni<Integer> storeRetrying(List<T> poll) {
        if (poll.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return store(poll).onFailure()
                .invoke(failure -> LOG.warnf("Storing %d %s failed, retrying: %s", poll.size(), what,
                        failure.toString()))
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(10)).atMost(20);
    }

    /** Stores the poll (see the class comment); answers how many records were new. */
    public Uni<Integer> store(List<T> poll) {
        return Uni.createFrom().deferred(() -> write.apply(poll)).onFailure(DataRefusal::isDataRefusal)
                .recoverWithUni(refusal -> {
                    LOG.warnf("PostgreSQL refused a poll of %d %s for its data (%s); storing them one by one",
                            poll.size(), what, refusal.toString());
                    return oneByOne(poll);
                });
    }

    private Uni<Integer> oneByOne(List<T> poll) {
        return Multi.createFrom().iterable(poll).onItem()
                .transformToUniAndConcatenate(record -> Uni.createFrom().deferred(() -> write.apply(List.of(record)))
                        .onFailure(DataRefusal::isDataRefusal).recoverWithItem(refusal -> {
                            park(record, refusal.toString());
                            return 0;
                        }))
                .collect().with(Collectors.summingInt(Integer::intValue));
    }

    /** A huge value (often why the record was refused) would flood the log: its start identifies it. */
    private static String abbreviate(String text) {
        return text.length() <= MAX_LOGGED_CHARS ? text
                : text.substring(0, MAX_LOGGED_CHARS) + "... (" + text.length() + " characters)";
    }

    /** Logs, counts and skips a record that cannot be stored. */
    public void park(T record, String why) {
        parked.increment();
        LOG.errorf("Parked one of the %s, it cannot be stored and is skipped (%s): %s", what,
                abbreviate(describe.apply(record)), abbreviate(why));
    }
}
