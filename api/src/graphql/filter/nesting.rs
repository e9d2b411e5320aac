//! What every list filter shares besides its value filters: a text search,
//! the bounded `and`/`or`/`not` nesting, and the builder of a filter's conditions.

use sea_orm::sea_query::{ExprTrait, IntoCondition, SimpleExpr};
use sea_orm::{ColumnTrait, Condition, IntoSimpleExpr, Value};

use super::conditions::bounded;
use super::{EnumInput, IdFilter, MAX_FILTER_DEPTH, SEARCH_LENGTH};
use crate::error::{AppError, AppResult};

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

/// The `and`, `or` and `not` parts of a filter (declared by
/// [`list_filter!`](crate::list_filter)).
pub trait Nested: Sized {
    /// `and`, `or` and `not`, where given.
    fn nested(&self) -> (Option<&[Self]>, Option<&[Self]>, Option<&Self>);

    /// Whether `test` holds for this filter and every part nested in it, at
    /// any depth.
    fn throughout(&self, test: &impl Fn(&Self) -> bool) -> bool {
        let (and, or, not) = self.nested();
        test(self)
            && and.into_iter().flatten().all(|part| part.throughout(test))
            && or.into_iter().flatten().all(|part| part.throughout(test))
            && not.is_none_or(|part| part.throughout(test))
    }
}

/// A list's filter input: its own fields as a condition, combined with its
/// nested parts.
pub trait FilterInput: Nested {
    /// The condition of the filter's own fields (without `and`/`or`/`not`);
    /// `field` is the filter's input path, for errors.
    fn own(&self, field: &str) -> AppResult<Condition>;

    /// The whole filter's condition, at nesting `depth`.
    fn condition(&self, depth: usize, field: &str) -> AppResult<Condition> {
        let (and, or, not) = self.nested();
        combine(
            self.own(field)?,
            and,
            or,
            not,
            depth,
            field,
            |part, depth, field| part.condition(depth, field),
        )
    }
}

/// A filter input on one column, whose values it converts to the stored form.
pub trait ColumnFilter {
    /// The condition on `column`; `field` is the input path, for errors.
    fn on(&self, column: impl ColumnTrait, field: &str) -> AppResult<Condition>;
}

macro_rules! column_filters {
    ($($filter:ident),+) => {
        $(
            impl ColumnFilter for super::$filter {
                fn on(&self, column: impl ColumnTrait, field: &str) -> AppResult<Condition> {
                    self.condition(column, field)
                }
            }
        )+
    };
}

column_filters!(
    DateFilter,
    MoneyFilter,
    DecimalFilter,
    IntFilter,
    FinancialYearFilter,
    StringFilter
);

/// The conditions of a filter's own fields, added one field at a time:
/// each method names the input field (for errors) and how it maps to columns.
pub struct Conditions<'a> {
    path: &'a str,
    all: Condition,
}

impl<'a> Conditions<'a> {
    /// No conditions yet, for the filter at input path `path`.
    pub fn new(path: &'a str) -> Self {
        Conditions {
            path,
            all: Condition::all(),
        }
    }

    fn field(&self, name: &str) -> String {
        format!("{}.{name}", self.path)
    }

    /// `search`: a case-insensitive search in `columns`.
    pub fn search<C: ColumnTrait>(self, term: &Option<String>, columns: &[C]) -> AppResult<Self> {
        match term {
            Some(term) => {
                let columns: Vec<SimpleExpr> =
                    columns.iter().map(|c| c.into_simple_expr()).collect();
                let condition = search(term, &self.field("search"), &columns)?;
                Ok(self.and(condition))
            }
            None => Ok(self),
        }
    }

    /// A value filter (text, date, money, figure, number, year) on `column`.
    pub fn column(
        self,
        name: &str,
        filter: &Option<impl ColumnFilter>,
        column: impl ColumnTrait,
    ) -> AppResult<Self> {
        match filter {
            Some(filter) => {
                let condition = filter.on(column, &self.field(name))?;
                Ok(self.and(condition))
            }
            None => Ok(self),
        }
    }

    /// An id filter on the foreign-key `column` referencing `type_name` objects.
    pub fn id(
        self,
        name: &str,
        filter: &Option<IdFilter>,
        column: impl ColumnTrait,
        type_name: &str,
    ) -> AppResult<Self> {
        match filter {
            Some(filter) => {
                let condition = filter.condition(column, &self.field(name), type_name)?;
                Ok(self.and(condition))
            }
            None => Ok(self),
        }
    }

    /// An enum filter on `column`, which holds `stored(value)`.
    pub fn enumerated<F: EnumInput, S: Into<Value> + Clone>(
        self,
        name: &str,
        filter: &Option<F>,
        column: impl ColumnTrait,
        stored: impl Fn(F::Enum) -> S,
    ) -> AppResult<Self> {
        match filter {
            Some(filter) => {
                let condition = filter
                    .operators()
                    .condition(column, &self.field(name), stored)?;
                Ok(self.and(condition))
            }
            None => Ok(self),
        }
    }

    /// Any other filter: `condition` turns it, with its input path, into a condition.
    pub fn with<F>(
        self,
        name: &str,
        filter: &Option<F>,
        condition: impl FnOnce(&F, &str) -> AppResult<Condition>,
    ) -> AppResult<Self> {
        match filter {
            Some(filter) => {
                let condition = condition(filter, &self.field(name))?;
                Ok(self.and(condition))
            }
            None => Ok(self),
        }
    }

    /// Adds a condition.
    pub fn and(mut self, condition: impl IntoCondition) -> Self {
        self.all = self.all.add(condition);
        self
    }

    /// All the conditions added.
    pub fn done(self) -> AppResult<Condition> {
        Ok(self.all)
    }
}
