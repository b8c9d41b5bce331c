-- CRM person search (GET /clients?q=, /providers?q=, the client picker) on accounts with a million
-- contacts: each branch of the search condition (src/crm/person-search.ts) has an index, so PostgreSQL
-- combines index scans (BitmapOr) instead of reading every contact. Measured by `npm run bench:crm`.

-- Any word of a name by its beginning: "Sil" finds "Ana Silva", "ana sil" finds her too.
CREATE INDEX contacts_name_words_idx ON contacts USING gin (to_tsvector('simple', name));
-- Phone numbers and e-mails by their beginning, whatever the database's collation.
CREATE INDEX contacts_phone_key_prefix_idx ON contacts (account_id, phone_key text_pattern_ops);
CREATE INDEX contacts_email_prefix_idx ON contacts (account_id, lower(email) text_pattern_ops);
