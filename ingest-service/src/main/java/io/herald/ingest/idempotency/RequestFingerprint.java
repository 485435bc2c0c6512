package io.herald.ingest.idempotency;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The SHA-256 of a request in canonical form (the operation, then the JSON body with object keys sorted and no
 * whitespace), so that the same request sent again with reordered fields or other spacing matches, and any other
 * request with the same {@code Idempotency-Key} does not.
 */
public final class RequestFingerprint {

    private RequestFingerprint() {
    }

    /** The fingerprint of {@code body} sent to {@code operation} (e.g. {@code POST /v1/events}), as 64 hex digits. */
    public static String of(String operation, JsonNode body) {
        StringBuilder canonical = new StringBuilder(operation).append('\n');
        appendCanonical(body, canonical);
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha256.digest(canonical.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JVM has SHA-256", e);
        }
    }

    static String canonical(JsonNode node) {
        StringBuilder out = new StringBuilder();
        appendCanonical(node, out);
        return out.toString();
    }

    private static void appendCanonical(JsonNode node, StringBuilder out) {
        if (node == null || node.isMissingNode()) {
            out.append("null");
        } else if (node.isObject()) {
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            names.sort(null);
            out.append('{');
            for (int i = 0; i < names.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                // A TextNode's toString is the JSON string literal, escapes included.
                out.append(com.fasterxml.jackson.databind.node.TextNode.valueOf(names.get(i))).append(':');
                appendCanonical(node.get(names.get(i)), out);
            }
            out.append('}');
        } else if (node.isArray()) {
            out.append('[');
            Iterator<JsonNode> items = node.elements();
            boolean first = true;
            while (items.hasNext()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                appendCanonical(items.next(), out);
            }
            out.append(']');
        } else {
            out.append(node);
        }
    }
}
