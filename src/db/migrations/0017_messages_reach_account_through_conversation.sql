-- A message's account and inbox are its conversation's: deleting an account or an inbox already removes
-- the message through conversations (ON DELETE CASCADE, via conversation_id). The two direct foreign keys
-- added nothing to that, but cost every inserted message two lookups and a shared lock on its account's row
-- — the one row every message of the account locked, which PostgreSQL turns into multixacts when
-- transactions overlap. The columns and their indexes stay: they scope and search messages.
ALTER TABLE messages DROP CONSTRAINT messages_account_id_fkey;
ALTER TABLE messages DROP CONSTRAINT messages_inbox_id_fkey;
