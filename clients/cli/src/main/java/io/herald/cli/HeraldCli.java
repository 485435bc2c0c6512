package io.herald.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.stream.Collectors;

import io.herald.client.HeraldApiException;
import io.herald.client.HeraldClient;
import io.herald.client.HeraldException;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code herald}: Herald from the command line, on the Java client. The services' URLs and the token come from options
 * or from {@code HERALD_INGEST_URL}, {@code HERALD_SUBSCRIPTION_URL} and {@code HERALD_TOKEN}; the defaults are the
 * local stack's ({@code ./herald-local}).
 */
@Command(name = "herald", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT, version = "herald 0.1.0", subcommands = {
        EventsCommand.class, EndpointsCommand.class, AttemptsCommand.class,
        DeadLettersCommand.class }, description = "Send events, "
                + "manage endpoints, follow deliveries and replay dead letters of a Herald installation.")
public final class HeraldCli {

    @Option(names = "--ingest-url", defaultValue = "${env:HERALD_INGEST_URL:-http://127.0.0.1:8081}", description = "ingest-service's URL (env HERALD_INGEST_URL; default ${DEFAULT-VALUE})")
    String ingestUrl;

    @Option(names = "--subscription-url", defaultValue = "${env:HERALD_SUBSCRIPTION_URL:-http://127.0.0.1:8082}", description = "subscription-service's URL (env HERALD_SUBSCRIPTION_URL; default ${DEFAULT-VALUE})")
    String subscriptionUrl;

    @Option(names = "--token", defaultValue = "${env:HERALD_TOKEN}", description = "bearer token (env HERALD_TOKEN)")
    String token;

    @Option(names = "--retries", defaultValue = "3", description = "retries of what is safe to retry (default ${DEFAULT-VALUE})")
    int retries;

    private HeraldClient client;

    /** The client for this invocation, built on first use from the options. */
    HeraldClient client() {
        if (client == null) {
            if (token == null || token.isBlank()) {
                throw new CommandLine.ParameterException(new CommandLine(this),
                        "No token: pass --token or set HERALD_TOKEN (./herald-local prints one)");
            }
            client = HeraldClient.builder().ingestUrl(ingestUrl).subscriptionUrl(subscriptionUrl).token(token)
                    .retryPolicy(new io.herald.client.RetryPolicy(retries + 1, Duration.ofMillis(200),
                            Duration.ofSeconds(10)))
                    .build();
        }
        return client;
    }

    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /**
     * Runs one command line, writing to {@code out} and {@code err}; answers the exit code (0 ok, 1 failed, 2 usage).
     */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine line = new CommandLine(new HeraldCli());
        line.setOut(out).setErr(err).setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("error: " + describe(e));
            cmd.getErr().flush();
            return 1;
        });
        int code = line.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    private static String describe(Exception e) {
        if (e instanceof HeraldApiException api) {
            String fields = api.problem().errors().stream().map(f -> "\n  " + f.field() + ": " + f.message())
                    .collect(Collectors.joining());
            return api.status() + " " + (api.problem().title() != null ? api.problem().title() + ": " : "")
                    + (api.problem().detail() != null ? api.problem().detail() : "") + fields;
        }
        if (e instanceof HeraldException) {
            return e.getMessage();
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
