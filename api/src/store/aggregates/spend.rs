//! Spend lines summed, counted and grouped in SQL.
//!
//! A line reaches its service, districts, themes and provider through its
//! contract when it has one, else through the service it records: its
//! *effective service* is `COALESCE(contract.service_id, line.service_id)`.
//! Its commissioners are the organisations the stored attributions (see
//! [`super::attributions`]) split it among.
//!
//! A summary whose filter and grouping name only the funding stream, the
//! financial year and the quarter reads the spend rollups (see
//! [`super::rollups`]) instead, while they are current: one row per stream,
//! year and quarter rather than one per line, with the same answer.

use entity::{contract, service_area, service_theme, spend_line, spend_rollup};
use sea_orm::sea_query::{
    Alias, Expr, ExprTrait, Func, JoinType, Query, SelectStatement, SimpleExpr,
};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, IntoSimpleExpr};

use super::attributions::SpendAttributions;
use super::{bigint, fetch_groups, fetch_totals, select_measures, GroupKey, KeyColumn, KeyPart};
use super::{Group, MeasureSql, Measures, Summary, Wanted};
use crate::error::AppResult;

/// What spend can be grouped by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpendDim {
    /// The line's financial year.
    FinancialYear,
    /// The line's quarter (none when only the year is known).
    Quarter,
    /// The line's funding stream.
    FundingStream,
    /// Each area of the effective service (a line counts in full in each).
    District,
    /// The contract's provider (none without a contract).
    Provider,
    /// Each paying organisation, with its attributed part of the line.
    Commissioner,
    /// The effective service.
    Service,
    /// Each theme of the effective service (a line counts in full in each).
    Theme,
}

/// The relations of a spend line that filters follow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpendRelation {
    /// The effective service.
    Service,
    /// An area of the effective service.
    District,
    /// A theme of the effective service.
    Theme,
    /// The contract's provider.
    Provider,
    /// An organisation the line is attributed to.
    Commissioner,
}

fn line(column: spend_line::Column) -> SimpleExpr {
    column.into_simple_expr()
}

fn effective_service() -> SimpleExpr {
    Func::coalesce([
        contract::Column::ServiceId.into_simple_expr(),
        line(spend_line::Column::ServiceId),
    ])
    .into()
}

/// Lines whose effective service is one of `services` (a subquery of ids),
/// written without joins so that it can filter any query on spend lines.
fn effective_service_in(services: SelectStatement) -> Condition {
    let contracts = contracts_where(contract::Column::ServiceId.in_subquery(services.clone()));
    Condition::any()
        .add(spend_line::Column::ContractId.in_subquery(contracts))
        .add(
            Condition::all()
                .add(spend_line::Column::ContractId.is_null())
                .add(spend_line::Column::ServiceId.in_subquery(services)),
        )
}

fn attributed_lines(ids: Option<&[i64]>) -> SelectStatement {
    let mut lines = Query::select();
    lines
        .column(SpendAttributions::SpendLineId)
        .from(SpendAttributions::Table);
    if let Some(ids) = ids {
        lines.and_where(Expr::col(SpendAttributions::OrganisationId).is_in(ids.iter().copied()));
    }
    lines
}

/// The services that have one of `ids` (any when `None`) as an area or theme.
fn services_with(relation: SpendRelation, ids: Option<&[i64]>) -> SelectStatement {
    let mut query = Query::select();
    if relation == SpendRelation::District {
        query
            .column(service_area::Column::ServiceId)
            .from(service_area::Entity);
        if let Some(ids) = ids {
            query.and_where(service_area::Column::AreaId.is_in(ids.iter().copied()));
        }
    } else {
        query
            .column(service_theme::Column::ServiceId)
            .from(service_theme::Entity);
        if let Some(ids) = ids {
            query.and_where(service_theme::Column::ThemeId.is_in(ids.iter().copied()));
        }
    }
    query
}

