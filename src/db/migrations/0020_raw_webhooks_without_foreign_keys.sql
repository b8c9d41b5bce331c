-- A stored webhook is a record of what arrived, written before Meta gets its 200. Its foreign keys checked
-- the account and inbox rows for every delivery (two trigger queries, and a share lock written to each row:
-- a MultiXact on the account's row, shared by every delivery in flight), for ids the route had just read.
-- Without them, deleting an inbox leaves its old id on the webhooks stored for it; processing looks inboxes
-- up by that id and finds none, as it found NULL before (the delete no longer scans raw_webhooks either).
ALTER TABLE raw_webhooks DROP CONSTRAINT IF EXISTS raw_webhooks_account_id_fkey;
ALTER TABLE raw_webhooks DROP CONSTRAINT IF EXISTS raw_webhooks_inbox_id_fkey;
