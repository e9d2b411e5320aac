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
pub mod rollups;
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

/// Which measures a query asks for: a summary computes only these, since
/// each costs work per row (a minimum, a maximum, three qualifier counts, a
/// wording) and most dashboards ask for a sum and a count.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Wanted {
    /// The sum.
    pub sum: bool,
    /// The count of rows.
    pub count: bool,
    /// The minimum.
    pub min: bool,
    /// The maximum.
    pub max: bool,
    /// The qualifier counts (what `qualifier` is derived from).
    pub bounds: bool,
    /// The wording (which needs the count: it shows for one row only).
    pub wording: bool,
    /// Whether the sum is meaningful (reach only: aggregations and units).
    pub additive: bool,
}

impl Wanted {
    /// Every measure.
    pub const ALL: Wanted = Wanted {
        sum: true,
        count: true,
        min: true,
        max: true,
        bounds: true,
        wording: true,
        additive: true,
    };

    /// Whether any measure is asked for.
    pub fn any(self) -> bool {
        self.sum
            || self.count
            || self.min
            || self.max
            || self.bounds
            || self.wording
            || self.additive
    }

    /// The count is read whenever the wording is: it decides whether the
    /// wording shows.
    fn count_read(self) -> bool {
        self.count || self.wording
    }
}

/// The SQL of each measure over the rows of a query (aggregate expressions).
pub(crate) struct MeasureSql {
    pub sum: SimpleExpr,
    pub count: SimpleExpr,
    pub min: SimpleExpr,
    pub max: SimpleExpr,
    pub approximate: SimpleExpr,
    pub at_least: SimpleExpr,
    pub at_most: SimpleExpr,
    pub wording: SimpleExpr,
    /// Rows of non-additive indicators, and distinct units (reach only).
    pub additive: Option<(SimpleExpr, SimpleExpr)>,
}

impl MeasureSql {
    /// The measures of rows read one by one: `amount` per row, the stored
    /// qualifier in `qualifier_column` (quoted, table-qualified) and `wording`.
    ///
    /// The count is `COUNT(*)`, not `COUNT(DISTINCT id)`: a summary joins a
    /// row to areas, themes or attributions only when grouped by them, and
    /// then each joined row falls in a group of its own key, so no group
    /// (and no total, which joins nothing) sees a row twice.
    pub(crate) fn of_rows(amount: SimpleExpr, qualifier_column: &str, wording: SimpleExpr) -> Self {
        MeasureSql {
            sum: bigint(Func::sum(amount.clone())),
            count: bigint(Expr::cust("COUNT(*)")),
            min: bigint(Func::min(amount.clone())),
            max: bigint(Func::max(amount)),
            approximate: count_where(qualifier_column, "approximate"),
            at_least: count_where(qualifier_column, "at_least"),
            at_most: count_where(qualifier_column, "at_most"),
            wording: Func::min(wording).into(),
            additive: None,
        }
    }
}

/// Adds the `wanted` measures of `sql` to a query, under the aliases
/// [`read_measures`] reads.
pub(crate) fn select_measures(query: &mut SelectStatement, sql: MeasureSql, wanted: Wanted) {
    if wanted.sum {
        query.expr_as(sql.sum, Alias::new("m_sum"));
    }
    if wanted.count_read() {
        query.expr_as(sql.count, Alias::new("m_count"));
    }
    if wanted.min {
        query.expr_as(sql.min, Alias::new("m_min"));
    }
    if wanted.max {
        query.expr_as(sql.max, Alias::new("m_max"));
    }
    if wanted.bounds {
        query
            .expr_as(sql.approximate, Alias::new("m_approximate"))
            .expr_as(sql.at_least, Alias::new("m_at_least"))
            .expr_as(sql.at_most, Alias::new("m_at_most"));
    }
    if wanted.wording {
        query.expr_as(sql.wording, Alias::new("m_wording"));
    }
    if let (true, Some((not_additive, units))) = (wanted.additive, sql.additive) {
        query
            .expr_as(not_additive, Alias::new("m_not_additive"))
            .expr_as(units, Alias::new("m_units"));
    }
}

fn get<T: sea_orm::TryGetable>(row: &QueryResult, alias: &str) -> AppResult<T> {
    row.try_get("", alias)
        .map_err(|err| AppError::internal(format!("reading aggregate column {alias}: {err}")))
}

fn non_negative(value: Option<i64>) -> u64 {
    value.and_then(|v| u64::try_from(v).ok()).unwrap_or(0)
}

/// Reads the measures [`select_measures`] selected; those not wanted keep
/// their defaults (0, none, exact, additive).
pub(crate) fn read_measures(row: &QueryResult, wanted: Wanted, reach: bool) -> AppResult<Measures> {
    let opt = |want: bool, alias: &str| -> AppResult<Option<i64>> {
        if want {
            get(row, alias)
        } else {
            Ok(None)
        }
    };
    let count = opt(wanted.count_read(), "m_count")?.unwrap_or(0);
    let wording: Option<String> = if wanted.wording {
        get(row, "m_wording")?
    } else {
        None
    };
    let additive = wanted.additive && reach;
    Ok(Measures {
        sum: opt(wanted.sum, "m_sum")?.unwrap_or(0),
        count,
        min: opt(wanted.min, "m_min")?,
        max: opt(wanted.max, "m_max")?,
        bounds: BoundCounts {
            approximate: non_negative(opt(wanted.bounds, "m_approximate")?),
            at_least: non_negative(opt(wanted.bounds, "m_at_least")?),
            at_most: non_negative(opt(wanted.bounds, "m_at_most")?),
        },
        wording: wording.filter(|_| count == 1),
        not_additive: opt(additive, "m_not_additive")?.unwrap_or(0),
        units: if additive {
            opt(true, "m_units")?.unwrap_or(0)
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
    wanted: Wanted,
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
            measures: read_measures(row, wanted, reach)?,
        });
    }
    groups.sort_by(|a, b| compare_keys(columns, &a.key, &b.key));
    Ok(groups)
}

/// Runs an ungrouped measures query: the totals.
pub(crate) async fn fetch_totals(
    db: &impl ConnectionTrait,
    query: SelectStatement,
    wanted: Wanted,
    reach: bool,
) -> AppResult<Measures> {
    if !wanted.any() {
        return Ok(Measures::default());
    }
    match db.query_one(&query).await? {
        Some(row) => read_measures(&row, wanted, reach),
        None => Ok(Measures::default()),
    }
}
