//! Observed values (reach and outcome figures) summed, counted and grouped in SQL.
//!
//! Every query reads `observations` joined to their `indicators` and, for an
//! indicator about a contract, that contract: conditions may therefore name
//! columns of all three tables. An indicator's *effective service* is the
//! service it measures, or the service of the contract it measures; its
//! districts and themes are that service's. Observations with no value (a
//! target only) are never counted.
//!
//! A summary whose filter and grouping the reach rollups can answer (see
//! [`super::rollups`]) reads them instead, while they are current: one row
//! per effective service, financial year, unit and aggregation rather than
//! one per observation, with the same answer.

use entity::{
    contract, indicator, observation, reach_area_rollup, reach_rollup, service_area, service_theme,
};
use sea_orm::sea_query::{
    Alias, Expr, ExprTrait, Func, JoinType, Query, SelectStatement, SimpleExpr,
};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, IntoSimpleExpr};

use super::{bigint, count_where, fetch_groups, fetch_totals, select_measures};
use super::{Group, GroupKey, KeyColumn, KeyPart, MeasureSql, Measures, Summary, Wanted};
use crate::error::AppResult;

/// What observations can be grouped by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReachDim {
    /// The financial year the period lies in (none when it spans two).
    FinancialYear,
    /// The indicator.
    Indicator,
    /// The effective service (none for an organisation or grant round).
    Service,
    /// Each area of the effective service (an observation counts in full in each).
    District,
    /// Each theme of the effective service (an observation counts in full in each).
    Theme,
    /// The indicator's unit.
    Unit,
}

/// The relations of an observation that filters follow through its service.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReachRelation {
    /// The effective service.
    Service,
    /// An area of the effective service.
    District,
    /// A theme of the effective service.
    Theme,
}

/// The financial year (start year) of a date column, in SQL that both
/// backends run: the year, less one before April. Dates read as
/// `YYYY-MM-DD` text on both (SQLite stores them so; PostgreSQL prints them
/// so under the ISO date style that the driver sets on every connection).
fn year_of(column: &str) -> String {
    format!(
        "(CAST(SUBSTR(CAST({column} AS TEXT), 1, 4) AS INTEGER) - \
         CASE WHEN SUBSTR(CAST({column} AS TEXT), 6, 2) < '04' THEN 1 ELSE 0 END)"
    )
}

/// The financial year of an observation's period as SQL text: see
/// [`observation_financial_year`].
pub(crate) fn observation_financial_year_sql() -> String {
    let start = year_of(r#""observations"."period_start""#);
    let end = year_of(r#""observations"."period_end""#);
    format!("CASE WHEN {start} = {end} THEN {start} END")
}

/// The financial year an observation's period lies in, as its start year;
/// NULL when the period spans two years. Carries no bound parameters, so it
/// can be both selected and grouped by.
pub fn observation_financial_year() -> SimpleExpr {
    Expr::cust(observation_financial_year_sql())
}

/// What a reach query reads: the observations (joined to their indicators
/// and contracts), or the reach rollups by service or by area.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReachSource {
    /// `observations` joined to `indicators` and `contracts`.
    Observations,
    /// `reach_rollups`.
    Rollups,
    /// `reach_area_rollups`.
    AreaRollups,
}

impl ReachSource {
    /// The effective service: the indicator's service, else its contract's.
    /// The area rollups keep none (they answer no filter on services): NULL.
    pub fn service(self) -> SimpleExpr {
        match self {
            ReachSource::Observations => effective_service(),
            ReachSource::Rollups => reach_rollup::Column::ServiceId.into_simple_expr(),
            ReachSource::AreaRollups => Expr::cust("NULL"),
        }
    }

    /// The financial year (start year) of the period; NULL when it spans two.
    pub fn financial_year(self) -> SimpleExpr {
        match self {
            ReachSource::Observations => observation_financial_year(),
            ReachSource::Rollups => reach_rollup::Column::FinancialYear.into_simple_expr(),
            ReachSource::AreaRollups => reach_area_rollup::Column::FinancialYear.into_simple_expr(),
        }
    }

    /// The table of a rollup source.
    fn table(self) -> &'static str {
        match self {
            ReachSource::AreaRollups => "reach_area_rollups",
            _ => "reach_rollups",
        }
    }
}

fn effective_service() -> SimpleExpr {
    Func::coalesce([
        indicator::Column::ServiceId.into_simple_expr(),
        contract::Column::ServiceId.into_simple_expr(),
    ])
    .into()
}

