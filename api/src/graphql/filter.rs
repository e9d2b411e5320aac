//! Typed filter inputs shared by every list: one input per value type
//! (`DateFilter`, `MoneyFilter`...), each turned into an SQL condition on one
//! column. Operators are the small, index-friendly set dashboard developers
//! know from PostGraphile and Hasura; `in` lists and `and`/`or`/`not` nesting
//! are bounded so that a filter cannot grow into an expensive query.

use async_graphql::{Enum, InputObject, InputType, ID};
use sea_orm::sea_query::{ExprTrait, IntoCondition, SimpleExpr};
use sea_orm::{ColumnTrait, Condition, Value};

use crate::domain;
use crate::error::{AppError, AppResult};
use crate::graphql::node::parse_global_id;
use crate::graphql::scalars::{Date, DecimalScalar, FinancialYearScalar};

/// The most values an `in` or `notIn` list may hold.
pub const MAX_IN_VALUES: usize = 100;
/// The deepest `and`/`or`/`not` nesting a filter may have.
pub const MAX_FILTER_DEPTH: usize = 4;
/// The bounds of a text search term, in characters.
pub const SEARCH_LENGTH: std::ops::RangeInclusive<usize> = 2..=50;

/// Filters on a date.
#[derive(InputObject, Default, Clone)]
pub struct DateFilter {
    /// Equal to.
    pub eq: Option<Date>,
    /// Not equal to.
    pub ne: Option<Date>,
    /// One of (at most 100 values).
    #[graphql(name = "in")]
    pub in_list: Option<Vec<Date>>,
    /// None of (at most 100 values).
    pub not_in: Option<Vec<Date>>,
    /// After.
    pub gt: Option<Date>,
    /// On or after.
    pub gte: Option<Date>,
    /// Before.
    pub lt: Option<Date>,
    /// On or before.
    pub lte: Option<Date>,
    /// True: no date is set; false: a date is set.
    pub is_null: Option<bool>,
}

/// Filters on an amount of money (amounts as `Decimal` strings with at most two places).
#[derive(InputObject, Default, Clone)]
pub struct MoneyFilter {
    /// Equal to.
    pub eq: Option<DecimalScalar>,
    /// Not equal to.
    pub ne: Option<DecimalScalar>,
    /// One of (at most 100 values).
    #[graphql(name = "in")]
    pub in_list: Option<Vec<DecimalScalar>>,
    /// None of (at most 100 values).
    pub not_in: Option<Vec<DecimalScalar>>,
    /// More than.
    pub gt: Option<DecimalScalar>,
    /// At least.
    pub gte: Option<DecimalScalar>,
    /// Less than.
    pub lt: Option<DecimalScalar>,
    /// At most.
    pub lte: Option<DecimalScalar>,
    /// True: no amount is set; false: an amount is set.
    pub is_null: Option<bool>,
}

/// Filters on a whole number.
#[derive(InputObject, Default, Clone)]
pub struct IntFilter {
    /// Equal to.
    pub eq: Option<i32>,
    /// Not equal to.
    pub ne: Option<i32>,
    /// One of (at most 100 values).
    #[graphql(name = "in")]
    pub in_list: Option<Vec<i32>>,
    /// None of (at most 100 values).
    pub not_in: Option<Vec<i32>>,
    /// More than.
    pub gt: Option<i32>,
    /// At least.
    pub gte: Option<i32>,
    /// Less than.
    pub lt: Option<i32>,
    /// At most.
    pub lte: Option<i32>,
    /// True: no value is set; false: a value is set.
    pub is_null: Option<bool>,
}

/// Filters on a financial year.
#[derive(InputObject, Default, Clone)]
pub struct FinancialYearFilter {
    /// Equal to.
    pub eq: Option<FinancialYearScalar>,
    /// Not equal to.
    pub ne: Option<FinancialYearScalar>,
    /// One of (at most 100 values).
    #[graphql(name = "in")]
    pub in_list: Option<Vec<FinancialYearScalar>>,
    /// None of (at most 100 values).
    pub not_in: Option<Vec<FinancialYearScalar>>,
    /// Later than.
    pub gt: Option<FinancialYearScalar>,
    /// This year or later.
    pub gte: Option<FinancialYearScalar>,
    /// Earlier than.
    pub lt: Option<FinancialYearScalar>,
    /// This year or earlier.
    pub lte: Option<FinancialYearScalar>,
}

/// Filters on a text value by exact match (see `search` for partial matches).
#[derive(InputObject, Default, Clone)]
pub struct StringFilter {
    /// Equal to.
    pub eq: Option<String>,
    /// Not equal to.
    pub ne: Option<String>,
    /// One of (at most 100 values).
    #[graphql(name = "in")]
    pub in_list: Option<Vec<String>>,
    /// None of (at most 100 values).
    pub not_in: Option<Vec<String>>,
    /// True: no value is set; false: a value is set.
    pub is_null: Option<bool>,
}

