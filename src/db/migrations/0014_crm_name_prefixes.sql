-- CRM name search by word beginnings ("Mariana Sou"), index of exact keys. A prefix query (`sou:*`) on
-- 0012's tsvector index merges the rows of every matching word into a bitmap: a common first name is
-- ~17,000 contacts spread over the whole table, 20–40 ms per search on a million contacts. Indexing
-- every beginning of every word of the name makes each typed word an exact key, whose posting lists
-- GIN intersects cheaply (~1 ms). The words are to_tsvector('simple', name)'s, as before, so typed words
-- find the names their prefix tsquery found (test/integration/crm-name-search.test.ts compares both).
CREATE FUNCTION contact_name_prefixes(name text) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT ARRAY(
    SELECT DISTINCT left(word, n)
    FROM unnest(tsvector_to_array(to_tsvector('simple', name))) AS word, generate_series(1, length(word)) AS n
  )
$$;
CREATE INDEX contacts_name_prefixes_idx ON contacts USING gin (contact_name_prefixes(name));
DROP INDEX contacts_name_words_idx;
-- Each contact found is then looked up among the client profiles: with the account and the profile's id
-- in the unique index, that look-up is an index-only scan and leaves the table alone.
ALTER TABLE clients DROP CONSTRAINT clients_contact_id_key,
  ADD CONSTRAINT clients_contact_id_key UNIQUE (contact_id) INCLUDE (account_id, id);