/// Observations related by `relation` to one of `ids`.
pub fn related_to(relation: ReachRelation, ids: &[i64]) -> Condition {
    related_in(ReachSource::Observations, relation, ids)
}

/// Rows of `source` related by `relation` to one of `ids`.
pub fn related_in(source: ReachSource, relation: ReachRelation, ids: &[i64]) -> Condition {
    let ids = ids.to_vec();
    let service = Expr::expr(source.service());
    let condition = match relation {
        ReachRelation::Service => service.is_in(ids),
        ReachRelation::District => service.in_subquery(
            Query::select()
                .column(service_area::Column::ServiceId)
                .from(service_area::Entity)
                .and_where(service_area::Column::AreaId.is_in(ids))
                .to_owned(),
        ),
        ReachRelation::Theme => service.in_subquery(
            Query::select()
                .column(service_theme::Column::ServiceId)
                .from(service_theme::Entity)
                .and_where(service_theme::Column::ThemeId.is_in(ids))
                .to_owned(),
        ),
    };
    Condition::all().add(condition)
}

/// Observations with nothing related by `relation`: no effective service,
/// or a service without areas or themes.
pub fn related_to_none(relation: ReachRelation) -> Condition {
    related_to_none_in(ReachSource::Observations, relation)
}

/// Rows of `source` with nothing related by `relation`.
pub fn related_to_none_in(source: ReachSource, relation: ReachRelation) -> Condition {
    let service = Expr::expr(source.service());
    let with = |query: SelectStatement| {
        // A service-less indicator has none either; `NOT IN` alone would be
        // NULL for it and drop it.
        Condition::any()
            .add(Expr::expr(source.service()).is_null())
            .add(service.clone().not_in_subquery(query))
    };
    match relation {
        ReachRelation::Service => Condition::all().add(service.is_null()),
        ReachRelation::District => with(
            Query::select()
                .column(service_area::Column::ServiceId)
                .from(service_area::Entity)
                .to_owned(),
        ),
        ReachRelation::Theme => with(
            Query::select()
                .column(service_theme::Column::ServiceId)
                .from(service_theme::Entity)
                .to_owned(),
        ),
    }
}

fn key_expr(dim: ReachDim) -> SimpleExpr {
    match dim {
        ReachDim::FinancialYear => observation_financial_year(),
        ReachDim::Indicator => indicator::Column::Id.into_simple_expr(),
        ReachDim::Service => effective_service(),
        ReachDim::District => service_area::Column::AreaId.into_simple_expr(),
        ReachDim::Theme => service_theme::Column::ThemeId.into_simple_expr(),
        ReachDim::Unit => indicator::Column::Unit.into_simple_expr(),
    }
}

fn key_column(dim: ReachDim) -> KeyColumn {
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
        ReachDim::FinancialYear => int_key!("k_financial_year", financial_year),
        ReachDim::Indicator => int_key!("k_indicator", indicator),
        ReachDim::Service => int_key!("k_service", service),
        ReachDim::District => int_key!("k_district", district),
        ReachDim::Theme => int_key!("k_theme", theme),
        ReachDim::Unit => KeyColumn {
            alias: "k_unit",
            text: true,
            set: |key, part| key.unit = part.text(),
            get: |key| KeyPart::Text(key.unit.clone()),
        },
    }
}

