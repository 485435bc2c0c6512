package io.herald.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.herald.client.generated.ingest.model.EventAccepted;
import io.herald.client.generated.ingest.model.EventRequest;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "events", description = "Publish events.", subcommands = EventsCommand.Send.class)
final class EventsCommand {

    @ParentCommand
    HeraldCli cli;

    static final ObjectMapper JSON = new ObjectMapper();

    @Command(name = "send", description = "Publish one event; prints its id once Kafka has it.")
    static final class Send implements Callable<Integer> {

        @ParentCommand
        EventsCommand events;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = { "-t", "--type" }, required = true, description = "event type, e.g. order.created")
        String type;

        @Option(names = { "-d", "--data" }, required = true, description = "the data: JSON, @file for a file's "
                + "content, or - for standard input")
        String data;

        @Option(names = "--id", description = "the event's id (default: Herald assigns one)")
        String id;

        @Option(names = "--ordering-key", description = "events with the same key keep their order")
        String orderingKey;

        @Option(names = "--idempotency-key", description = "the same key within 24 hours returns the first "
                + "answer and publishes nothing new (default: a random one, reused by the retries)")
        String idempotencyKey;

        @Override
        public Integer call() {
            EventRequest event = new EventRequest().type(type).data(parse(spec, read(data))).id(id)
                    .orderingKey(orderingKey);
            EventAccepted accepted = idempotencyKey == null ? events.cli.client().events().send(event)
                    : events.cli.client().events().send(event, idempotencyKey);
            spec.commandLine().getOut().println("accepted " + accepted.getId());
            return 0;
        }
    }

    /** {@code value}, or a file's content ({@code @path}), or standard input ({@code -}). */
    static String read(String value) {
        try {
            if (value.equals("-")) {
                return new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (value.startsWith("@")) {
                return Files.readString(Path.of(value.substring(1)), StandardCharsets.UTF_8);
            }
            return value;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + value, e);
        }
    }

    static JsonNode parse(CommandLine.Model.CommandSpec spec, String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--data is not JSON: " + e.getOriginalMessage());
        }
    }
}
