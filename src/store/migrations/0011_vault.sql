-- The keys of an encrypted database — applicants' pseudonyms and the attached documents' seal, and
-- the journal's signing key — kept inside it, under SQLCipher, rather than in loose files beside it.
-- Empty in a plain database, whose keys stay in <db>.key and <db>.signing-key.
CREATE TABLE vault_keys (
    name TEXT PRIMARY KEY CHECK (name IN ('pseudonyms', 'signing')),
    key  BLOB NOT NULL CHECK (length(key) = 32)
);
