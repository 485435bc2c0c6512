package io.herald.contracts.egress;

import java.net.MalformedURLException;
import java.net.URL;
import java.util.Locale;

/**
 * The destination of a webhook URL, read exactly as the Vert.x Web Client reads it (it parses absolute URLs with
 * {@link URL}), so the host the egress policy checks is the host the client would have contacted.
 *
 * @param scheme {@code http} or {@code https}
 * @param host the host as written ({@code [..]} kept around IPv6 literals), not yet resolved
 * @param port the explicit port or the scheme's default
 */
public record EgressUrl(String scheme, String host, int port) {

    /**
     * Parses an absolute http(s) URL.
     *
     * @throws IllegalArgumentException if it is not one, has no host, or an out-of-range port
     */
    public static EgressUrl parse(String url) {
        URL parsed;
        try {
            parsed = new URL(url);
        } catch (MalformedURLException | NullPointerException e) {
            throw new IllegalArgumentException("Not an absolute URL");
        }
        String scheme = parsed.getProtocol().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("Only http and https URLs are allowed");
        }
        String host = parsed.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("The URL has no host");
        }
        int port = parsed.getPort() == -1 ? parsed.getDefaultPort() : parsed.getPort();
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("The URL's port is out of range");
        }
        return new EgressUrl(scheme, host, port);
    }

    public boolean isHttps() {
        return scheme.equals("https");
    }
}
