-- What a broadcast's run found, kept so the numbers stay true after consents change: how many labelled
-- contacts it was sent to and how many were left out for lack of a marketing opt-in.
ALTER TABLE broadcasts ADD COLUMN recipients integer;
ALTER TABLE broadcasts ADD COLUMN excluded integer;
ALTER TABLE broadcasts ADD COLUMN started_at timestamptz;
ALTER TABLE broadcasts ADD COLUMN finished_at timestamptz;
-- Why it ended without sending (e.g. more recipients than the cap when it ran).
ALTER TABLE broadcasts ADD COLUMN reason text;
CREATE INDEX broadcasts_account_idx ON broadcasts (account_id, id DESC);
-- At most one broadcast sending per account at a time.
CREATE UNIQUE INDEX broadcasts_running_key ON broadcasts (account_id) WHERE status = 'running';
CREATE INDEX notifications_broadcast_idx ON notifications (broadcast_id, status) WHERE broadcast_id IS NOT NULL;
