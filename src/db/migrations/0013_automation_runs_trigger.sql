-- Automation runs carry the business event that triggered them (context.trigger): a retried job
-- looks its runs up by rule and trigger, so a rule never runs twice for one event.
CREATE INDEX automation_runs_trigger_idx ON automation_runs (rule_id, (context ->> 'trigger'));
