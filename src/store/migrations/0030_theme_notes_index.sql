-- A theme's notes live only in their `theme_noted` journal entries (the text in each entry's
-- personal part), and the theme card reads them on every open: without this index that read
-- scanned the whole journal. Partial, so it holds the notes alone.
CREATE INDEX journal_theme_notes ON journal(json_extract(payload, '$.theme'), seq)
    WHERE kind = 'theme_noted';
