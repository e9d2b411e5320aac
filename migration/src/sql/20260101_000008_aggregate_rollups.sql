-- Aggregate rollups: derived tables that answer the common summaries (reach
-- by year, service, district, theme or unit; spend by funding stream, year
-- and quarter) from a few thousand rows instead of every observation or
-- spend line, exactly. Like `spend_attributions`, they are derived: every
-- measure they hold composes exactly (sums of sums, counts of counts, minima
-- of minima, the smallest wording), so a summary read from them equals one
-- read from the rows.
--
-- The writers that change their inputs rebuild the rows of the keys they
-- touched in the same transaction (`store::aggregates::rollups`). Triggers
-- mark a rollup stale on any change to its inputs, and a writer that rebuilt
-- what it touched puts the mark back as it found it; so a write that did not
-- (a SQL prompt) leaves the rollup stale, and summaries read the rows
-- instead, exact but slower, until the rollup is rebuilt (on opening the
-- database).

-- Observations with a value, by effective service (the indicator's service,
-- else its contract's; NULL for an indicator about a grant round or an
-- organisation), financial year of the period (NULL when it spans two),
-- indicator unit and aggregation. Districts and themes are joined through
-- `service_areas` and `service_themes` when a summary asks for them.
CREATE TABLE reach_rollups (
    id ID_PK,
    service_id BIGINT REFERENCES services (id),
    financial_year INTEGER,
    unit TEXT NOT NULL,
    aggregation TEXT NOT NULL,
    value_sum_e4 BIGINT NOT NULL,
    observations BIGINT NOT NULL,
    value_min_e4 BIGINT NOT NULL,
    value_max_e4 BIGINT NOT NULL,
    approximate BIGINT NOT NULL,
    at_least BIGINT NOT NULL,
    at_most BIGINT NOT NULL,
    wording TEXT
);
CREATE INDEX reach_rollups_service_id ON reach_rollups (service_id, financial_year);
CREATE INDEX reach_rollups_financial_year ON reach_rollups (financial_year);

-- The same, rolled up once more by each area of the service (NULL: of no
-- service, or of a service with no area), from `reach_rollups` and
-- `service_areas`: a summary by district and year reads one row per district
-- and year. An observation counts in full in each area of its service, as
-- `reachSummary` grouped by DISTRICT counts it.
CREATE TABLE reach_area_rollups (
    id ID_PK,
    area_id BIGINT REFERENCES areas (id),
    financial_year INTEGER,
    unit TEXT NOT NULL,
    aggregation TEXT NOT NULL,
    value_sum_e4 BIGINT NOT NULL,
    observations BIGINT NOT NULL,
    value_min_e4 BIGINT NOT NULL,
    value_max_e4 BIGINT NOT NULL,
    approximate BIGINT NOT NULL,
    at_least BIGINT NOT NULL,
    at_most BIGINT NOT NULL,
    wording TEXT
);
CREATE INDEX reach_area_rollups_area_id ON reach_area_rollups (area_id, financial_year);

-- Spend lines by funding stream, financial year and quarter (NULL for a
-- line recorded for the whole year).
CREATE TABLE spend_rollups (
    id ID_PK,
    funding_stream_id BIGINT NOT NULL REFERENCES funding_streams (id),
    financial_year INTEGER NOT NULL,
    quarter INTEGER,
    amount_sum_pence BIGINT NOT NULL,
    lines BIGINT NOT NULL,
    amount_min_pence BIGINT NOT NULL,
    amount_max_pence BIGINT NOT NULL,
    approximate BIGINT NOT NULL,
    at_least BIGINT NOT NULL,
    at_most BIGINT NOT NULL,
    wording TEXT
);
CREATE INDEX spend_rollups_funding_stream_id ON spend_rollups (funding_stream_id, financial_year);

-- Whether each rollup matches its inputs. Both start stale (and empty):
-- opening the database builds them.
CREATE TABLE aggregate_rollups (
    name TEXT PRIMARY KEY,
    current BOOLEAN NOT NULL
);
INSERT INTO aggregate_rollups (name, current) VALUES ('reach', FALSE);
INSERT INTO aggregate_rollups (name, current) VALUES ('spend', FALSE);
