-- Processing marks each stored webhook processed. Two things made that UPDATE copy the ~1 KB row to a new
-- page with new entries in the table's indexes: full pages, and an index whose predicate names
-- processed_at (raw_webhooks_unprocessed_idx, which no query uses: the job carries its webhooks' ids). With
-- the index gone and room left on each page, the mark is a HOT update in place. New pages keep the room.
DROP INDEX IF EXISTS raw_webhooks_unprocessed_idx;
ALTER TABLE raw_webhooks SET (fillfactor = 70);
