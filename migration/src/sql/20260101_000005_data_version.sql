-- The data version: one counter that every write to the data raises in its
-- own transaction (triggers on each data table, created by the migration
-- for each backend). It grows in commit order, so a result read after seeing
-- version v is at least as new as v, and a cache keyed by the version never
-- serves an answer older than the last committed write, in any instance.
CREATE TABLE data_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL CHECK (version >= 0)
);

INSERT INTO data_version (id, version) VALUES (1, 0);
