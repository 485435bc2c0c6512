package io.herald.subscription.paging;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import io.herald.kit.problem.Problem;
import io.herald.kit.problem.ProblemException;

/**
 * The cursor codec of every listing: a tag and the parts that locate the last item of a page, joined by {@code :} and
 * base64url-encoded. Opaque to clients; they only hand back what a page answered as {@code nextCursor}. The last part
 * may itself contain {@code :}.
 */
public final class Cursor {

    private Cursor() {
    }

    public static String encode(String tag, String... parts) {
        String plain = tag + ":" + String.join(":", parts);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The {@code parts} parts of a cursor made by {@link #encode} with {@code tag}; a 400 problem when {@code value} is
     * not one (wrong tag or count, an empty part, not base64url).
     */
    public static String[] decode(String value, String tag, int parts) {
        String plain;
        try {
            plain = new String(Base64.getUrlDecoder().decode(value), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw invalid();
        }
        String[] split = plain.split(":", parts + 1);
        if (split.length != parts + 1 || !split[0].equals(tag)) {
            throw invalid();
        }
        String[] result = new String[parts];
        for (int i = 0; i < parts; i++) {
            if (split[i + 1].isEmpty()) {
                throw invalid();
            }
            result[i] = split[i + 1];
        }
        return result;
    }

    /** The 400 problem of a cursor this API did not hand out. */
    public static ProblemException invalid() {
        return ProblemException.invalid("Query parameter 'cursor' is not a cursor this API returned",
                List.of(new Problem.FieldError("cursor", "pass the nextCursor of the previous page unchanged")));
    }
}