/// Filters on a related object, by its global id.
#[derive(InputObject, Default, Clone)]
pub struct IdFilter {
    /// The object with this id.
    pub eq: Option<ID>,
    /// One of these objects (at most 100 ids).
    #[graphql(name = "in")]
    pub in_list: Option<Vec<ID>>,
    /// True: no related object; false: some related object.
    pub is_null: Option<bool>,
}

/// Filters on an enumerated value.
#[derive(InputObject, Clone)]
#[graphql(concrete(
    name = "OptionStateFilter",
    params(crate::graphql::contracts::OptionState)
))]
#[graphql(concrete(
    name = "ProcurementRouteFilter",
    params(crate::graphql::contracts::ProcurementRoute)
))]
#[graphql(concrete(name = "EiaStatusFilter", params(crate::graphql::contracts::EiaStatus)))]
#[graphql(concrete(
    name = "ServiceStatusFilter",
    params(crate::graphql::services::ServiceStatus)
))]
#[graphql(concrete(
    name = "OrganisationKindFilter",
    params(crate::graphql::organisations::OrganisationKind)
))]
#[graphql(concrete(
    name = "OrganisationRoleFilter",
    params(crate::graphql::organisations::OrganisationRole)
))]
#[graphql(concrete(
    name = "AreaKindFilter",
    params(crate::graphql::organisations::AreaKind)
))]
#[graphql(concrete(name = "QualifierFilter", params(crate::graphql::scalars::Qualifier)))]
#[graphql(concrete(name = "QuarterFilter", params(crate::graphql::spend::Quarter)))]
#[graphql(concrete(
    name = "IndicatorUnitFilter",
    params(crate::graphql::reach::IndicatorUnit)
))]
#[graphql(concrete(name = "AggregationFilter", params(crate::graphql::reach::Aggregation)))]
pub struct EnumFilter<T: InputType + async_graphql::EnumType + Copy> {
    /// Equal to.
    pub eq: Option<T>,
    /// Not equal to.
    pub ne: Option<T>,
    /// One of.
    #[graphql(name = "in")]
    pub in_list: Option<Vec<T>>,
    /// None of.
    pub not_in: Option<Vec<T>>,
}

/// Sort direction.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum OrderDirection {
    /// Smallest first.
    #[default]
    Asc,
    /// Largest first.
    Desc,
}

fn bounded<T>(field: &str, list: &[T]) -> AppResult<()> {
    if list.len() > MAX_IN_VALUES {
        return Err(AppError::bad_input(
            "FILTER_LIST_TOO_LONG",
            format!(
                "{field}: at most {MAX_IN_VALUES} values, got {}",
                list.len()
            ),
        ));
    }
    Ok(())
}

/// The shared operator set, applied to `column` with values already
/// converted to their stored form.
struct Ops<V> {
    eq: Option<V>,
    ne: Option<V>,
    in_list: Option<Vec<V>>,
    not_in: Option<Vec<V>>,
    gt: Option<V>,
    gte: Option<V>,
    lt: Option<V>,
    lte: Option<V>,
    is_null: Option<bool>,
}

impl<V> Default for Ops<V> {
    fn default() -> Self {
        Ops {
            eq: None,
            ne: None,
            in_list: None,
            not_in: None,
            gt: None,
            gte: None,
            lt: None,
            lte: None,
            is_null: None,
        }
    }
}

impl<V: Into<Value> + Clone> Ops<V> {
    fn condition(self, column: impl ColumnTrait, field: &str) -> AppResult<Condition> {
        let mut condition = Condition::all();
        if let Some(v) = self.eq {
            condition = condition.add(column.eq(v));
        }
        if let Some(v) = self.ne {
            condition = condition.add(column.ne(v));
        }
        if let Some(list) = self.in_list {
            bounded(&format!("{field}.in"), &list)?;
            condition = condition.add(column.is_in(list));
        }
        if let Some(list) = self.not_in {
            bounded(&format!("{field}.notIn"), &list)?;
            condition = condition.add(column.is_not_in(list));
        }
        if let Some(v) = self.gt {
            condition = condition.add(column.gt(v));
        }
        if let Some(v) = self.gte {
            condition = condition.add(column.gte(v));
        }
        if let Some(v) = self.lt {
            condition = condition.add(column.lt(v));
        }
        if let Some(v) = self.lte {
            condition = condition.add(column.lte(v));
        }
        match self.is_null {
            Some(true) => condition = condition.add(column.is_null()),
            Some(false) => condition = condition.add(column.is_not_null()),
            None => {}
        }
        Ok(condition)
    }
}

