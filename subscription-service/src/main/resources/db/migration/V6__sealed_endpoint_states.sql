-- Endpoint states on herald.endpoints carry their signing keys and header values sealed (EndpointState schema 2,
-- contracts' Keyring: "<key id>:<base64>"), and the columns endpoint.secret, previous_secret and headers carry a key id
-- too (values written before keyrings existed carry "v1:", the id of a bare single key).
--
-- state_schema_version: the EndpointState schema this endpoint was last republished with by the re-encryption job
-- (EndpointResealJob). Rows of earlier versions start at 1, so the job republishes every existing endpoint once,
-- replacing the plaintext states on the compacted topic; it also picks every row with a column under an older key.

alter table endpoint
    add column state_schema_version integer not null default 1;
