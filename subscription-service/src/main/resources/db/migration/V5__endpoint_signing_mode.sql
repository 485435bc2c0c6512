-- Standard Webhooks asymmetric signing (v1a, Ed25519) beside the symmetric default (v1, HMAC-SHA256).
-- A v1a endpoint's secret and previous_secret hold its whsk_ private key, encrypted exactly like a whsec_ secret; the
-- subscriber only ever gets the whpk_ public key. During a switch of mode the previous secret is of the other kind.

alter table endpoint
    add column signing_mode text not null default 'v1' check (signing_mode in ('v1', 'v1a'));