fn contracts_where(condition: SimpleExpr) -> SelectStatement {
    Query::select()
        .column(contract::Column::Id)
        .from(contract::Entity)
        .and_where(condition)
        .to_owned()
}

/// Spend lines related by `relation` to one of `ids`.
pub fn related_to(relation: SpendRelation, ids: &[i64]) -> Condition {
    let ids = ids.to_vec();
    match relation {
        SpendRelation::Service => Condition::any()
            .add(spend_line::Column::ContractId.in_subquery(contracts_where(
                contract::Column::ServiceId.is_in(ids.clone()),
            )))
            .add(
                Condition::all()
                    .add(spend_line::Column::ContractId.is_null())
                    .add(spend_line::Column::ServiceId.is_in(ids)),
            ),
        SpendRelation::District | SpendRelation::Theme => {
            effective_service_in(services_with(relation, Some(&ids)))
        }
        SpendRelation::Provider => Condition::all().add(
            spend_line::Column::ContractId
                .in_subquery(contracts_where(contract::Column::ProviderId.is_in(ids))),
        ),
        SpendRelation::Commissioner => {
            Condition::all().add(spend_line::Column::Id.in_subquery(attributed_lines(Some(&ids))))
        }
    }
}

/// Spend lines with nothing related by `relation`: no effective service, no
/// area or theme on it, no contract (so no provider), or no attribution.
pub fn related_to_none(relation: SpendRelation) -> Condition {
    match relation {
        SpendRelation::Service => Condition::all()
            .add(spend_line::Column::ContractId.is_null())
            .add(spend_line::Column::ServiceId.is_null()),
        SpendRelation::District | SpendRelation::Theme => {
            // NOT IN over the matching lines' ids, not NOT over the match
            // itself: the match is NULL, not false, for a line without a
            // service, and NOT NULL would drop the very lines wanted.
            let matching = Query::select()
                .column(spend_line::Column::Id)
                .from(spend_line::Entity)
                .cond_where(effective_service_in(services_with(relation, None)))
                .to_owned();
            Condition::all().add(spend_line::Column::Id.not_in_subquery(matching))
        }
        SpendRelation::Provider => Condition::all().add(spend_line::Column::ContractId.is_null()),
        SpendRelation::Commissioner => {
            Condition::all().add(spend_line::Column::Id.not_in_subquery(attributed_lines(None)))
        }
    }
}

fn key_expr(dim: SpendDim) -> SimpleExpr {
    match dim {
        SpendDim::FinancialYear => line(spend_line::Column::FinancialYear),
        SpendDim::Quarter => line(spend_line::Column::Quarter),
        SpendDim::FundingStream => line(spend_line::Column::FundingStreamId),
        SpendDim::District => service_area::Column::AreaId.into_simple_expr(),
        SpendDim::Provider => contract::Column::ProviderId.into_simple_expr(),
        SpendDim::Commissioner => {
            Expr::col((SpendAttributions::Table, SpendAttributions::OrganisationId))
        }
        SpendDim::Service => effective_service(),
        SpendDim::Theme => service_theme::Column::ThemeId.into_simple_expr(),
    }
}

fn key_column(dim: SpendDim) -> KeyColumn {
    macro_rules! int_key {
        ($alias:literal, $field:ident) => {
            KeyColumn {
                alias: $alias,
                text: false,
                set: |key: &mut GroupKey, part: KeyPart| key.$field = part.int(),
                get: |key: &GroupKey| KeyPart::Int(key.$field),
            }
        };
    }
    match dim {
        SpendDim::FinancialYear => int_key!("k_financial_year", financial_year),
        SpendDim::Quarter => int_key!("k_quarter", quarter),
        SpendDim::FundingStream => int_key!("k_funding_stream", funding_stream),
        SpendDim::District => int_key!("k_district", district),
        SpendDim::Provider => int_key!("k_provider", provider),
        SpendDim::Commissioner => int_key!("k_commissioner", commissioner),
        SpendDim::Service => int_key!("k_service", service),
        SpendDim::Theme => int_key!("k_theme", theme),
    }
}

