-- Endpoint delivery options, secret rotation, and secrets encrypted at rest.
-- From now on endpoint.secret, endpoint.previous_secret and outbox.payload hold AES-GCM ciphertext ("v1:<base64>",
-- see SecretCipher); a V1 row's plaintext whsec_ secret is still read and is encrypted on the endpoint's next change.

alter table endpoint
    add column headers                    text,        -- JSON object of custom delivery headers, or null
    add column rate_limit_per_second      integer check (rate_limit_per_second between 1 and 10000),
    add column retry_schedule_ms          bigint[],    -- retry delays overriding dispatch's default, or null
    add column previous_secret            text,        -- the rotated-out secret, live until previous_secret_expires_at
    add column previous_secret_expires_at timestamptz,
    add constraint endpoint_previous_secret_expiry check ((previous_secret is null) = (previous_secret_expires_at is null));

-- The sweep that drops rotated-out secrets after their grace period looks only at rows in rotation.
create index endpoint_previous_secret_expiry_idx on endpoint (previous_secret_expires_at)
    where previous_secret_expires_at is not null;
