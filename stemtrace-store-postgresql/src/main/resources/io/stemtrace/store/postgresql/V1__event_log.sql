-- The event log: every distinct event once, partitioned by day so that retention drops whole days
-- (DROP TABLE of a partition, no DELETE). There is no default partition: a day's partition is made
-- before its first event is written, and one that is never needed is never made.
CREATE SEQUENCE ${schema}.event_seq;

CREATE TABLE ${schema}.events (
  -- the event's own UTC day, or the day it was written when its timestamp lies outside retention
  day date NOT NULL,
  -- the order events were committed in; the working set is rebuilt by replaying in this order
  seq bigint NOT NULL DEFAULT nextval('${schema}.event_seq'),
  -- the first 16 bytes of SHA-256 of body: a redelivered event is the same row
  event_key bytea NOT NULL,
  -- the event as the wire format encodes it
  body bytea NOT NULL,
  PRIMARY KEY (day, event_key)
) PARTITION BY RANGE (day);

CREATE INDEX ON ${schema}.events (seq);
