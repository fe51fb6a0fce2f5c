-- The restores this database came from. A database restored from a backup begins a new epoch: its
-- journal goes on from the backup's, and whatever the original did after the backup is not in it.
-- Empty (epoch 0) in a database never restored. The office issue tells epochs apart when syncing.
CREATE TABLE restores (
    epoch           INTEGER PRIMARY KEY CHECK (epoch >= 1),
    restored_at     TEXT NOT NULL,
    from_file       TEXT NOT NULL,
    manifest_sha256 TEXT NOT NULL,
    journal_entries INTEGER NOT NULL
);
