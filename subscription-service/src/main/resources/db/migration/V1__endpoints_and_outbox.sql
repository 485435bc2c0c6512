-- Endpoints that subscribers register, and the outbox that relays their changes to Kafka (herald.endpoints).

create table endpoint (
    id          text        primary key,              -- ep_<random>, also the Kafka key
    tenant      text        not null,                 -- every query filters by it
    url         text        not null check (char_length(url) <= 2048),
    description text        check (char_length(description) <= 512),
    event_types text[]      not null,                 -- order.created, order.*, *
    enabled     boolean     not null default true,
    secret      text        not null,                 -- whsec_<base64>
    created_at  timestamptz not null,
    updated_at  timestamptz not null,
    version     bigint      not null default 0        -- optimistic lock; EndpointState.version
);

-- A tenant's endpoints in id order: listing now, keyset (cursor) pagination later.
create index endpoint_tenant_id_idx on endpoint (tenant, id);

-- Written in the same transaction as the change it describes; deleted once Kafka acknowledged it.
-- id order is the relay order. Within one endpoint it is also commit order, because a change locks the endpoint row
-- before it takes its outbox id.
create table outbox (
    id           bigserial   primary key,
    aggregate_id text        not null,                -- the Kafka key (endpoint id)
    payload      text,                                -- Json.write(EndpointState); null is a tombstone (delete)
    created_at   timestamptz not null default now()
);
