-- Issue 16 and issue 12 item 4: endpoints delivered in order, endpoints that require their own credentials, and
-- custom header values that are write-only.
--
-- ordered:        deliveries are sent one at a time, in order (EndpointState.ordered).
-- auth:           the credentials dispatch presents (EndpointAuth as JSON: bearer, basic, oauth2 client credentials or
--                 an mTLS client certificate), sealed whole like the headers column ("<key id>:<base64>", bound to the
--                 endpoint id), or null; the re-encryption job moves it with the other secret columns.
-- secret_headers: names of custom headers whose values the API never shows again (masked), or null.
alter table endpoint
    add column ordered boolean not null default false,
    add column auth text,
    add column secret_headers text[];
