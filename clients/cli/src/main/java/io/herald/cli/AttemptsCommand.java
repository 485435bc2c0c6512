package io.herald.cli;

import java.io.PrintWriter;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

import io.herald.client.AttemptQuery;
import io.herald.client.Attempts;
import io.herald.client.generated.subscriptions.model.AttemptPage;
import io.herald.client.generated.subscriptions.model.AttemptResponse;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "attempts", description = "The delivery log.", subcommands = AttemptsCommand.Tail.class)
final class AttemptsCommand {

    @ParentCommand
    HeraldCli cli;

    @Command(name = "tail", description = "An endpoint's latest delivery attempts, oldest first; with --follow, "
            + "new ones as they happen (Ctrl-C stops).")
    static final class Tail implements Callable<Integer> {

        /** Most attempts one poll asks for; more between two polls are fetched page by page. */
        static final int PAGE = 100;

        @ParentCommand
        AttemptsCommand attempts;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "ENDPOINT", description = "the endpoint's id")
        String endpointId;

        @Option(names = { "-n", "--lines" }, defaultValue = "10", description = "how many of the latest attempts "
                + "to show first (default ${DEFAULT-VALUE})")
        int lines;

        @Option(names = { "-f", "--follow" }, description = "keep printing new attempts")
        boolean follow;

        @Option(names = "--interval-ms", defaultValue = "1000", description = "how often --follow asks (default "
                + "${DEFAULT-VALUE} ms)")
        long intervalMs;

        @Option(names = "--status", split = ",", description = "only these outcomes (succeeded, retry_scheduled, "
                + "exhausted, ...) and/or HTTP statuses (2xx, 503)")
        List<String> status = List.of();

        @Override
        public Integer call() throws InterruptedException {
            Attempts log = attempts.cli.client().attempts();
            PrintWriter out = spec.commandLine().getOut();
            AttemptQuery query = AttemptQuery.latest().withStatus(status.toArray(String[]::new));
            AttemptPage first = log.forEndpoint(endpointId, query.limit(Math.max(1, Math.min(lines, PAGE))));
            List<AttemptResponse> latest = new ArrayList<>(first.getData() == null ? List.of() : first.getData());
            Collections.reverse(latest);
            Cursor cursor = new Cursor();
            latest.forEach(a -> print(out, cursor.see(a)));
            out.flush();
            while (follow && !Thread.currentThread().isInterrupted()) {
                Thread.sleep(intervalMs);
                for (AttemptResponse a : newSince(log, query, cursor)) {
                    print(out, cursor.see(a));
                }
                out.flush();
            }
            return 0;
        }

        /** Attempts at or after the newest one seen that were not printed yet, oldest first. */
        private List<AttemptResponse> newSince(Attempts log, AttemptQuery query, Cursor cursor) {
            List<AttemptResponse> fresh = new ArrayList<>();
            AttemptQuery page = query.limit(PAGE);
            if (cursor.newest != null) {
                page = page.since(cursor.newest.toInstant());
            }
            while (true) {
                AttemptPage answer = log.forEndpoint(endpointId, page);
                List<AttemptResponse> data = answer.getData() == null ? List.of() : answer.getData();
                data.stream().filter(a -> !cursor.printed.contains(a.getId())).forEach(fresh::add);
                if (answer.getNextCursor() == null || data.isEmpty()) {
                    break;
                }
                page = page.after(answer.getNextCursor());
            }
            Collections.reverse(fresh);
            return fresh;
        }

        static void print(PrintWriter out, AttemptResponse a) {
            out.printf("%s  %-28s %-22s #%-2d %-16s %-4s %6s%s%n", a.getAttemptedAt(), a.getEventId(), a.getEventType(),
                    a.getAttempt(), a.getStatus(), a.getStatusCode() == null ? "-" : a.getStatusCode().toString(),
                    a.getLatencyMs() == null ? "" : a.getLatencyMs() + "ms",
                    a.getError() == null ? "" : "  " + a.getError());
        }
    }

    /**
     * What {@code tail} has printed: the newest attempt time, and the ids at or after it (the next poll starts there,
     * inclusive, so an attempt logged in the same instant is not missed and none is printed twice).
     */
    static final class Cursor {
        OffsetDateTime newest;
        final Set<String> printed = new HashSet<>();

        AttemptResponse see(AttemptResponse attempt) {
            OffsetDateTime at = attempt.getAttemptedAt();
            if (at != null && (newest == null || at.isAfter(newest))) {
                newest = at;
                printed.clear();
            }
            printed.add(attempt.getId());
            return attempt;
        }
    }
}
