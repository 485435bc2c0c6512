package io.herald.subscription;

import java.util.Set;

/**
 * A request body Jackson binds without failing on a field its type does not have (the fields land in a
 * {@code @JsonAnySetter}), unlike {@link StrictBody}: the resource refuses them with 422 after the body was read
 * ({@link RequestValidation#requireBody}).
 */
public interface LenientBody {

    /** Body fields this API does not know. */
    Set<String> unknownFields();
}