impl DateFilter {
    /// The condition on a date column.
    pub fn condition(&self, column: impl ColumnTrait, field: &str) -> AppResult<Condition> {
        let d = |v: &Option<Date>| v.map(|d| d.0);
        let l = |v: &Option<Vec<Date>>| v.as_ref().map(|l| l.iter().map(|d| d.0).collect());
        Ops {
            eq: d(&self.eq),
            ne: d(&self.ne),
            in_list: l(&self.in_list),
            not_in: l(&self.not_in),
            gt: d(&self.gt),
            gte: d(&self.gte),
            lt: d(&self.lt),
            lte: d(&self.lte),
            is_null: self.is_null,
        }
        .condition(column, field)
    }
}

/// An input amount as stored pence, with the field named in the error.
pub fn pence(field: &str, amount: &DecimalScalar) -> AppResult<i64> {
    domain::decimal_to_pence(amount.0)
        .map_err(|err| AppError::bad_input(err.code(), format!("{field}: {err}")))
}

impl MoneyFilter {
    /// The condition on a pence column.
    pub fn condition(&self, column: impl ColumnTrait, field: &str) -> AppResult<Condition> {
        let one = |op: &str, v: &Option<DecimalScalar>| {
            v.as_ref()
                .map(|a| pence(&format!("{field}.{op}"), a))
                .transpose()
        };
        let many = |op: &str, v: &Option<Vec<DecimalScalar>>| {
            v.as_ref()
                .map(|l| {
                    l.iter()
                        .map(|a| pence(&format!("{field}.{op}"), a))
                        .collect::<AppResult<Vec<_>>>()
                })
                .transpose()
        };
        Ops {
            eq: one("eq", &self.eq)?,
            ne: one("ne", &self.ne)?,
            in_list: many("in", &self.in_list)?,
            not_in: many("notIn", &self.not_in)?,
            gt: one("gt", &self.gt)?,
            gte: one("gte", &self.gte)?,
            lt: one("lt", &self.lt)?,
            lte: one("lte", &self.lte)?,
            is_null: self.is_null,
        }
        .condition(column, field)
    }
}

impl IntFilter {
    /// The condition on an integer column.
    pub fn condition(&self, column: impl ColumnTrait, field: &str) -> AppResult<Condition> {
        Ops {
            eq: self.eq,
            ne: self.ne,
            in_list: self.in_list.clone(),
            not_in: self.not_in.clone(),
            gt: self.gt,
            gte: self.gte,
            lt: self.lt,
            lte: self.lte,
            is_null: self.is_null,
        }
        .condition(column, field)
    }
}

impl FinancialYearFilter {
    /// The condition on a column holding a financial year's start year.
    pub fn condition(&self, column: impl ColumnTrait, field: &str) -> AppResult<Condition> {
        let y = |v: &Option<FinancialYearScalar>| v.map(|y| y.0.start_year());
        let l = |v: &Option<Vec<FinancialYearScalar>>| {
            v.as_ref()
                .map(|l| l.iter().map(|y| y.0.start_year()).collect())
        };
        Ops {
            eq: y(&self.eq),
            ne: y(&self.ne),
            in_list: l(&self.in_list),
            not_in: l(&self.not_in),
            gt: y(&self.gt),
            gte: y(&self.gte),
            lt: y(&self.lt),
            lte: y(&self.lte),
            is_null: None,
        }
        .condition(column, field)
    }
}

impl StringFilter {
    /// The condition on a text column.
    pub fn condition(&self, column: impl ColumnTrait, field: &str) -> AppResult<Condition> {
        Ops::<String> {
            eq: self.eq.clone(),
            ne: self.ne.clone(),
            in_list: self.in_list.clone(),
            not_in: self.not_in.clone(),
            is_null: self.is_null,
            ..Ops::default()
        }
        .condition(column, field)
    }
}

/// The row id behind a global id, which must name an object of `type_name`.
pub fn row_id(field: &str, id: &ID, type_name: &str) -> AppResult<i64> {
    match parse_global_id(id) {
        Ok((found, key)) if found == type_name => Ok(key),
        _ => Err(AppError::bad_input(
            "ID_INVALID",
            format!("{field}: {:?} is not the id of a {type_name}", id.as_str()),
        )),
    }
}

impl IdFilter {
    /// The condition on a foreign-key column referencing `type_name` objects.
    pub fn condition(
        &self,
        column: impl ColumnTrait,
        field: &str,
        type_name: &str,
    ) -> AppResult<Condition> {
        let in_list = match &self.in_list {
            Some(list) => {
                bounded(&format!("{field}.in"), list)?;
                Some(
                    list.iter()
                        .map(|id| row_id(&format!("{field}.in"), id, type_name))
                        .collect::<AppResult<Vec<_>>>()?,
                )
            }
            None => None,
        };
        Ops {
            eq: self
                .eq
                .as_ref()
                .map(|id| row_id(&format!("{field}.eq"), id, type_name))
                .transpose()?,
            in_list,
            is_null: self.is_null,
            ..Ops::default()
        }
        .condition(column, field)
    }

