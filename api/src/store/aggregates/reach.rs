//! Observed values (reach and outcome figures) summed, counted and grouped in SQL.
//!
//! Every query reads `observations` joined to their `indicators` and, for an
//! indicator about a contract, that contract: conditions may therefore name
//! columns of all three tables. An indicator's *effective service* is the
//! service it measures, or the service of the contract it measures; its
//! districts and themes are that service's. Observations with no value (a
//! target only) are never counted.

use entity::{contract, indicator, observation, service_area, service_theme};
use sea_orm::sea_query::{
    Alias, Expr, ExprTrait, Func, JoinType, Query, SelectStatement, SimpleExpr,
};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, IntoSimpleExpr};

use super::{bigint, fetch_groups, fetch_totals, select_measures, GroupKey, KeyColumn, KeyPart};
use super::{Group, Measures, Summary};
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

/// The financial year an observation's period lies in, as its start year;
/// NULL when the period spans two years. Carries no bound parameters, so it
/// can be both selected and grouped by.
pub fn observation_financial_year() -> SimpleExpr {
    let start = year_of(r#""observations"."period_start""#);
    let end = year_of(r#""observations"."period_end""#);
    Expr::cust(format!("CASE WHEN {start} = {end} THEN {start} END"))
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
    let ids = ids.to_vec();
    let service = Expr::expr(effective_service());
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
    let service = Expr::expr(effective_service());
    let with = |query: SelectStatement| {
        // A service-less indicator has none either; `NOT IN` alone would be
        // NULL for it and drop it.
        Condition::any()
            .add(Expr::expr(effective_service()).is_null())
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

fn measured(condition: Condition, dims: &[ReachDim]) -> SelectStatement {
    let needs = |d: ReachDim| dims.contains(&d);
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
    if needs(ReachDim::District) {
        query.join(
            JoinType::LeftJoin,
            service_area::Entity,
            Expr::expr(service_area::Column::ServiceId.into_simple_expr()).eq(effective_service()),
        );
    }
    if needs(ReachDim::Theme) {
        query.join(
            JoinType::LeftJoin,
            service_theme::Entity,
            Expr::expr(service_theme::Column::ServiceId.into_simple_expr()).eq(effective_service()),
        );
    }
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
    let value = observation::Column::ValueE4.into_simple_expr();
    select_measures(
        &mut query,
        value,
        observation::Column::Id.into_simple_expr(),
        r#""observations"."qualifier""#,
        observation::Column::Wording.into_simple_expr(),
    );
    query
        .expr_as(
            super::count_where(r#""indicators"."aggregation""#, "latest"),
            Alias::new("m_not_additive"),
        )
        .expr_as(
            bigint(Func::count_distinct(
                indicator::Column::Unit.into_simple_expr(),
            )),
            Alias::new("m_units"),
        )
        .cond_where(
            Condition::all()
                .add(observation::Column::ValueE4.is_not_null())
                .add(condition),
        );
    query
}

/// Totals and groups of the rows matching `condition`; see
/// [`reach_totals`] and [`reach_groups`].
pub async fn reach_summary(
    db: &impl ConnectionTrait,
    condition: Condition,
    dims: &[ReachDim],
) -> AppResult<Summary> {
    Ok(Summary {
        totals: reach_totals(db, condition.clone()).await?,
        groups: reach_groups(db, condition, dims).await?,
    })
}

/// The groups of the rows matching `condition` by `dims` (duplicates
/// ignored; none when `dims` is empty), in key order.
pub async fn reach_groups(
    db: &impl ConnectionTrait,
    condition: Condition,
    dims: &[ReachDim],
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
    fetch_groups(db, measured(condition, &unique), &columns, true).await
}

/// The measures of the observations (with a value) matching `condition`.
pub async fn reach_totals(db: &impl ConnectionTrait, condition: Condition) -> AppResult<Measures> {
    fetch_totals(db, measured(condition, &[]), true).await
}
