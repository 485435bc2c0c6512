package io.herald.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

import io.herald.client.generated.subscriptions.model.CreateEndpointRequest;
import io.herald.client.generated.subscriptions.model.CreatedEndpointResponse;
import io.herald.client.generated.subscriptions.model.EndpointResponse;
import io.herald.client.generated.subscriptions.model.RotatedSecretResponse;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "endpoints", description = "List, create and rotate the secrets of endpoints.", subcommands = {
        EndpointsCommand.ListEndpoints.class, EndpointsCommand.Create.class, EndpointsCommand.Rotate.class })
final class EndpointsCommand {

    @ParentCommand
    HeraldCli cli;

    @Command(name = "list", description = "The tenant's endpoints.")
    static final class ListEndpoints implements Callable<Integer> {

        @ParentCommand
        EndpointsCommand endpoints;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            List<EndpointResponse> all = endpoints.cli.client().endpoints().listAll();
            PrintWriter out = spec.commandLine().getOut();
            out.printf("%-32s %-8s %-7s %-24s %s%n", "ID", "ENABLED", "SIGNING", "EVENT TYPES", "URL");
            for (EndpointResponse e : all) {
                out.printf("%-32s %-8s %-7s %-24s %s%n", e.getId(), e.getEnabled(), e.getSigningMode(),
                        String.join(",", e.getEventTypes() == null ? List.of() : e.getEventTypes()), e.getUrl());
            }
            out.printf("%d endpoint(s)%n", all.size());
            return 0;
        }
    }

    @Command(name = "create", description = "Register an endpoint; prints its id and signing secret.")
    static final class Create implements Callable<Integer> {

        @ParentCommand
        EndpointsCommand endpoints;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = { "-u", "--url" }, required = true, description = "where webhooks are POSTed")
        String url;

        @Option(names = { "-e", "--event-type" }, required = true, split = ",", description = "event types or "
                + "patterns (order.*), repeatable or comma-separated")
        List<String> eventTypes;

        @Option(names = "--description")
        String description;

        @Option(names = "--signing-mode", description = "v1 (HMAC-SHA256, default) or v1a (Ed25519)")
        String signingMode;

        @Option(names = "--retry-schedule-ms", split = ",", description = "this endpoint's delays between tries, "
                + "in ms (default: the installation's schedule)")
        List<Long> retryScheduleMs;

        @Override
        public Integer call() {
            CreateEndpointRequest request = new CreateEndpointRequest().url(url).eventTypes(eventTypes)
                    .description(description).retryScheduleMs(retryScheduleMs);
            if (signingMode != null) {
                request.signingMode(CreateEndpointRequest.SigningModeEnum.fromValue(signingMode));
            }
            CreatedEndpointResponse created = endpoints.cli.client().endpoints().create(request);
            PrintWriter out = spec.commandLine().getOut();
            out.println("created " + created.getId());
            out.println("secret  " + created.getSecret());
            return 0;
        }
    }

    @Command(name = "rotate", description = "Give an endpoint a new signing secret; the old one keeps signing "
            + "beside it for the grace period.")
    static final class Rotate implements Callable<Integer> {

        @ParentCommand
        EndpointsCommand endpoints;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "ENDPOINT", description = "the endpoint's id")
        String id;

        @Override
        public Integer call() {
            RotatedSecretResponse rotated = endpoints.cli.client().endpoints().rotateSecret(id);
            PrintWriter out = spec.commandLine().getOut();
            out.println("rotated " + id);
            out.println("secret  " + rotated.getSecret());
            out.println("previous secret signs until " + rotated.getPreviousSecretExpiresAt());
            return 0;
        }
    }
}
