//! Each filter input as an SQL condition on one column, with its values
//! converted to their stored form (pence, start years, row ids, `*_e4` figures).

use async_graphql::ID;
use sea_orm::sea_query::{IntoIden, Query};
use sea_orm::{ColumnTrait, Condition, EntityTrait, Value};

use super::{
    DateFilter, DecimalFilter, EnumFilter, FinancialYearFilter, IdFilter, IntFilter, MoneyFilter,
    StringFilter, MAX_IN_VALUES,
};
use crate::domain;
use crate::error::{AppError, AppResult};
use crate::graphql::ids::parse_global_id;
use crate::graphql::scalars::{Date, DecimalScalar, FinancialYearScalar};

/// Refuses lists longer than [`MAX_IN_VALUES`], naming the field.
pub(super) fn bounded<T>(field: &str, list: &[T]) -> AppResult<()> {
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

/// The condition of a filter on decimals stored as scaled integers (money in
/// pence, figures in ten-thousandths): `$scale` converts each input value,
/// naming the operator in its error.
macro_rules! scaled_condition {
    ($filter:ident, $column:ident, $field:ident, $scale:expr) => {{
        let scale = $scale;
        let one = |op: &str, v: &Option<DecimalScalar>| {
            v.as_ref()
                .map(|a| scale(&format!("{}.{op}", $field), a))
                .transpose()
        };
        let many = |op: &str, v: &Option<Vec<DecimalScalar>>| {
            v.as_ref()
                .map(|l| {
                    l.iter()
                        .map(|a| scale(&format!("{}.{op}", $field), a))
                        .collect::<AppResult<Vec<_>>>()
                })
                .transpose()
        };
        Ops {
            eq: one("eq", &$filter.eq)?,
            ne: one("ne", &$filter.ne)?,
            in_list: many("in", &$filter.in_list)?,
            not_in: many("notIn", &$filter.not_in)?,
            gt: one("gt", &$filter.gt)?,
            gte: one("gte", &$filter.gte)?,
            lt: one("lt", &$filter.lt)?,
            lte: one("lte", &$filter.lte)?,
            is_null: $filter.is_null,
        }
        .condition($column, $field)
    }};
}

impl MoneyFilter {
    /// The condition on a pence column.
    pub fn condition(&self, column: impl ColumnTrait, field: &str) -> AppResult<Condition> {
        scaled_condition!(self, column, field, pence)
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

impl<T: Copy> EnumFilter<T> {
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

/// An input figure as stored (scaled by 10^4), with the field named in the error.
pub fn figure_e4(field: &str, figure: &DecimalScalar) -> AppResult<i64> {
    domain::figure::figure_to_e4(figure.0, false)
        .map_err(|err| AppError::bad_input(err.code(), format!("{field}: {err}")))
}

impl DecimalFilter {
    /// The condition on a column holding figures scaled by 10^4.
    pub fn condition(&self, column: impl ColumnTrait, field: &str) -> AppResult<Condition> {
        scaled_condition!(self, column, field, figure_e4)
    }
}

impl IdFilter {
    /// The condition "linked through the join table `L` to one of the objects
    /// this filter names", for many-to-many relations: `owner` is the listed
    /// table's id column, `link_owner` and `link_target` the join table's
    /// columns. `isNull: true` keeps rows with no link at all; `false`, rows
    /// with some link. Every join table is indexed on both columns, so each
    /// subquery is an index scan.
    pub fn linked<L: EntityTrait>(
        &self,
        field: &str,
        type_name: &str,
        owner: impl ColumnTrait,
        (link_owner, link_target): (L::Column, L::Column),
    ) -> AppResult<Condition> {
        let links = || {
            Query::select()
                .column(link_owner.into_iden())
                .from(L::default())
                .to_owned()
        };
        let mut condition = Condition::all();
        if let Some(ids) = self.ids(field, type_name)? {
            let mut matching = links();
            matching.and_where(link_target.is_in(ids));
            condition = condition.add(owner.in_subquery(matching));
        }
        match self.is_null {
            Some(true) => condition = condition.add(owner.not_in_subquery(links())),
            Some(false) => condition = condition.add(owner.in_subquery(links())),
            None => {}
        }
        Ok(condition)
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use rust_decimal::Decimal;
    use sea_orm::sea_query::{Query, SqliteQueryBuilder};

    use super::*;

    fn figure(s: &str) -> DecimalScalar {
        DecimalScalar(Decimal::from_str(s).unwrap())
    }

    fn sql(condition: Condition) -> String {
        Query::select()
            .column(entity::observation::Column::Id)
            .from(entity::observation::Entity)
            .cond_where(condition)
            .to_string(SqliteQueryBuilder)
    }

    #[test]
    fn figures_are_compared_as_stored_ten_thousandths() {
        let filter = DecimalFilter {
            gte: Some(figure("71.8")),
            in_list: Some(vec![figure("30000"), figure("0.0001")]),
            is_null: Some(false),
            ..DecimalFilter::default()
        };
        let condition = filter
            .condition(entity::observation::Column::ValueE4, "filter.value")
            .unwrap();
        let sql = sql(condition);
        assert!(sql.contains(r#""value_e4" IN (300000000, 1)"#), "{sql}");
        assert!(sql.contains(r#""value_e4" >= 718000"#), "{sql}");
        assert!(sql.contains(r#""value_e4" IS NOT NULL"#), "{sql}");
    }

    #[test]
    fn figures_that_cannot_be_stored_are_refused_naming_the_operator() {
        let filter = DecimalFilter {
            lt: Some(figure("1.23456")),
            ..DecimalFilter::default()
        };
        let err = filter
            .condition(entity::observation::Column::ValueE4, "filter.value")
            .unwrap_err();
        assert!(matches!(
            &err,
            AppError::BadInput { code: "FIGURE_TOO_MANY_DECIMALS", message }
                if message.starts_with("filter.value.lt: ")
        ));
        let filter = DecimalFilter {
            in_list: Some(vec![figure("-1")]),
            ..DecimalFilter::default()
        };
        let err = filter
            .condition(entity::observation::Column::ValueE4, "filter.value")
            .unwrap_err();
        assert!(matches!(
            &err,
            AppError::BadInput { code: "FIGURE_NEGATIVE", message }
                if message.starts_with("filter.value.in: ")
        ));
    }
}
