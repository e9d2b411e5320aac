//! Typed filter inputs shared by every list: one input per value type
//! (`DateFilter`, `MoneyFilter`...), each turned into an SQL condition on one
//! column. Operators are the small, index-friendly set dashboard developers
//! know from PostGraphile and Hasura; `in` lists and `and`/`or`/`not` nesting
//! are bounded so that a filter cannot grow into an expensive query.

//!
//! This module names no collection: a list declares which of these inputs
//! its fields take, and an enumerated type becomes filterable by
//! declaring its filter input with [`filter_enum!`](crate::filter_enum) where it is defined.

use async_graphql::{Enum, InputObject, ID};

use crate::graphql::scalars::{Date, DecimalScalar, FinancialYearScalar, Qualifier};

mod conditions;
mod nesting;

pub use conditions::{figure_e4, pence, row_id};
pub use nesting::{and_maybe, combine, search, ColumnFilter, Conditions, FilterInput, Nested};

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
/// Filters on a reach or outcome figure (an observation's value, target or
/// baseline: `Decimal` strings with at most four places, zero or more).
#[derive(InputObject, Default, Clone)]
pub struct DecimalFilter {
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
    /// True: no figure is set; false: a figure is set.
    pub is_null: Option<bool>,
}

/// The operators of an enum filter, for any enumerated type `T`. Each
/// filterable enum has its own input (`ServiceStatusFilter`...), declared
/// beside the enum with [`filter_enum!`](crate::filter_enum) so that this
/// module needs none of them, which converts to this.
#[derive(Clone)]
pub struct EnumFilter<T> {
    /// Equal to.
    pub eq: Option<T>,
    /// Not equal to.
    pub ne: Option<T>,
    /// One of.
    pub in_list: Option<Vec<T>>,
    /// None of.
    pub not_in: Option<Vec<T>>,
}

/// An enum filter input declared with [`filter_enum!`](crate::filter_enum).
pub trait EnumInput {
    /// The enumerated type filtered on.
    type Enum: Copy;
    /// The input's operators.
    fn operators(&self) -> EnumFilter<Self::Enum>;
}

/// Declares the filter input of enumerated types: `filter_enum!(Quarter =>
/// QuarterFilter)` makes the input `QuarterFilter` with `eq`, `ne`, `in` and
/// `notIn`, and its `condition` on a column.
#[macro_export]
macro_rules! filter_enum {
    ($($name:ident => $filter:ident),+ $(,)?) => {
        $(
            /// Filters on an enumerated value.
            #[derive(async_graphql::InputObject, Clone)]
            pub struct $filter {
                /// Equal to.
                pub eq: Option<$name>,
                /// Not equal to.
                pub ne: Option<$name>,
                /// One of.
                #[graphql(name = "in")]
                pub in_list: Option<Vec<$name>>,
                /// None of.
                pub not_in: Option<Vec<$name>>,
            }

            impl $crate::graphql::filter::EnumInput for $filter {
                type Enum = $name;
                fn operators(&self) -> $crate::graphql::filter::EnumFilter<$name> {
                    $crate::graphql::filter::EnumFilter {
                        eq: self.eq,
                        ne: self.ne,
                        in_list: self.in_list.clone(),
                        not_in: self.not_in.clone(),
                    }
                }
            }

            impl $filter {
                /// The condition on a column holding the stored form `S` of the enum.
                pub fn condition<S: Into<sea_orm::Value> + Clone>(
                    &self,
                    column: impl sea_orm::ColumnTrait,
                    field: &str,
                    stored: impl Fn($name) -> S,
                ) -> $crate::error::AppResult<sea_orm::Condition> {
                    $crate::graphql::filter::EnumInput::operators(self).condition(column, field, stored)
                }
            }
        )+
    };
}

crate::filter_enum!(Qualifier => QualifierFilter);

/// Sort direction.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum OrderDirection {
    /// Smallest first.
    #[default]
    Asc,
    /// Largest first.
    Desc,
}
