-- Dead letters: deliveries that exhausted their retries, consumed from herald.dlq, browsable and replayable.
--
-- Identity: one row per (delivery_id, dead_at). Re-consuming the topic repeats both, so the insert does nothing; a
-- delivery that was replayed and died again arrives with a new dead_at and is a new dead letter. While a delivery has
-- a dead letter that is not replayed yet, a second one for it (a duplicate after a dispatch crash) is ignored too:
-- dead_letter_pending_delivery_uq makes "pending" unique per delivery.

create table dead_letter (
    id               text        primary key,  -- dl_<hash of delivery id and dead_at>: the same on every re-consume
    tenant           text        not null,
    endpoint_id      text        not null,
    delivery_id      text        not null,
    webhook_id       text        not null,
    event_id         text        not null,
    event_type       text        not null,
    attempts         integer     not null,     -- attempts made before it was given up
    last_status_code integer,                  -- null when the last attempt got no response
    last_error       text,
    dead_at          timestamptz not null,
    delivery         text        not null,     -- Json.write(DeliveryMessage) as received: what a replay sends again
    received_at      timestamptz not null,
    replayed_at      timestamptz,              -- set once the replayed delivery was acknowledged by Kafka
    unique (delivery_id, dead_at)
);

create unique index dead_letter_pending_delivery_uq on dead_letter (delivery_id) where replayed_at is null;

-- GET /v1/dead-letters: a tenant's dead letters, newest first, keyset on (dead_at, id).
create index dead_letter_tenant_idx on dead_letter (tenant, dead_at desc, id desc);

-- GET /v1/dead-letters?endpointId= and POST /v1/endpoints/{id}/recover?since= (endpoint ids are unique across tenants).
create index dead_letter_endpoint_idx on dead_letter (endpoint_id, dead_at desc, id desc);