/// The base query: spend lines matching `condition`, joined to what the
/// grouping needs, with the `wanted` measures of `amount` selected.
fn measured(condition: Condition, dims: &[SpendDim], wanted: Wanted) -> SelectStatement {
    let needs = |d: SpendDim| dims.contains(&d);
    let mut query = Query::select();
    query.from(spend_line::Entity);
    if dims.iter().any(|d| {
        matches!(
            d,
            SpendDim::Service | SpendDim::District | SpendDim::Theme | SpendDim::Provider
        )
    }) {
        query.join(
            JoinType::LeftJoin,
            contract::Entity,
            Expr::col(contract::Column::Id.as_column_ref())
                .equals(spend_line::Column::ContractId.as_column_ref()),
        );
    }
    if needs(SpendDim::District) {
        query.join(
            JoinType::LeftJoin,
            service_area::Entity,
            Expr::expr(service_area::Column::ServiceId.into_simple_expr()).eq(effective_service()),
        );
    }
    if needs(SpendDim::Theme) {
        query.join(
            JoinType::LeftJoin,
            service_theme::Entity,
            Expr::expr(service_theme::Column::ServiceId.into_simple_expr()).eq(effective_service()),
        );
    }
    let amount: SimpleExpr = if needs(SpendDim::Commissioner) {
        query.join(
            JoinType::LeftJoin,
            SpendAttributions::Table,
            Expr::col((SpendAttributions::Table, SpendAttributions::SpendLineId))
                .equals(spend_line::Column::Id.as_column_ref()),
        );
        // Unattributed lines keep their whole amount, in the "none" group.
        Func::coalesce([
            Expr::col((SpendAttributions::Table, SpendAttributions::AmountPence)),
            line(spend_line::Column::AmountPence),
        ])
        .into()
    } else {
        line(spend_line::Column::AmountPence)
    };
    for &dim in dims {
        query.expr_as(
            bigint(key_expr(dim)),
            sea_orm::sea_query::Alias::new(key_column(dim).alias),
        );
    }
    if !dims.is_empty() {
        query.add_group_by(dims.iter().map(|&d| key_expr(d)));
    }
    select_measures(
        &mut query,
        MeasureSql::of_rows(
            amount,
            r#""spend_lines"."qualifier""#,
            line(spend_line::Column::Wording),
        ),
        wanted,
    );
    query.cond_where(condition);
    query
}

/// The same query over the spend rollups: each row stands for the lines it
/// rolls up, so sums and counts add the rows' sums and counts, and minima
/// and maxima take the rows' minima and maxima.
fn measured_rollups(condition: Condition, dims: &[SpendDim], wanted: Wanted) -> SelectStatement {
    use spend_rollup::Column as R;
    let key = |dim: SpendDim| -> SimpleExpr {
        match dim {
            SpendDim::FinancialYear => R::FinancialYear.into_simple_expr(),
            SpendDim::Quarter => R::Quarter.into_simple_expr(),
            SpendDim::FundingStream => R::FundingStreamId.into_simple_expr(),
            // Not served by the rollups (see `rollups_serve`).
            _ => Expr::cust("NULL"),
        }
    };
    let mut query = Query::select();
    query.from(spend_rollup::Entity);
    for &dim in dims {
        query.expr_as(bigint(key(dim)), Alias::new(key_column(dim).alias));
    }
    if !dims.is_empty() {
        query.add_group_by(dims.iter().map(|&d| key(d)));
    }
    let sum = |column: R| bigint(Func::sum(column.into_simple_expr()));
    let sql = MeasureSql {
        sum: sum(R::AmountSumPence),
        count: sum(R::Lines),
        min: bigint(Func::min(R::AmountMinPence.into_simple_expr())),
        max: bigint(Func::max(R::AmountMaxPence.into_simple_expr())),
        approximate: sum(R::Approximate),
        at_least: sum(R::AtLeast),
        at_most: sum(R::AtMost),
        wording: Func::min(R::Wording.into_simple_expr()).into(),
        additive: None,
    };
    select_measures(&mut query, sql, wanted);
    query.cond_where(condition);
    query
}

