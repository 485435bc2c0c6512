-- One row per (tenant, Idempotency-Key): claimed 'pending' by the first request, 'done' with its answer once it
-- finished. Rows live until expires_at (24 h by default); an expired row is taken over by the next request with the key.
CREATE TABLE ingest.idempotency_key (
    tenant       text        NOT NULL,
    idem_key     text        NOT NULL,
    -- SHA-256 of the canonical request (method, path, body with sorted keys): the same key with another request is 422.
    fingerprint  text        NOT NULL,
    -- Random token of the request that holds the claim; only it may complete or release the row.
    claim        text        NOT NULL,
    state        text        NOT NULL CHECK (state IN ('pending', 'done')),
    -- While pending: when the claim may be taken over (its holder crashed or lost the database).
    locked_until timestamptz,
    status       integer,
    body         text,
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant, idem_key)
);

CREATE INDEX idempotency_key_expires_at ON ingest.idempotency_key (expires_at);
