-- The W3C trace id of each attempt (AttemptMessage.traceId: 32 lower-case hex digits), null when tracing was off.
-- Added to the partitioned parent, so every day partition has it; no index: the log is read by endpoint or event, and
-- the trace id leads from the log to the tracing backend, not back.
alter table attempt add column trace_id text;
