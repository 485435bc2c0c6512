package io.herald.dispatch.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.herald.contracts.egress.EgressCategory;
import io.herald.contracts.egress.EgressPolicy;
import io.vertx.mutiny.core.Vertx;

/**
 * The SSRF guard at connect time, against a receiver on 127.0.0.1 that counts every TCP connection it accepts. Only
 * loopback is ever contacted: other addresses appear only in refusals, which open no connection.
 */
class WebhookEgressTests {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final Vertx vertx = Vertx.vertx();
    private final AtomicInteger accepted = new AtomicInteger();
    private final List<String> requestHeads = new CopyOnWriteArrayList<>();
    private final List<String> resolverThreads = new CopyOnWriteArrayList<>();
    private ServerSocket receiver;
    private WebhookHttpClient client;

    @BeforeEach
    void startReceiver() throws IOException {
        receiver = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread thread = new Thread(this::acceptLoop, "counting-receiver");
        thread.setDaemon(true);
        thread.start();
    }

    @AfterEach
    void close() throws IOException {
        if (client != null) {
            client.close();
        }
        vertx.closeAndAwait();
        receiver.close();
    }

    @ParameterizedTest
    @ValueSource(strings = { "127.0.0.1", "0x7f000001", "2130706433", "0177.0.0.1", "127.1", "localhost",
            "hooks.localhost", "[::ffff:127.0.0.1]", "[::ffff:7f00:1]" })
    void shouldRefuseLoopbackInAnySpellingWithoutConnectingWhenNothingIsAllowListed(String host) {
        client = client(EgressPolicy.NameResolver.SYSTEM);

        Throwable failure = postFailure("http://" + host + ":" + port() + "/hook");

        assertThat(failure).isInstanceOf(EgressRefusedException.class).hasMessageContaining("loopback");
        assertThat(((EgressRefusedException) failure).category()).isEqualTo(EgressCategory.LOOPBACK);
        assertThat(accepted).hasValue(0);
    }

    @Test
    void shouldDeliverToAnAllowListedLoopbackReceiver() {
        client = client(EgressPolicy.NameResolver.SYSTEM, "127.0.0.0/8");

        WebhookResponse response = post("http://127.0.0.1:" + port() + "/hook");

        assertThat(response.statusCode()).isEqualTo(204);
        assertThat(accepted).hasValue(1);
        assertThat(requestHeads.get(0)).startsWith("POST /hook HTTP/1.1");
        assertThat(hostHeader(0)).isEqualTo("127.0.0.1:" + port());
    }

    @Test
    void shouldConnectToTheCheckedAddressKeepingTheNameInTheHostHeader() {
        // A name only the fake resolver knows: were the client to resolve it again itself, the request would fail.
        client = client(dns(Map.of("webhooks.example.test", List.of(new byte[] { 127, 0, 0, 1 }))), "127.0.0.0/8");

        WebhookResponse response = post("http://webhooks.example.test:" + port() + "/hook?x=1");

        assertThat(response.error()).isNull();
        assertThat(response.statusCode()).isEqualTo(204);
        assertThat(requestHeads.get(0)).startsWith("POST /hook?x=1 HTTP/1.1");
        assertThat(hostHeader(0)).isEqualTo("webhooks.example.test:" + port());
        assertThat(resolverThreads).singleElement().asString().startsWith("vert.x-worker-thread");
    }

