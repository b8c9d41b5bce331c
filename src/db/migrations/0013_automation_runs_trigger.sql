-- Automation runs carry the business event that triggered them (context.trigger). A rule claims its run
-- for an event before acting (status running), so a retried or duplicated job never repeats its actions.
CREATE UNIQUE INDEX automation_runs_trigger_key ON automation_runs (rule_id, (context ->> 'trigger'));
