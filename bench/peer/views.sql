-- Views that let PostGraphile (pg-aggregates) answer the peer benchmark's two
-- grouped queries the way commtrack does, in a schema of their own (`peer`)
-- so that commtrack's tables are untouched. Idempotent.
--
-- pg-aggregates groups a table or view by its own columns only and has no
-- count(*) per group (only distinct counts), so each view carries the keys
-- commtrack groups by, the group's display name, and a constant 1 to sum as
-- the count. commtrack computes the same joins in its own SQL.
SET client_min_messages = warning;
CREATE SCHEMA IF NOT EXISTS peer;

-- One row per spend line: its funding stream (id and name) and year.
CREATE OR REPLACE VIEW peer.spend_facts AS
SELECT s.id,
       s.funding_stream_id,
       f.name AS funding_stream_name,
       s.financial_year,
       s.amount_pence,
       1 AS lines
FROM public.spend_lines s
JOIN public.funding_streams f ON f.id = s.funding_stream_id;

-- One row per observation with a value and district of its effective service
-- (the indicator's service, else its contract's service); one row with no
-- district when that service has no areas or there is none. The financial
-- year is the period's (its start year), none when the period spans two.
CREATE OR REPLACE VIEW peer.reach_facts AS
WITH o AS (
  SELECT o.id,
         o.value_e4,
         COALESCE(i.service_id, c.service_id) AS service_id,
         extract(year FROM o.period_start)::int - CASE WHEN extract(month FROM o.period_start) < 4 THEN 1 ELSE 0 END AS start_year,
         extract(year FROM o.period_end)::int - CASE WHEN extract(month FROM o.period_end) < 4 THEN 1 ELSE 0 END AS end_year
  FROM public.observations o
  JOIN public.indicators i ON i.id = o.indicator_id
  LEFT JOIN public.contracts c ON c.id = i.contract_id
  WHERE o.value_e4 IS NOT NULL
)
SELECT o.id AS observation_id,
       sa.area_id AS district_id,
       a.name AS district_name,
       CASE WHEN o.start_year = o.end_year THEN o.start_year END AS financial_year,
       o.value_e4,
       1 AS observations
FROM o
LEFT JOIN public.service_areas sa ON sa.service_id = o.service_id
LEFT JOIN public.areas a ON a.id = sa.area_id;

-- An extension option's state today (Europe/London), as commtrack's `state`
-- field answers it: an option still available after its decide-by date has
-- lapsed. A PostGraphile computed column (`effectiveState`), since the
-- stored column holds only the recorded state.
CREATE OR REPLACE FUNCTION peer.extension_options_effective_state(o public.extension_options)
RETURNS text LANGUAGE sql STABLE AS $$
  SELECT CASE
    WHEN o.state = 'available' AND (now() AT TIME ZONE 'Europe/London')::date > o.decide_by THEN 'lapsed'
    ELSE o.state
  END
$$;
