-- Reach by district and financial year as one statement building commtrack's
-- JSON: observations with a value, each counted in full in every district of
-- its effective service (the indicator's service, else its contract's),
-- grouped by district id and the period's financial year (none when the
-- period spans two years), "none" last; the totals count each observation once.
WITH o AS (
  SELECT o.id, o.value_e4,
         coalesce(i.service_id, c.service_id) AS service_id,
         extract(year FROM o.period_start)::int - CASE WHEN extract(month FROM o.period_start) < 4 THEN 1 ELSE 0 END AS start_year,
         extract(year FROM o.period_end)::int - CASE WHEN extract(month FROM o.period_end) < 4 THEN 1 ELSE 0 END AS end_year
  FROM observations o
  JOIN indicators i ON i.id = o.indicator_id
  LEFT JOIN contracts c ON c.id = i.contract_id
  WHERE o.value_e4 IS NOT NULL
), g AS (
  SELECT sa.area_id,
         CASE WHEN o.start_year = o.end_year THEN o.start_year END AS financial_year,
         sum(o.value_e4) AS value_e4, count(*) AS observations
  FROM o LEFT JOIN service_areas sa ON sa.service_id = o.service_id
  GROUP BY 1, 2
)
SELECT json_build_object('data', json_build_object('reachSummary', json_build_object(
  'totals', (SELECT json_build_object('sum', trim_scale(sum(value_e4) / 10000.0)::text, 'count', count(*)) FROM o),
  'groups', (SELECT coalesce(json_agg(json_build_object(
                'key', json_build_object(
                   'district', CASE WHEN g.area_id IS NULL THEN NULL ELSE json_build_object('name', a.name) END,
                   'financialYear', g.financial_year || '-' || lpad(((g.financial_year + 1) % 100)::text, 2, '0')),
                'sum', trim_scale(g.value_e4 / 10000.0)::text,
                'count', g.observations) ORDER BY g.area_id NULLS LAST, g.financial_year NULLS LAST), '[]')
             FROM g LEFT JOIN areas a ON a.id = g.area_id))));
