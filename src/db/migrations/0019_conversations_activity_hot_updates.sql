-- Every incoming message moves its conversation's last_activity_at. Two indexes held that column, so each
-- message's conversation update was a non-HOT update: a new row version with a new entry in all nine
-- indexes of the table and in the labels' GIN pending list (about half of a message's WAL). Without the
-- column in an index, and with room left on each page, the update is HOT, in place.
-- The conversation lists still find their rows through (account_id, status) and sort what they find: the
-- same rows the list's own counts read anyway. A contact's conversations are few; sorting them is free.
DROP INDEX IF EXISTS conversations_list_idx;
CREATE INDEX conversations_list_idx ON conversations (account_id, status);
DROP INDEX IF EXISTS conversations_contact_idx;
CREATE INDEX conversations_contact_idx ON conversations (contact_id);
ALTER TABLE conversations SET (fillfactor = 80);
