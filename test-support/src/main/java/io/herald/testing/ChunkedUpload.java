package io.herald.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * A client that sends a body far larger than a service's limit with {@code Transfer-Encoding: chunked} (no length
 * announced up front), so the server can only refuse it while it reads. Raw HTTP/1.1 on a socket: the JDK client would
 * not keep writing after the server answered.
 */
public final class ChunkedUpload {

    private static final int CHUNKS = 128;
    private static final byte[] CHUNK = "x".repeat(8192).getBytes(StandardCharsets.US_ASCII);

    private ChunkedUpload() {
    }

    /**
     * Sends {@code method path} with a bearer token and a chunked body of up to 1 MiB that starts like JSON, and
     * returns the status line of the answer, read once the server has answered (and closed) or the body is sent.
     */
    public static String statusLine(URI base, String method, String path, String token, String contentType)
            throws IOException {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write((method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token
                    + "\r\nContent-Type: " + contentType + "\r\nTransfer-Encoding: chunked\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            try {
                out.write("2\r\n{\"\r\n".getBytes(StandardCharsets.US_ASCII));
                // Far past any limit of the services: the server must answer long before, not buffer it all.
                for (int i = 0; i < CHUNKS; i++) {
                    out.write((Integer.toHexString(CHUNK.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(CHUNK);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
            } catch (IOException closedByServer) {
                // Expected once the server answered and closed.
            }
            return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
        }
    }
}
