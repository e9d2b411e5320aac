//! Aggregates for analysts: `spendSummary`, `reachSummary`,
//! `budgetUtilisation`, `costPerOutcome`, and a grant round's `summary`.
//!
//! Sums, counts, minima and maxima run in SQL (`crate::store::aggregates`);
//! ratios and qualifiers follow `crate::domain::aggregates`. Every figure's
//! docs say whether it adds up across groups.

use async_graphql::{MergedObject, Object, SimpleObject};

use crate::domain::aggregates::{self as rules, Bound};
use crate::graphql::scalars::{DecimalScalar, Qualifier};

pub mod ratios;
pub mod reach;
pub mod rounds;
pub mod spend;

/// A ratio of two figures, e.g. spend ÷ budget.
#[derive(SimpleObject, Clone, Debug)]
pub struct Ratio {
    /// The ratio as a plain number, rounded half away from zero to 2 decimal
    /// places (2.428571… is `"2.43"`).
    pub value: DecimalScalar,
    /// The ratio × 100, rounded half away from zero to 2 decimal places
    /// (`"242.86"`).
    pub percentage: DecimalScalar,
    /// `EXACT` only when both figures are exact and rounding dropped
    /// nothing; otherwise `APPROXIMATE`. A ratio of bounded figures ("just
    /// under £2.3m" ÷ "just over 30,000") is `APPROXIMATE`, not a bound, as
    /// a direction does not survive rounding.
    pub qualifier: Qualifier,
}

impl From<rules::Ratio> for Ratio {
    fn from(r: rules::Ratio) -> Self {
        Ratio {
            value: DecimalScalar(r.value),
            percentage: DecimalScalar(r.percentage),
            qualifier: qualifier(r.bound),
        }
    }
}

/// The API's qualifier of a domain bound.
pub fn qualifier(bound: Bound) -> Qualifier {
    match bound {
        Bound::Exact => Qualifier::Exact,
        Bound::Approximate => Qualifier::Approximate,
        Bound::AtLeast => Qualifier::AtLeast,
        Bound::AtMost => Qualifier::AtMost,
    }
}

/// The domain bound of a stored qualifier (a missing one is exact).
pub fn bound(stored: Option<entity::enums::Qualifier>) -> Bound {
    use entity::enums::Qualifier as Q;
    match stored {
        None | Some(Q::Exact) => Bound::Exact,
        Some(Q::Approximate) => Bound::Approximate,
        Some(Q::AtLeast) => Bound::AtLeast,
        Some(Q::AtMost) => Bound::AtMost,
    }
}

/// A row count for the API's `Int`.
pub fn count(n: i64) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// The aggregate queries.
#[derive(MergedObject, Default)]
pub struct AggregatesQuery(SummaryQuery, ratios::RatioQuery);

/// `spendSummary` and `reachSummary`.
#[derive(Default)]
pub struct SummaryQuery;

/// `spendSummary` and `reachSummary`.
#[Object]
impl SummaryQuery {
    /// Spend lines matching `filter`, in total and grouped by `groupBy`.
    ///
    /// `totals` counts every matching line once, whatever the grouping.
    /// Grouping by `COMMISSIONER` splits each line among the organisations
    /// that pay for it by cost share (penny-exact), so those groups add up
    /// to `totals`; grouping by `DISTRICT` or `THEME` counts a line in full
    /// in every area or theme of its service, so those groups may add up to
    /// more than `totals` (`groupsAreAdditive` says which case holds).
    async fn spend_summary(
        &self,
        #[graphql(desc = "Which spend lines (default: all).")] filter: Option<
            spend::SpendSummaryFilter,
        >,
        #[graphql(
            desc = "The keys to group by, in order (no groups when empty or omitted); \
                    groups come sorted by these keys, \"none\" last."
        )]
        group_by: Option<Vec<spend::SpendGroupBy>>,
    ) -> async_graphql::Result<spend::SpendSummary> {
        Ok(spend::SpendSummary::new(
            filter,
            group_by.unwrap_or_default(),
        )?)
    }

    /// Observed values (reach and outcome figures) matching `filter`, in
    /// total and grouped by `groupBy`. Observations that record only a
    /// target (no value) are not counted.
    ///
    /// A sum of values is meaningful only for additive indicators
    /// (aggregation `SUM`) of one unit; `additive` on every total and group
    /// says whether that holds, and grouping by `INDICATOR` keeps indicators
    /// apart. `totals` counts every observation once; grouping by `DISTRICT`
    /// or `THEME` counts an observation in full in every area or theme of
    /// its service, so those groups may add up to more than `totals`.
    async fn reach_summary(
        &self,
        #[graphql(desc = "Which observations (default: all with a value).")] filter: Option<
            reach::ReachSummaryFilter,
        >,
        #[graphql(
            desc = "The keys to group by, in order (no groups when empty or omitted); \
                    groups come sorted by these keys, \"none\" last."
        )]
        group_by: Option<Vec<reach::ReachGroupBy>>,
    ) -> async_graphql::Result<reach::ReachSummary> {
        Ok(reach::ReachSummary::new(
            filter,
            group_by.unwrap_or_default(),
        )?)
    }
}
