-- Every incoming message stamps its contact's last activity, a column no index covers. With room left on
-- each page PostgreSQL rewrites such a row in place (a HOT update) instead of adding an entry to each of
-- the contact's indexes (eleven, three of them GIN, one evaluating a function per row). New pages keep the
-- room; pages written before keep none until they are rewritten.
ALTER TABLE contacts SET (fillfactor = 85);
