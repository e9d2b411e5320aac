-- Spend attributed to the organisations that pay for it, by cost share.
--
-- A derived table: for every spend line recorded under a contract, the part of
-- its amount that each paying organisation bears, following the contract's
-- cost-sharing split down to its leaves with the same largest-remainder
-- (Hamilton) allocation as `crate::domain::allocate_tree`, so the parts of a
-- line add up to the line's amount to the penny. SQL cannot apportion pennies
-- that way, which is why the parts are stored rather than computed in a query.
-- A contract without a recorded split is borne wholly by its lead
-- commissioner; a spend line with no contract has no rows (it is
-- "unattributed"). Every write to spend lines, contracts or cost shares must
-- call `store::aggregates::rebuild_spend_attributions` in the same
-- transaction.
CREATE TABLE spend_attributions (
    spend_line_id BIGINT NOT NULL REFERENCES spend_lines (id),
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    amount_pence BIGINT NOT NULL,
    PRIMARY KEY (spend_line_id, organisation_id)
);
CREATE INDEX spend_attributions_organisation_id ON spend_attributions (organisation_id);
