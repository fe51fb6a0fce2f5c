-- The inspected business's size as the registry records it (issue 40: themes of "unplanned
-- inspections of small business"). Rows imported before it, and rows of exports without the
-- column, have none: unknown is never read as small. Journaled as an extension column of
-- `inspections` (store::journal::TABLES): a row without a size keeps the digest it always had.
ALTER TABLE inspections ADD COLUMN subject_size TEXT
    CHECK (subject_size IN ('micro', 'small', 'medium', 'large'));
