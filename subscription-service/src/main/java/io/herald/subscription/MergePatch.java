package io.herald.subscription;

import java.util.HashSet;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * A JSON merge patch body (RFC 7396): a field left out stays as it is, a field given as null is cleared. A field read
 * as null cannot tell the two apart, so each setter records that the body {@linkplain #carried carried} its field.
 */
public abstract class MergePatch {

    @JsonIgnore
    private final Set<String> present = new HashSet<>();

    /** Called by the setter of {@code field}: the body carried it, maybe as null. */
    protected final void carried(String field) {
        present.add(field);
    }

    /** True if the body carried {@code field}, even as null. */
    public boolean has(String field) {
        return present.contains(field);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + present;
    }
}
