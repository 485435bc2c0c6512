-- Why a delivery became a dead letter (DeadLetterMessage.reason): EXHAUSTED, ENDPOINT_DISABLED, EGRESS_REFUSED,
-- POSTPONED_TOO_LONG. Rows stored before the field existed were all exhausted retries, which the default says; a
-- constant default adds the column without rewriting the table.
alter table dead_letter add column reason text not null default 'EXHAUSTED';
