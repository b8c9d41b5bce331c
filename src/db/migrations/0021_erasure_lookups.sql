-- Erasing a person's data and pruning old raw webhooks look rows up by columns no index held:
-- a file is removed only when no attachment names its storage key any more (automation rules send one
-- stored file in many messages), and deleting a raw webhook sets channel_events.raw_webhook_id to NULL
-- (ON DELETE SET NULL), which scanned channel_events once per deleted webhook.
CREATE INDEX attachments_storage_key_idx ON attachments (storage_key) WHERE storage_key IS NOT NULL;
CREATE INDEX channel_events_raw_webhook_idx ON channel_events (raw_webhook_id) WHERE raw_webhook_id IS NOT NULL;
