package io.herald.ingest;

/** Names of meters written from several packages of ingest. */
public final class IngestMetrics {

    /** Requests and batch items refused, by {@code reason} (the {@code herald_ingest_rejected_total} counter). */
    public static final String REJECTED_METRIC = "herald.ingest.rejected";

    private IngestMetrics() {
    }
}
