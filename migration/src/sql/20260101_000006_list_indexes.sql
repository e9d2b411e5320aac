-- Indexes for list orderings and filters that, on the national dataset, sorted
-- or scanned instead of walking an index (bench/EXPLAIN.md).

-- spendLines ordered by financial year: sorted a year's 100,000 lines per page.
CREATE INDEX spend_lines_financial_year_id ON spend_lines (financial_year, id);
-- spendLines filtered by funding stream, in id order: SQLite sorted 200,000 lines.
CREATE INDEX spend_lines_funding_stream_id_id ON spend_lines (funding_stream_id, id);
-- observations ordered by period end: PostgreSQL sorted 25,000 rows per page.
CREATE INDEX observations_period_end_id ON observations (period_end, id);
DROP INDEX observations_period_end;
-- contracts filtered by procurement route, EIA status or total value: read all 50,000.
CREATE INDEX contracts_procurement_route ON contracts (procurement_route, id);
CREATE INDEX contracts_eia_status ON contracts (eia_status, id);
CREATE INDEX contracts_total_value_pence ON contracts (total_value_pence);
