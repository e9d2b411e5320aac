//! Aggregates for analysts: sums, counts, minima and maxima of spend and of
//! observed reach, grouped in SQL (`GROUP BY`), never by loading rows.
//!
//! - [`spend`]: spend lines, grouped by year, quarter, funding stream,
//!   district, provider, commissioner, service or theme.
//! - [`reach`]: observations, grouped by year, indicator, service, district,
//!   theme or unit.
//! - [`ratios`]: the two sides of budget utilisation and cost per outcome.
//! - [`rounds`]: a grant round's awards in total, by district and by theme.
//! - [`attributions`]: the derived `spend_attributions` table that lets
//!   spend be grouped by commissioner without double counting.
//!
//! Every query is portable between SQLite and PostgreSQL: money stays in
//! integer pence and observed values in integers × 10^4, sums are cast back
//! to `BIGINT` (PostgreSQL's `SUM(bigint)` is `NUMERIC`), and expressions that
//! appear both in `SELECT` and `GROUP BY` carry no bound parameters, since
//! PostgreSQL matches grouped expressions by their text.

use std::cmp::Ordering;

use sea_orm::sea_query::{Alias, Expr, Func, SelectStatement, SimpleExpr};
use sea_orm::{ConnectionTrait, QueryResult};

use crate::domain::aggregates::BoundCounts;
use crate::error::{AppError, AppResult};

pub mod attributions;
pub mod ratios;
pub mod reach;
pub mod rounds;
pub mod spend;

pub use attributions::rebuild_spend_attributions;

/// The most groups one summary may return; a grouping finer than this is
/// refused rather than streamed, since a dashboard cannot show it anyway.
pub const MAX_GROUPS: usize = 10_000;

/// The measures of a set of rows: what every total and every group carries.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Measures {
    /// The sum of the amounts (pence) or values (× 10^4); 0 for no rows.
    pub sum: i64,
    /// How many distinct rows (spend lines, observations) contributed.
    pub count: i64,
    /// The smallest amount or value; `None` for no rows.
    pub min: Option<i64>,
    /// The largest amount or value; `None` for no rows.
    pub max: Option<i64>,
    /// How many of the figures summed were not exact, by kind.
    pub bounds: BoundCounts,
    /// The source's wording of the figure when exactly one row contributed
    /// ("just under"); `None` otherwise.
    pub wording: Option<String>,
    /// Rows whose indicator is not additive (`latest`); 0 for spend.
    pub not_additive: i64,
    /// How many distinct units were summed; 1 for spend.
    pub units: i64,
}

/// The key of one group: the dimensions grouped by are set (or `None` for
/// rows with nothing there, e.g. spend with no contract under PROVIDER);
/// the others are always `None`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GroupKey {
    /// Financial year, by start year.
    pub financial_year: Option<i64>,
    /// Quarter, 1 to 4.
    pub quarter: Option<i64>,
    /// Funding stream id.
    pub funding_stream: Option<i64>,
    /// Service id.
    pub service: Option<i64>,
    /// Area id.
    pub district: Option<i64>,
    /// Theme id.
    pub theme: Option<i64>,
    /// Provider organisation id.
    pub provider: Option<i64>,
    /// Paying organisation id.
    pub commissioner: Option<i64>,
    /// Indicator id.
    pub indicator: Option<i64>,
    /// Indicator unit as stored (`people`, `percent`...).
    pub unit: Option<String>,
}

/// One group of a summary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    /// What the rows of the group share.
    pub key: GroupKey,
    /// Their measures.
    pub measures: Measures,
}

/// Totals over every row matched, and the groups.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Summary {
    /// Every matching row counted once, whatever the grouping.
    pub totals: Measures,
    /// One entry per distinct key, ordered by the keys in the order grouped
    /// by (ids and years ascending, "none" last).
    pub groups: Vec<Group>,
}

/// One key column: its alias in the result and how to store it in a key.
pub(crate) struct KeyColumn {
    pub alias: &'static str,
    pub text: bool,
    pub set: fn(&mut GroupKey, KeyPart),
    pub get: fn(&GroupKey) -> KeyPart,
}

/// A key value read back from a row.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum KeyPart {
    Int(Option<i64>),
    Text(Option<String>),
}

impl KeyPart {
    pub(crate) fn int(self) -> Option<i64> {
        match self {
            KeyPart::Int(v) => v,
            KeyPart::Text(_) => None,
        }
    }

    pub(crate) fn text(self) -> Option<String> {
        match self {
            KeyPart::Text(v) => v,
            KeyPart::Int(_) => None,
        }
    }

    fn is_none(&self) -> bool {
        matches!(self, KeyPart::Int(None) | KeyPart::Text(None))
    }
}

/// Orders two keys part by part, "none" after every value.
fn compare_keys(columns: &[KeyColumn], a: &GroupKey, b: &GroupKey) -> Ordering {
    for column in columns {
        let (x, y) = ((column.get)(a), (column.get)(b));
        let order = match (x.is_none(), y.is_none()) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            (false, false) => x.cmp(&y),
        };
        if order != Ordering::Equal {
            return order;
        }
    }
    Ordering::Equal
}

