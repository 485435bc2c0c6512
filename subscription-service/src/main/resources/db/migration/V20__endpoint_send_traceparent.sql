-- An endpoint may opt in to a W3C traceparent header on its deliveries (EndpointState.sendTraceparent); off by default.
alter table endpoint add column send_traceparent boolean not null default false;
