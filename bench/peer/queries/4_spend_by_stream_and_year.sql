-- Spend by funding stream and financial year as one statement building
-- commtrack's JSON (pounds as decimal strings, years as "2023-24"); the
-- totals are the sums of the groups (every line has a stream and a year).
WITH g AS (
  SELECT funding_stream_id, financial_year, sum(amount_pence) AS pence, count(*) AS lines
  FROM spend_lines
  GROUP BY funding_stream_id, financial_year
)
SELECT json_build_object('data', json_build_object('spendSummary', json_build_object(
  'totals', (SELECT json_build_object('sum', json_build_object('amount', trim_scale(sum(pence) / 100.0)::text),
                                      'count', sum(lines)) FROM g),
  'groups', (SELECT coalesce(json_agg(json_build_object(
                'key', json_build_object('fundingStream', json_build_object('name', f.name),
                                         'financialYear', g.financial_year || '-' || lpad(((g.financial_year + 1) % 100)::text, 2, '0')),
                'sum', json_build_object('amount', trim_scale(g.pence / 100.0)::text),
                'count', g.lines) ORDER BY g.funding_stream_id, g.financial_year), '[]')
             FROM g JOIN funding_streams f ON f.id = g.funding_stream_id))));