/// `CAST(expr AS BIGINT)`: one integer type on both backends.
pub(crate) fn bigint(expr: impl Into<SimpleExpr>) -> SimpleExpr {
    Func::cast_as(expr.into(), Alias::new("BIGINT")).into()
}

/// `CAST(SUM(CASE WHEN <column> = '<value>' THEN 1 ELSE 0 END) AS BIGINT)`:
/// how many rows have this stored qualifier. `column` is a quoted,
/// table-qualified name and `value` a fixed word, never user input.
pub(crate) fn count_where(column: &str, value: &str) -> SimpleExpr {
    bigint(Func::sum(Expr::cust(format!(
        "CASE WHEN {column} = '{value}' THEN 1 ELSE 0 END"
    ))))
}

/// Adds the measures of `amount` (and the qualifier counts of
/// `qualifier_column`) to a query, under the aliases [`read_measures`] reads.
pub(crate) fn select_measures(
    query: &mut SelectStatement,
    amount: SimpleExpr,
    row_id: SimpleExpr,
    qualifier_column: &str,
    wording: SimpleExpr,
) {
    query
        .expr_as(bigint(Func::sum(amount.clone())), Alias::new("m_sum"))
        .expr_as(bigint(Func::count_distinct(row_id)), Alias::new("m_count"))
        .expr_as(bigint(Func::min(amount.clone())), Alias::new("m_min"))
        .expr_as(bigint(Func::max(amount)), Alias::new("m_max"))
        .expr_as(
            count_where(qualifier_column, "approximate"),
            Alias::new("m_approximate"),
        )
        .expr_as(
            count_where(qualifier_column, "at_least"),
            Alias::new("m_at_least"),
        )
        .expr_as(
            count_where(qualifier_column, "at_most"),
            Alias::new("m_at_most"),
        )
        .expr_as(Func::min(wording), Alias::new("m_wording"));
}

fn get<T: sea_orm::TryGetable>(row: &QueryResult, alias: &str) -> AppResult<T> {
    row.try_get("", alias)
        .map_err(|err| AppError::internal(format!("reading aggregate column {alias}: {err}")))
}

fn non_negative(value: Option<i64>) -> u64 {
    value.and_then(|v| u64::try_from(v).ok()).unwrap_or(0)
}

/// Reads the measures selected by [`select_measures`] (and, if selected,
/// `m_not_additive` and `m_units`).
pub(crate) fn read_measures(row: &QueryResult, reach: bool) -> AppResult<Measures> {
    let count: Option<i64> = get(row, "m_count")?;
    let count = count.unwrap_or(0);
    let wording: Option<String> = get(row, "m_wording")?;
    Ok(Measures {
        sum: get::<Option<i64>>(row, "m_sum")?.unwrap_or(0),
        count,
        min: get(row, "m_min")?,
        max: get(row, "m_max")?,
        bounds: BoundCounts {
            approximate: non_negative(get(row, "m_approximate")?),
            at_least: non_negative(get(row, "m_at_least")?),
            at_most: non_negative(get(row, "m_at_most")?),
        },
        wording: wording.filter(|_| count == 1),
        not_additive: if reach {
            get::<Option<i64>>(row, "m_not_additive")?.unwrap_or(0)
        } else {
            0
        },
        units: if reach {
            get::<Option<i64>>(row, "m_units")?.unwrap_or(0)
        } else {
            1
        },
    })
}

/// Runs a grouped query whose key columns are `columns` and returns its
/// groups in key order; more than [`MAX_GROUPS`] is a clear error.
pub(crate) async fn fetch_groups(
    db: &impl ConnectionTrait,
    mut query: SelectStatement,
    columns: &[KeyColumn],
    reach: bool,
) -> AppResult<Vec<Group>> {
    query.limit(MAX_GROUPS as u64 + 1);
    let rows = db.query_all(&query).await?;
    if rows.len() > MAX_GROUPS {
        return Err(AppError::bad_input(
            "TOO_MANY_GROUPS",
            format!(
                "groupBy: this grouping has more than {MAX_GROUPS} groups; \
                 group by fewer keys or narrow the filter"
            ),
        ));
    }
    let mut groups = Vec::with_capacity(rows.len());
    for row in &rows {
        let mut key = GroupKey::default();
        for column in columns {
            let part = if column.text {
                KeyPart::Text(get(row, column.alias)?)
            } else {
                KeyPart::Int(get(row, column.alias)?)
            };
            (column.set)(&mut key, part);
        }
        groups.push(Group {
            key,
            measures: read_measures(row, reach)?,
        });
    }
    groups.sort_by(|a, b| compare_keys(columns, &a.key, &b.key));
    Ok(groups)
}

/// Runs an ungrouped measures query: the totals.
pub(crate) async fn fetch_totals(
    db: &impl ConnectionTrait,
    query: SelectStatement,
    reach: bool,
) -> AppResult<Measures> {
    match db.query_one(&query).await? {
        Some(row) => read_measures(&row, reach),
        None => Ok(Measures::default()),
    }
}
