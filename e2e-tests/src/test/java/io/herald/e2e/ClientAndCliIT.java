package io.herald.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.herald.cli.HeraldCli;
import io.herald.client.AttemptQuery;
import io.herald.client.HeraldApiException;
import io.herald.client.HeraldClient;
import io.herald.client.generated.ingest.model.BatchItemResult;
import io.herald.client.generated.ingest.model.BatchResult;
import io.herald.client.generated.ingest.model.EventRequest;
import io.herald.client.generated.subscriptions.model.AttemptResponse;
import io.herald.client.generated.subscriptions.model.CreatedEndpointResponse;
import io.herald.client.generated.subscriptions.model.DeadLetterResponse;
import io.herald.client.generated.subscriptions.model.EndpointResponse;
import io.herald.contracts.WebhookHeaders;
import io.herald.contracts.signing.WebhookVerifier;
import io.herald.devstack.PostgresServer;
import io.herald.devstack.ServiceProcess;
import io.herald.testing.TestTokens;
import io.herald.testing.WebhookReceiver;
import io.herald.testing.WebhookReceiver.Received;
import io.herald.testing.WebhookReceiver.Reply;

/**
 * The Java client and the {@code herald} CLI against the packaged services as processes: a producer publishes through
 * the client, a subscriber manages endpoints, reads the delivery log and replays a dead letter, and the CLI does the
 * same from the command line. The CLI session is written to {@code target/cli-session.txt}.
 */
class ClientAndCliIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(45);
    private static final String TENANT = "tenant-clients";
    private static final Path WORK = Path.of("target", "e2e-clients").toAbsolutePath();
    private static final Path SESSION = Path.of("target", "cli-session.txt");
    private static final Pattern ENDPOINT_ID = Pattern.compile("created (ep_[0-9a-z]+)");
    private static final Pattern EVENT_ID = Pattern.compile("accepted (evt_[0-9A-Za-z]+)");

    private static ServiceStack stack;
    private static ServiceProcess dispatch;
    private static WebhookReceiver receiver;
    private static HeraldClient client;
    private static final AtomicBoolean failing = new AtomicBoolean(true);
    private static final StringBuilder session = new StringBuilder();

    @BeforeAll
    static void startStack() {
        stack = ServiceStack.start(WORK, PostgresServer.forTests(WORK.resolve("postgres")), "herald_clients", Map.of());
        dispatch = stack.dispatch();
        receiver = WebhookReceiver.start();
        receiver.respond(
                r -> r.path().startsWith("/cli/failing") && failing.get() ? Reply.status(500) : Reply.status(204));
        client = client(TestTokens.admin(TENANT));
    }

    @AfterAll
    static void stopStack() throws Exception {
        Files.writeString(SESSION, session.toString(), StandardCharsets.UTF_8);
        if (receiver != null) {
            receiver.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    private static HeraldClient client(String token) {
        return HeraldClient.builder().ingestUrl(stack.ingest().baseUrl())
                .subscriptionUrl(stack.subscription().baseUrl()).token(token).build();
    }

    @Test
    void shouldPublishRegisterAndReadTheDeliveryLogThroughTheJavaClient() throws Exception {
        double endpointsBefore = DispatchRouting.endpoints(dispatch);
        CreatedEndpointResponse endpoint = client.endpoints().create(receiver.url("/client/orders"),
                List.of("order.*"));
        assertThat(endpoint.getSecret()).startsWith("whsec_");
        DispatchRouting.awaitEndpoints(dispatch, endpointsBefore + 1, TIMEOUT);

        String single = client.events().send("order.created", Map.of("orderId", "ord_1", "amount", 4200)).getId();
        BatchResult batch = client.events()
                .sendBatch(List.of(new EventRequest().type("order.paid").data(Map.of("orderId", "ord_1")),
                        new EventRequest().type("order.shipped").data(Map.of("orderId", "ord_1")),
                        new EventRequest().data(Map.of("orderId", "ord_1"))));
        assertThat(batch.getAccepted()).isEqualTo(2);
        assertThat(batch.getResults()).extracting(r -> r.getStatus().getValue()).containsExactly(202, 202, 400);
        assertThat(batch.getResults().get(2).getErrors()).isNotEmpty();

        List<String> published = new ArrayList<>(List.of(single));
        batch.getResults().stream().filter(r -> r.getStatus() == BatchItemResult.StatusEnum.NUMBER_202)
                .forEach(r -> published.add(r.getId()));
        List<Received> webhooks = await("3 webhooks at /client/orders", () -> receivedAt("/client/orders"),
                list -> list.size() >= 3);
        assertThat(webhooks).extracting(w -> w.header(WebhookHeaders.ID))
                .containsExactlyInAnyOrderElementsOf(published);
        for (Received webhook : webhooks) {
            assertThatCode(() -> WebhookVerifier.of(endpoint.getSecret()).verify(webhook.body(), webhook.headers()))
                    .doesNotThrowAnyException();
        }

        List<AttemptResponse> attempts = await("the delivery log of " + single,
                () -> client.attempts().forEvent(single, AttemptQuery.latest()).getData(),
                list -> list != null && !list.isEmpty());
        assertThat(attempts)
                .extracting(AttemptResponse::getEndpointId, AttemptResponse::getStatus, AttemptResponse::getStatusCode)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(endpoint.getId(), "succeeded", 204));
        await("three succeeded attempts of the endpoint", () -> client.attempts()
                .forEndpoint(endpoint.getId(), AttemptQuery.latest().withStatus("succeeded")).getData(),
                list -> list != null && list.size() == 3);

        assertThat(client.endpoints().listAll()).extracting(EndpointResponse::getId).contains(endpoint.getId());
        assertThat(client.endpoints().secret(endpoint.getId()).getSecret()).isEqualTo(endpoint.getSecret());
        String rotated = client.endpoints().rotateSecret(endpoint.getId()).getSecret();
        assertThat(rotated).startsWith("whsec_").isNotEqualTo(endpoint.getSecret());
    }

    @Test
    void shouldAnswerTheServicesErrorsAsTypedExceptions() {
        assertThatThrownBy(() -> client.endpoints().get("ep_doesnotexist"))
                .isInstanceOf(HeraldApiException.NotFound.class);
        assertThatThrownBy(() -> client.endpoints().create("not a url", List.of("order.*"))).isInstanceOfSatisfying(
                HeraldApiException.Invalid.class,
                e -> assertThat(e.problem().errors()).extracting(f -> f.field()).contains("url"));
        assertThatThrownBy(() -> client(TestTokens.token(TENANT)).endpoints().listAll())
                .isInstanceOf(HeraldApiException.Forbidden.class);
        assertThatThrownBy(() -> client("not-a-jwt").events().send("order.created", Map.of()))
                .isInstanceOf(HeraldApiException.Unauthorized.class);
    }

    @Test
    void shouldRunACliSessionThatReplaysADeadLetter() throws Exception {
        double endpointsBefore = DispatchRouting.endpoints(dispatch);
        String created = herald("endpoints", "create", "--url", receiver.url("/cli/failing"), "-e", "invoice.*",
                "--retry-schedule-ms", "100");
        String endpointId = group(ENDPOINT_ID, created);
        DispatchRouting.awaitEndpoints(dispatch, endpointsBefore + 1, TIMEOUT);
        assertThat(herald("endpoints", "list")).contains(endpointId, receiver.url("/cli/failing"));

        String eventId = group(EVENT_ID,
                herald("events", "send", "-t", "invoice.paid", "-d", "{\"invoiceId\":\"inv_1\",\"amount\":1200}"));
        List<DeadLetterResponse> dead = await("a dead letter for " + eventId,
                () -> client.deadLetters().list(endpointId, false, null, null).getData(),
                list -> list != null && !list.isEmpty());
        assertThat(dead).extracting(DeadLetterResponse::getEventId).containsExactly(eventId);

        await("the log of both failed attempts",
                () -> client.attempts().forEndpoint(endpointId, AttemptQuery.latest()).getData(),
                list -> list != null && list.size() >= 2);
        String tail = herald("attempts", "tail", endpointId);
        assertThat(tail).contains(eventId, "invoice.paid", "500");
        assertThat(herald("dead-letters", "list", "--endpoint", endpointId)).contains(dead.get(0).getId(), eventId);

        failing.set(false);
        assertThat(herald("dead-letters", "replay", dead.get(0).getId())).contains("replayed " + dead.get(0).getId());
        List<Received> delivered = await("the replayed webhook", () -> receivedAt("/cli/failing"),
                list -> list.size() >= 3);
        assertThat(delivered).extracting(w -> w.header(WebhookHeaders.ID)).containsOnly(eventId);
        await("the replay's success in the log", () -> herald("attempts", "tail", endpointId, "-n", "5"),
                text -> text.contains("succeeded"));

        assertThat(herald("endpoints", "rotate", endpointId)).contains("rotated " + endpointId, "secret  whsec_");
        assertThat(herald("dead-letters", "replay", "--endpoint", endpointId, "--since", "2020-01-01T00:00:00Z"))
                .as("nothing left to recover").contains("replayed 0 dead letter(s)");
    }

    @Test
    void shouldFollowNewAttemptsWithTailFollow() throws Exception {
        double endpointsBefore = DispatchRouting.endpoints(dispatch);
        String endpointId = group(ENDPOINT_ID,
                herald("endpoints", "create", "--url", receiver.url("/cli/follow"), "-e", "ping.*"));
        DispatchRouting.awaitEndpoints(dispatch, endpointsBefore + 1, TIMEOUT);

        StringWriter out = new StringWriter();
        Thread follower = new Thread(
                () -> HeraldCli.run(new PrintWriter(out, true), new PrintWriter(new StringWriter()),
                        withConnection("attempts", "tail", endpointId, "--follow", "--interval-ms", "200")));
        follower.start();
        try {
            String first = group(EVENT_ID, herald("events", "send", "-t", "ping.sent", "-d", "{}"));
            String second = group(EVENT_ID, herald("events", "send", "-t", "ping.sent", "-d", "{}"));
            String followed = await("both attempts in the followed output", () -> {
                synchronized (out) {
                    return out.toString();
                }
            }, text -> text.contains(first) && text.contains(second));
            assertThat(followed.lines().filter(l -> l.contains(first))).as("printed once").hasSize(1);
        } finally {
            follower.interrupt();
            follower.join(5_000);
        }
    }

    /** Runs the CLI in process as a user would, records the command and its output in the session. */
    private static String herald(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = HeraldCli.run(new PrintWriter(out, true), new PrintWriter(err, true), withConnection(args));
        synchronized (session) {
            session.append("$ herald ").append(String.join(" ", args)).append('\n').append(out).append(err);
        }
        assertThat(code).as("exit code of herald %s; stderr: %s", String.join(" ", args), err).isZero();
        return out.toString();
    }

    private static String[] withConnection(String... args) {
        List<String> all = new ArrayList<>(List.of("--ingest-url", stack.ingest().baseUrl(), "--subscription-url",
                stack.subscription().baseUrl(), "--token", TestTokens.admin(TENANT)));
        // Global options go before the command.
        all.addAll(List.of(args));
        return all.toArray(String[]::new);
    }

    private static String group(Pattern pattern, String text) {
        Matcher matcher = pattern.matcher(text);
        assertThat(matcher.find()).as("%s in %s", pattern, text).isTrue();
        return matcher.group(1);
    }

    private static List<Received> receivedAt(String path) {
        return receiver.received().stream().filter(r -> r.path().equals(path)).toList();
    }

    private static <T> T await(String what, Supplier<T> probe, java.util.function.Predicate<T> done) {
        return Awaitility.await(what + " (dispatch log: " + dispatch.logFile() + ")").atMost(TIMEOUT).pollInSameThread()
                .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(200)).until(probe::get, done::test);
    }
}