    /// The ids this filter accepts (for filters resolved through a subquery).
    pub fn ids(&self, field: &str, type_name: &str) -> AppResult<Option<Vec<i64>>> {
        let mut ids: Option<Vec<i64>> = None;
        if let Some(id) = &self.eq {
            ids = Some(vec![row_id(&format!("{field}.eq"), id, type_name)?]);
        }
        if let Some(list) = &self.in_list {
            bounded(&format!("{field}.in"), list)?;
            let listed = list
                .iter()
                .map(|id| row_id(&format!("{field}.in"), id, type_name))
                .collect::<AppResult<Vec<_>>>()?;
            ids = Some(match ids {
                Some(eq) => eq.into_iter().filter(|id| listed.contains(id)).collect(),
                None => listed,
            });
        }
        Ok(ids)
    }
}

impl<T: InputType + async_graphql::EnumType + Copy> EnumFilter<T> {
    /// The condition on a column holding the stored form `S` of the enum.
    pub fn condition<S>(
        &self,
        column: impl ColumnTrait,
        field: &str,
        stored: impl Fn(T) -> S,
    ) -> AppResult<Condition>
    where
        S: Into<Value> + Clone,
    {
        Ops {
            eq: self.eq.map(&stored),
            ne: self.ne.map(&stored),
            in_list: self
                .in_list
                .as_ref()
                .map(|l| l.iter().copied().map(&stored).collect()),
            not_in: self
                .not_in
                .as_ref()
                .map(|l| l.iter().copied().map(&stored).collect()),
            ..Ops::default()
        }
        .condition(column, field)
    }
}

/// A case-insensitive substring search over `columns` (names, references).
/// The term is bounded and its LIKE wildcards escaped, so it matches text only.
pub fn search(term: &str, field: &str, columns: &[SimpleExpr]) -> AppResult<Condition> {
    let term = term.trim();
    let length = term.chars().count();
    if !SEARCH_LENGTH.contains(&length) {
        return Err(AppError::bad_input(
            "SEARCH_LENGTH",
            format!(
                "{field}: a search term has {} to {} characters, got {length}",
                SEARCH_LENGTH.start(),
                SEARCH_LENGTH.end()
            ),
        ));
    }
    let escaped: String = term
        .to_lowercase()
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect();
    let pattern = format!("%{escaped}%");
    let mut any = Condition::any();
    for column in columns {
        let lowered = sea_orm::sea_query::Func::lower(column.clone());
        any = any.add(
            sea_orm::sea_query::Expr::expr(lowered)
                .like(sea_orm::sea_query::LikeExpr::new(pattern.clone()).escape('\\')),
        );
    }
    Ok(any)
}

/// Combines the `and`/`or`/`not` parts of a filter with its own fields,
/// checking the nesting depth. `own` is the condition of the filter's fields.
pub fn combine<F>(
    own: Condition,
    and: Option<&[F]>,
    or: Option<&[F]>,
    not: Option<&F>,
    depth: usize,
    field: &str,
    convert: impl Fn(&F, usize, &str) -> AppResult<Condition>,
) -> AppResult<Condition> {
    let nested =
        and.is_some_and(|l| !l.is_empty()) || or.is_some_and(|l| !l.is_empty()) || not.is_some();
    if nested && depth >= MAX_FILTER_DEPTH {
        return Err(AppError::bad_input(
            "FILTER_TOO_DEEP",
            format!("{field}: and/or/not may nest at most {MAX_FILTER_DEPTH} levels"),
        ));
    }
    let mut condition = own;
    if let Some(list) = and {
        bounded(&format!("{field}.and"), list)?;
        for (i, part) in list.iter().enumerate() {
            condition = condition.add(convert(part, depth + 1, &format!("{field}.and.{i}"))?);
        }
    }
    if let Some(list) = or {
        bounded(&format!("{field}.or"), list)?;
        let mut any = Condition::any();
        for (i, part) in list.iter().enumerate() {
            any = any.add(convert(part, depth + 1, &format!("{field}.or.{i}"))?);
        }
        condition = condition.add(any);
    }
    if let Some(part) = not {
        condition = condition.add(convert(part, depth + 1, &format!("{field}.not"))?.not());
    }
    Ok(condition)
}

/// Adds `part` to `condition` when present.
pub fn and_maybe(condition: Condition, part: Option<impl IntoCondition>) -> Condition {
    match part {
        Some(part) => condition.add(part),
        None => condition,
    }
}
