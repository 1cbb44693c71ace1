-- Outcome-based retention: the events of a workflow that failed outlive their day's partition and stay
-- for retain_failed. Each event row names the workflow it belonged to when it was written.
ALTER TABLE ${schema}.events ADD COLUMN workflow text;

-- where a failed workflow's events go when their day's partition is dropped; partitioned by the same day
CREATE TABLE ${schema}.kept_events (
  day date NOT NULL,
  seq bigint NOT NULL,
  event_key bytea NOT NULL,
  body bytea NOT NULL,
  workflow text,
  PRIMARY KEY (day, event_key)
) PARTITION BY RANGE (day);

CREATE INDEX ON ${schema}.kept_events (seq);

-- the workflows with a failed task, and the last day one failed
CREATE TABLE ${schema}.failed_workflows (
  workflow text PRIMARY KEY,
  last_failed date NOT NULL
);