fn measured(condition: Condition, dims: &[ReachDim], wanted: Wanted) -> SelectStatement {
    let mut query = Query::select();
    query
        .from(observation::Entity)
        .join(
            JoinType::InnerJoin,
            indicator::Entity,
            Expr::col(indicator::Column::Id.as_column_ref())
                .equals(observation::Column::IndicatorId.as_column_ref()),
        )
        .join(
            JoinType::LeftJoin,
            contract::Entity,
            Expr::col(contract::Column::Id.as_column_ref())
                .equals(indicator::Column::ContractId.as_column_ref()),
        );
    join_areas_and_themes(&mut query, ReachSource::Observations, dims);
    select_keys(&mut query, dims, key_expr);
    let mut sql = MeasureSql::of_rows(
        observation::Column::ValueE4.into_simple_expr(),
        r#""observations"."qualifier""#,
        observation::Column::Wording.into_simple_expr(),
    );
    sql.additive = Some((
        count_where(r#""indicators"."aggregation""#, "latest"),
        bigint(Func::count_distinct(
            indicator::Column::Unit.into_simple_expr(),
        )),
    ));
    select_measures(&mut query, sql, wanted);
    query.cond_where(
        Condition::all()
            .add(observation::Column::ValueE4.is_not_null())
            .add(condition),
    );
    query
}

/// The same query over reach rollups (`source`): each rollup row stands for
/// the observations it rolls up, so sums and counts add the rows' sums and
/// counts, and minima and maxima take the rows' minima and maxima.
fn measured_rollups(
    source: ReachSource,
    condition: Condition,
    dims: &[ReachDim],
    wanted: Wanted,
) -> SelectStatement {
    let table = source.table();
    let col = |name: &str| -> SimpleExpr { Expr::col((Alias::new(table), Alias::new(name))) };
    let mut query = Query::select();
    query.from(Alias::new(table));
    if source == ReachSource::Rollups {
        join_areas_and_themes(&mut query, source, dims);
    }
    select_keys(&mut query, dims, |dim| match dim {
        ReachDim::FinancialYear => col("financial_year"),
        ReachDim::Unit => col("unit"),
        ReachDim::Service => col("service_id"),
        ReachDim::District if source == ReachSource::AreaRollups => col("area_id"),
        ReachDim::District => service_area::Column::AreaId.into_simple_expr(),
        ReachDim::Theme => service_theme::Column::ThemeId.into_simple_expr(),
        // Not served by the rollups (see `rollups_serve`).
        ReachDim::Indicator => Expr::cust("NULL"),
    });
    let sum = |name: &str| bigint(Func::sum(col(name)));
    let sql = MeasureSql {
        sum: sum("value_sum_e4"),
        count: sum("observations"),
        min: bigint(Func::min(col("value_min_e4"))),
        max: bigint(Func::max(col("value_max_e4"))),
        approximate: sum("approximate"),
        at_least: sum("at_least"),
        at_most: sum("at_most"),
        wording: Func::min(col("wording")).into(),
        additive: Some((
            bigint(Func::sum(Expr::cust(format!(
                r#"CASE WHEN "{table}"."aggregation" = 'latest' THEN "{table}"."observations" ELSE 0 END"#
            )))),
            bigint(Func::count_distinct(col("unit"))),
        )),
    };
    select_measures(&mut query, sql, wanted);
    query.cond_where(condition);
    query
}

/// Joins each area or theme of the effective service, when grouped by them.
fn join_areas_and_themes(query: &mut SelectStatement, source: ReachSource, dims: &[ReachDim]) {
    if dims.contains(&ReachDim::District) {
        query.join(
            JoinType::LeftJoin,
            service_area::Entity,
            Expr::expr(service_area::Column::ServiceId.into_simple_expr()).eq(source.service()),
        );
    }
    if dims.contains(&ReachDim::Theme) {
        query.join(
            JoinType::LeftJoin,
            service_theme::Entity,
            Expr::expr(service_theme::Column::ServiceId.into_simple_expr()).eq(source.service()),
        );
    }
}

/// Selects and groups by the key of each of `dims`.
fn select_keys(
    query: &mut SelectStatement,
    dims: &[ReachDim],
    key_expr: impl Fn(ReachDim) -> SimpleExpr,
) {
    for &dim in dims {
        let column = key_column(dim);
        let expr = if column.text {
            key_expr(dim)
        } else {
            bigint(key_expr(dim))
        };
        query.expr_as(expr, Alias::new(column.alias));
    }
    if !dims.is_empty() {
        query.add_group_by(dims.iter().map(|&d| key_expr(d)));
    }
}

/// Which observations a reach summary covers: the condition on the
/// observations, and the same condition on each kind of rollup whose
/// columns the filter names (the service rollups: financial year, unit,
/// aggregation, service, district, theme; the area rollups: financial
/// year, unit, aggregation).
#[derive(Clone, Debug)]
pub struct ReachFilter {
    /// On observations joined to their indicators and contracts.
    pub observations: Condition,
    /// On `reach_rollups`, when they can answer the filter.
    pub rollups: Option<Condition>,
    /// On `reach_area_rollups`, when they can answer the filter.
    pub area_rollups: Option<Condition>,
}

impl ReachFilter {
    /// A filter only the observations answer.
    pub fn observations(condition: Condition) -> Self {
        ReachFilter {
            observations: condition,
            rollups: None,
            area_rollups: None,
        }
    }

    /// No filter: every observation with a value.
    pub fn all() -> Self {
        ReachFilter {
            observations: Condition::all(),
            rollups: Some(Condition::all()),
            area_rollups: Some(Condition::all()),
        }
    }
}

/// Whether the service rollups can group by `dims`: by anything but the
/// indicator.
fn rollups_serve(dims: &[ReachDim]) -> bool {
    !dims.contains(&ReachDim::Indicator)
}

/// Whether the area rollups can group by `dims`: by district, with the
/// year or unit at most (they keep no service, theme or indicator, and
/// without the district a row of a service in two areas would count twice).
fn area_rollups_serve(dims: &[ReachDim]) -> bool {
    dims.contains(&ReachDim::District)
        && dims.iter().all(|d| {
            matches!(
                d,
                ReachDim::District | ReachDim::FinancialYear | ReachDim::Unit
            )
        })
}

/// The query answering `filter` by `dims`: over the smallest rollups that
/// can answer it while they are current, else over the observations.
async fn query_for(
    db: &impl ConnectionTrait,
    filter: ReachFilter,
    dims: &[ReachDim],
    wanted: Wanted,
) -> AppResult<SelectStatement> {
    let areas = filter.area_rollups.filter(|_| area_rollups_serve(dims));
    let services = filter.rollups.filter(|_| rollups_serve(dims));
    if (areas.is_some() || services.is_some()) && super::rollups::reach_current(db).await? {
        if let Some(condition) = areas {
            return Ok(measured_rollups(
                ReachSource::AreaRollups,
                condition,
                dims,
                wanted,
            ));
        }
        if let Some(condition) = services {
            return Ok(measured_rollups(
                ReachSource::Rollups,
                condition,
                dims,
                wanted,
            ));
        }
    }
    Ok(measured(filter.observations, dims, wanted))
}

/// Totals and groups of the rows matching `filter`; see [`reach_totals`]
/// and [`reach_groups`].
pub async fn reach_summary(
    db: &impl ConnectionTrait,
    filter: ReachFilter,
    dims: &[ReachDim],
    wanted: Wanted,
) -> AppResult<Summary> {
    Ok(Summary {
        totals: reach_totals(db, filter.clone(), wanted).await?,
        groups: reach_groups(db, filter, dims, wanted).await?,
    })
}

/// The groups of the rows matching `filter` by `dims` (duplicates ignored;
/// none when `dims` is empty), in key order, with the `wanted` measures.
pub async fn reach_groups(
    db: &impl ConnectionTrait,
    filter: ReachFilter,
    dims: &[ReachDim],
    wanted: Wanted,
) -> AppResult<Vec<Group>> {
    let mut unique: Vec<ReachDim> = Vec::with_capacity(dims.len());
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
    fetch_groups(db, query, &columns, wanted, true).await
}

/// The `wanted` measures of the observations (with a value) matching `filter`.
pub async fn reach_totals(
    db: &impl ConnectionTrait,
    filter: ReachFilter,
    wanted: Wanted,
) -> AppResult<Measures> {
    if !wanted.any() {
        return Ok(Measures::default());
    }
    let query = query_for(db, filter, &[], wanted).await?;
    fetch_totals(db, query, wanted, true).await
}

#[cfg(test)]
mod tests {
    use super::{area_rollups_serve, rollups_serve, ReachDim as D};

    #[test]
    fn rollups_serve_every_grouping_but_by_indicator() {
        assert!(rollups_serve(&[]));
        assert!(rollups_serve(&[D::District, D::Theme, D::Unit, D::Service]));
        assert!(!rollups_serve(&[D::FinancialYear, D::Indicator]));
    }

    #[test]
    fn area_rollups_serve_groupings_by_district_with_year_or_unit() {
        assert!(area_rollups_serve(&[D::District]));
        assert!(area_rollups_serve(&[
            D::FinancialYear,
            D::District,
            D::Unit
        ]));
        // Without the district, a service in two areas would count twice.
        assert!(!area_rollups_serve(&[]));
        assert!(!area_rollups_serve(&[D::FinancialYear]));
        // They keep no service, theme or indicator.
        assert!(!area_rollups_serve(&[D::District, D::Service]));
        assert!(!area_rollups_serve(&[D::District, D::Theme]));
        assert!(!area_rollups_serve(&[D::District, D::Indicator]));
    }
}