/// Which spend lines a summary covers: the condition on the lines, and the
/// same condition on the spend rollups when the filter names only what
/// they keep (funding stream, financial year, quarter).
#[derive(Clone, Debug)]
pub struct SpendFilter {
    /// On `spend_lines`.
    pub lines: Condition,
    /// On `spend_rollups`, when they can answer the filter.
    pub rollups: Option<Condition>,
}

impl SpendFilter {
    /// A filter only the lines answer.
    pub fn lines(condition: Condition) -> Self {
        SpendFilter {
            lines: condition,
            rollups: None,
        }
    }
}

/// Whether the rollups can group by `dims`: by stream, year and quarter only.
fn rollups_serve(dims: &[SpendDim]) -> bool {
    dims.iter().all(|d| {
        matches!(
            d,
            SpendDim::FinancialYear | SpendDim::Quarter | SpendDim::FundingStream
        )
    })
}

/// The query answering `filter` by `dims`: over the rollups when they can
/// answer it and are current, else over the lines.
async fn query_for(
    db: &impl ConnectionTrait,
    filter: SpendFilter,
    dims: &[SpendDim],
    wanted: Wanted,
) -> AppResult<SelectStatement> {
    if let Some(condition) = filter.rollups.filter(|_| rollups_serve(dims)) {
        if super::rollups::is_current(db, super::rollups::Rollup::Spend).await? {
            return Ok(measured_rollups(condition, dims, wanted));
        }
    }
    Ok(measured(filter.lines, dims, wanted))
}

/// Totals and groups of the lines matching `filter`; see [`spend_totals`]
/// and [`spend_groups`].
pub async fn spend_summary(
    db: &impl ConnectionTrait,
    filter: SpendFilter,
    dims: &[SpendDim],
    wanted: Wanted,
) -> AppResult<Summary> {
    Ok(Summary {
        totals: spend_totals(db, filter.clone(), wanted).await?,
        groups: spend_groups(db, filter, dims, wanted).await?,
    })
}

/// The groups of the lines matching `filter` by `dims` (duplicates
/// ignored; none when `dims` is empty), in key order, with the `wanted`
/// measures.
pub async fn spend_groups(
    db: &impl ConnectionTrait,
    filter: SpendFilter,
    dims: &[SpendDim],
    wanted: Wanted,
) -> AppResult<Vec<Group>> {
    let mut unique: Vec<SpendDim> = Vec::with_capacity(dims.len());
    for &dim in dims {
        if !unique.contains(&dim) {
            unique.push(dim);
        }
    }
    if unique.is_empty() {
        return Ok(Vec::new());
    }
    let columns: Vec<KeyColumn> = unique.iter().map(|&d| key_column(d)).collect();
    let query = query_for(db, filter, &unique, wanted).await?;
    fetch_groups(db, query, &columns, wanted, false).await
}

/// The `wanted` measures of the spend lines matching `filter`, each
/// counted once.
pub async fn spend_totals(
    db: &impl ConnectionTrait,
    filter: SpendFilter,
    wanted: Wanted,
) -> AppResult<Measures> {
    if !wanted.any() {
        return Ok(Measures::default());
    }
    let query = query_for(db, filter, &[], wanted).await?;
    fetch_totals(db, query, wanted, false).await
}

#[cfg(test)]
mod tests {
    use super::{rollups_serve, SpendDim as D};

    #[test]
    fn rollups_serve_groupings_by_stream_year_and_quarter_only() {
        assert!(rollups_serve(&[]));
        assert!(rollups_serve(&[
            D::FundingStream,
            D::FinancialYear,
            D::Quarter
        ]));
        for other in [
            D::District,
            D::Provider,
            D::Commissioner,
            D::Service,
            D::Theme,
        ] {
            assert!(!rollups_serve(&[D::FinancialYear, other]), "{other:?}");
        }
    }
}
