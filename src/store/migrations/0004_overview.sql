-- The desk lists the newest appeals of a district; without this index that is a scan of every
-- appeal in the registry on each render.
CREATE INDEX appeals_received ON appeals(received, region_code);
