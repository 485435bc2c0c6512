package io.herald.devstack;

import java.io.IOException;
import java.net.InetSocketAddress;

import com.sun.net.httpserver.HttpServer;

/**
 * Stands in for a packaged service in {@link ServiceProcessTests}: {@code FAKE_MODE=crash} prints and exits 3,
 * {@code unready} answers 503 on {@code /q/health/ready}, anything else answers 200, on QUARKUS_HTTP_PORT.
 */
public final class FakeService {

    private FakeService() {
    }

    public static void main(String[] args) throws IOException {
        String mode = System.getenv().getOrDefault("FAKE_MODE", "ready");
        System.out.println("fake service booting in mode " + mode);
        if (mode.equals("crash")) {
            System.err.println("boom: cannot connect to the database");
            System.exit(3);
        }
        int port = Integer.parseInt(System.getenv("QUARKUS_HTTP_PORT"));
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 16);
        server.createContext("/q/health/ready", exchange -> {
            exchange.sendResponseHeaders(mode.equals("unready") ? 503 : 200, -1);
            exchange.close();
        });
        server.start();
        System.out.println("fake service listening on " + port);
    }
}
