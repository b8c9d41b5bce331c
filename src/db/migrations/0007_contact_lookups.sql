-- A person's conversations (contact panel, timeline, contact merge) are read by contact across inboxes.
CREATE INDEX conversations_contact_idx ON conversations (contact_id, last_activity_at DESC);
