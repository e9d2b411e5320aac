-- The filtered page as one statement building commtrack's JSON: current
-- contracts starting on or after 2024-04-01 worth at least £500,000 a year,
-- the first 50 by start date (then id), and how many match.
WITH m AS (
  SELECT * FROM contracts
  WHERE archived_at IS NULL AND start_date >= '2024-04-01' AND annual_value_pence >= 50000000
)
SELECT json_build_object('data', json_build_object('contracts', json_build_object(
  'totalCount', (SELECT count(*) FROM m),
  'nodes', (SELECT coalesce(json_agg(json_build_object(
               'reference', c.reference,
               'title', c.title,
               'startDate', c.start_date,
               'annualValue', CASE WHEN c.annual_value_pence IS NULL THEN NULL
                              ELSE json_build_object('money', json_build_object('amount', trim_scale(c.annual_value_pence / 100.0)::text)) END,
               'leadCommissioner', json_build_object('name', o.name)) ORDER BY c.start_date, c.id), '[]')
            FROM (SELECT * FROM m ORDER BY start_date, id LIMIT 50) c
            JOIN organisations o ON o.id = c.lead_commissioner_id))));