    @Test
    void shouldGiveUpOnANameWhoseLookupOutlastsTheRequestDeadline() {
        client = client(name -> {
            try {
                Thread.sleep(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new UnknownHostException(name);
        }, "127.0.0.0/8");
        long start = System.nanoTime();

        WebhookResponse response = post("http://slow-dns.example.test:" + port() + "/hook");

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(response.statusCode()).isNull();
        assertThat(response.error()).contains("No DNS answer for slow-dns.example.test");
        assertThat(accepted).hasValue(0);
    }

    @Test
    void shouldConnectToTheAddressANumericHostDenotes() {
        client = client(EgressPolicy.NameResolver.SYSTEM, "127.0.0.0/8");

        WebhookResponse response = post("http://0x7f.1:" + port() + "/hook");

        assertThat(response.statusCode()).isEqualTo(204);
        assertThat(hostHeader(0)).isEqualTo("0x7f.1:" + port());
    }

    @Test
    void shouldRefuseANameIfAnyOfItsAddressesIsForbiddenWithoutNamingTheAddress() {
        client = client(
                dns(Map.of("mixed.example.test", List.of(new byte[] { 127, 0, 0, 1 }, new byte[] { 10, 9, 8, 7 }))),
                "127.0.0.0/8");

        Throwable failure = postFailure("http://mixed.example.test:" + port() + "/hook");

        assertThat(failure).isInstanceOf(EgressRefusedException.class)
                .hasMessage("Refused by the egress policy (mixed.example.test): "
                        + "the host is or resolves to a private network address")
                .hasMessageNotContaining("10.9.8.7");
        assertThat(accepted).hasValue(0);
    }

    @Test
    void shouldRefuseCloudMetadataNamesBeforeAnyLookup() {
        client = client(dns(Map.of()), "0.0.0.0/0");

        Throwable failure = postFailure("http://metadata.google.internal/computeMetadata/v1/");

        assertThat(failure).isInstanceOf(EgressRefusedException.class);
        assertThat(((EgressRefusedException) failure).category()).isEqualTo(EgressCategory.METADATA);
        assertThat(resolverThreads).isEmpty();
    }

    @Test
    void shouldDescribeAnUnresolvableNameAsAFailedAttemptNotARefusal() {
        client = client(dns(Map.of()));

        WebhookResponse response = post("http://nowhere.example.test:" + port() + "/hook");

        assertThat(response.statusCode()).isNull();
        assertThat(response.error()).startsWith("UnknownHostException");
        assertThat(accepted).hasValue(0);
    }

    @Test
    void shouldDescribeANonHttpUrlAsAFailedAttempt() {
        client = client(EgressPolicy.NameResolver.SYSTEM, "127.0.0.0/8");

        WebhookResponse response = post("ftp://127.0.0.1:" + port() + "/hook");

        assertThat(response.statusCode()).isNull();
        assertThat(response.error()).contains("Only http and https");
        assertThat(accepted).hasValue(0);
    }

    private WebhookHttpClient client(EgressPolicy.NameResolver resolver, String... allowCidrs) {
        return new WebhookHttpClient(vertx, new TestDispatchConfig(2000, 2000, 100, allowCidrs), 4, resolver);
    }

    /** A resolver that knows only {@code records}, and notes the thread it was called on. */
    private EgressPolicy.NameResolver dns(Map<String, List<byte[]>> records) {
        return name -> {
            resolverThreads.add(Thread.currentThread().getName());
            List<byte[]> addresses = records.get(name);
            if (addresses == null) {
                throw new UnknownHostException(name);
            }
            InetAddress[] resolved = new InetAddress[addresses.size()];
            for (int i = 0; i < resolved.length; i++) {
                // Carries the name, as a real DNS answer does.
                resolved[i] = InetAddress.getByAddress(name, addresses.get(i));
            }
            return resolved;
        };
    }

    private WebhookResponse post(String url) {
        return client
                .post("ep_1", url, Map.of("Content-Type", "application/json"), "{}".getBytes(StandardCharsets.UTF_8))
                .await().atMost(WAIT);
    }

    private Throwable postFailure(String url) {
        return catchThrowable(() -> post(url));
    }

    private int port() {
        return receiver.getLocalPort();
    }

    private void acceptLoop() {
        while (!receiver.isClosed()) {
            try (Socket socket = receiver.accept()) {
                accepted.incrementAndGet();
                requestHeads.add(readHead(socket.getInputStream()));
                socket.getOutputStream()
                        .write("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                                .getBytes(StandardCharsets.US_ASCII));
            } catch (IOException closed) {
                // The receiver closed at the end of the test, or the client hung up.
            }
        }
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        return head.toString();
    }

    /** The value of the Host header of the {@code index}th request received. */
    private String hostHeader(int index) {
        for (String line : requestHeads.get(index).split("\r\n")) {
            if (line.regionMatches(true, 0, "host:", 0, 5)) {
                return line.substring(5).strip();
            }
        }
        return null;
    }
}
