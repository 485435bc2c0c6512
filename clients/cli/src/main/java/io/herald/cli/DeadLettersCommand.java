package io.herald.cli;

import java.io.PrintWriter;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.Callable;

import io.herald.client.generated.subscriptions.model.DeadLetterPage;
import io.herald.client.generated.subscriptions.model.DeadLetterResponse;
import io.herald.client.generated.subscriptions.model.RecoveryResponse;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "dead-letters", description = "Deliveries that were not delivered, and sending them again.", subcommands = {
        DeadLettersCommand.ListDeadLetters.class, DeadLettersCommand.Replay.class })
final class DeadLettersCommand {

    @ParentCommand
    HeraldCli cli;

    @Command(name = "list", description = "Dead letters, newest first.")
    static final class ListDeadLetters implements Callable<Integer> {

        @ParentCommand
        DeadLettersCommand deadLetters;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--endpoint", description = "only this endpoint's")
        String endpointId;

        @Option(names = "--pending", description = "only those not replayed yet")
        boolean pending;

        @Option(names = { "-n", "--limit" }, description = "page size (default: the server's)")
        Integer limit;

        @Override
        public Integer call() {
            DeadLetterPage page = deadLetters.cli.client().deadLetters().list(endpointId, pending ? false : null, null,
                    limit);
            PrintWriter out = spec.commandLine().getOut();
            List<DeadLetterResponse> data = page.getData() == null ? List.of() : page.getData();
            out.printf("%-36s %-32s %-30s %-10s %-28s %s%n", "ID", "ENDPOINT", "EVENT", "STATUS", "DEAD AT",
                    "LAST ERROR");
            for (DeadLetterResponse d : data) {
                out.printf("%-36s %-32s %-30s %-10s %-28s %s%n", d.getId(), d.getEndpointId(), d.getEventId(),
                        d.getStatus(), d.getDeadAt(), d.getLastError() == null ? "" : d.getLastError());
            }
            out.printf("%d dead letter(s)%s%n", data.size(), page.getNextCursor() == null ? "" : ", more exist");
            return 0;
        }
    }

    @Command(name = "replay", description = "Send dead letters again: the ones named, or with --endpoint and "
            + "--since every one of that endpoint since a time.")
    static final class Replay implements Callable<Integer> {

        @ParentCommand
        DeadLettersCommand deadLetters;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "DEAD_LETTER", arity = "0..*", description = "dead letter ids")
        List<String> ids = List.of();

        @Option(names = "--endpoint", description = "replay this endpoint's dead letters (needs --since)")
        String endpointId;

        @Option(names = "--since", description = "ISO-8601 time, e.g. 2026-12-01T00:00:00Z")
        String since;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            if (ids.isEmpty() == (endpointId == null)) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "Name dead letter ids, or --endpoint with --since (not both)");
            }
            if (endpointId != null) {
                if (since == null) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--endpoint needs --since");
                }
                Instant from;
                try {
                    from = Instant.parse(since);
                } catch (DateTimeParseException e) {
                    throw new CommandLine.ParameterException(spec.commandLine(),
                            "--since is not an ISO-8601 time such as 2026-12-01T00:00:00Z: " + since);
                }
                RecoveryResponse recovered = deadLetters.cli.client().deadLetters().recover(endpointId, from);
                out.printf("replayed %d dead letter(s) of %s since %s%n", recovered.getReplayed(), endpointId, from);
                return 0;
            }
            for (String id : ids) {
                DeadLetterResponse replayed = deadLetters.cli.client().deadLetters().replay(id);
                out.printf("replayed %s (event %s to %s)%n", replayed.getId(), replayed.getEventId(),
                        replayed.getEndpointId());
            }
            return 0;
        }
    }
}
