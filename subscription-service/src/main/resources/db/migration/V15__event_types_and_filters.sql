-- Issue 15: each tenant's event-type catalog (with JSON schemas), the tenant's catalog settings, endpoint payload
-- filters, and an outbox that relays to more than one topic. (Numbered after the issue so that migrations of work
-- merged in parallel do not collide; Flyway only needs the order.)

create table event_type (
    id          bigserial   primary key,
    tenant      text        not null,
    name        text        not null check (char_length(name) <= 128),  -- the event's type, e.g. order.created
    description text        check (char_length(description) <= 512),
    schema      text,                                  -- JSON Schema 2020-12 of the event's data, as JSON text
    examples    text,                                  -- JSON array of example data objects
    deprecated  boolean     not null default false,
    created_at  timestamptz not null,
    updated_at  timestamptz not null,
    version     bigint      not null default 0,        -- optimistic lock; EventTypeState.version
    unique (tenant, name)                              -- also the index of the tenant's listing in name order
);

create table tenant_settings (
    tenant                   text        primary key,
    unregistered_event_types text        not null default 'allow' check (unregistered_event_types in ('allow', 'reject')),
    updated_at               timestamptz not null,
    version                  bigint      not null default 0
);

-- A CEL expression an event must pass besides the event types (null: every event of those types).
alter table endpoint
    add column filter text check (char_length(filter) <= 1024);

-- The topic of an outbox row; null is herald.endpoints (every row written before this migration).
alter table outbox
    add column topic text;
