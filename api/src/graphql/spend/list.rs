//! Listing budgets and spend lines: the filters, the orderings and the queries.

use async_graphql::{Context, Enum, InputObject, Object};
use entity::{budget, spend_line};
use sea_orm::Condition;

use super::{Budget, Quarter, QuarterFilter, SpendLine};
use crate::error::AppResult;
use crate::graphql::filter::{
    combine, FinancialYearFilter, IdFilter, MoneyFilter, OrderDirection, QualifierFilter,
};
use crate::graphql::pagination::{keyset_page, KeyValue, Page, PageRequest, SortKey};

/// A quarter as stored (1 to 4).
fn quarter_number(quarter: Quarter) -> i32 {
    match quarter {
        Quarter::Q1 => 1,
        Quarter::Q2 => 2,
        Quarter::Q3 => 3,
        Quarter::Q4 => 4,
    }
}

/// Which budgets to list. Fields combine with AND; `and`, `or` and `not` nest
/// at most four levels.
#[derive(InputObject, Default)]
pub struct BudgetFilter {
    /// All of these filters.
    pub and: Option<Vec<BudgetFilter>>,
    /// Any of these filters.
    pub or: Option<Vec<BudgetFilter>>,
    /// Not this filter.
    pub not: Option<Box<BudgetFilter>>,
    /// The funding stream budgeted (`FundingStream` ids).
    pub funding_stream: Option<IdFilter>,
    /// The financial year budgeted.
    pub financial_year: Option<FinancialYearFilter>,
    /// The amount.
    pub amount: Option<MoneyFilter>,
    /// How exactly the amount is known.
    pub qualifier: Option<QualifierFilter>,
}

impl BudgetFilter {
    /// The SQL condition of this filter; `field` is its input path for errors.
    pub fn condition(&self, depth: usize, field: &str) -> AppResult<Condition> {
        use budget::Column as C;
        let f = |name: &str| format!("{field}.{name}");
        let mut own = Condition::all();
        if let Some(x) = &self.funding_stream {
            own = own.add(x.condition(C::FundingStreamId, &f("fundingStream"), "FundingStream")?);
        }
        if let Some(x) = &self.financial_year {
            own = own.add(x.condition(C::FinancialYear, &f("financialYear"))?);
        }
        if let Some(x) = &self.amount {
            own = own.add(x.condition(C::AmountPence, &f("amount"))?);
        }
        if let Some(x) = &self.qualifier {
            own = own.add(x.condition(
                C::Qualifier,
                &f("qualifier"),
                entity::enums::Qualifier::from,
            )?);
        }
        combine(
            own,
            self.and.as_deref(),
            self.or.as_deref(),
            self.not.as_deref(),
            depth,
            field,
            |part, depth, field| part.condition(depth, field),
        )
    }
}

/// What budgets can be sorted by.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum BudgetOrderField {
    /// The id (creation order).
    Id,
    /// The financial year.
    FinancialYear,
    /// The amount.
    Amount,
}

/// One key of a budget ordering.
#[derive(InputObject, Clone, Copy)]
pub struct BudgetOrder {
    /// The field to sort by.
    pub field: BudgetOrderField,
    /// The direction (default ascending).
    #[graphql(default)]
    pub direction: OrderDirection,
}

fn budget_key(field: BudgetOrderField) -> SortKey<budget::Entity> {
    use budget::Column as C;
    match field {
        BudgetOrderField::Id => SortKey {
            column: C::Id,
            name: "ID",
            value: |r| KeyValue::I(r.id),
        },
        BudgetOrderField::FinancialYear => SortKey {
            column: C::FinancialYear,
            name: "FINANCIAL_YEAR",
            value: |r| KeyValue::I(r.financial_year.into()),
        },
        BudgetOrderField::Amount => SortKey {
            column: C::AmountPence,
            name: "AMOUNT",
            value: |r| KeyValue::I(r.amount_pence),
        },
    }
}

/// Which spend lines to list. Fields combine with AND; `and`, `or` and `not`
/// nest at most four levels.
#[derive(InputObject, Default)]
pub struct SpendLineFilter {
    /// All of these filters.
    pub and: Option<Vec<SpendLineFilter>>,
    /// Any of these filters.
    pub or: Option<Vec<SpendLineFilter>>,
    /// Not this filter.
    pub not: Option<Box<SpendLineFilter>>,
    /// The funding stream spent from (`FundingStream` ids).
    pub funding_stream: Option<IdFilter>,
    /// The financial year of the spend.
    pub financial_year: Option<FinancialYearFilter>,
    /// The quarter of the spend (lines giving only the year match none).
    pub quarter: Option<QuarterFilter>,
    /// The service the money was spent on (`Service` ids).
    pub service: Option<IdFilter>,
    /// The contract the money was spent under (`Contract` ids).
    pub contract: Option<IdFilter>,
    /// The amount.
    pub amount: Option<MoneyFilter>,
    /// How exactly the amount is known.
    pub qualifier: Option<QualifierFilter>,
}

impl SpendLineFilter {
    /// The SQL condition of this filter; `field` is its input path for errors.
    pub fn condition(&self, depth: usize, field: &str) -> AppResult<Condition> {
        use spend_line::Column as C;
        let f = |name: &str| format!("{field}.{name}");
        let mut own = Condition::all();
        if let Some(x) = &self.funding_stream {
            own = own.add(x.condition(C::FundingStreamId, &f("fundingStream"), "FundingStream")?);
        }
        if let Some(x) = &self.financial_year {
            own = own.add(x.condition(C::FinancialYear, &f("financialYear"))?);
        }
        if let Some(x) = &self.quarter {
            own = own.add(x.condition(C::Quarter, &f("quarter"), quarter_number)?);
        }
        if let Some(x) = &self.service {
            own = own.add(x.condition(C::ServiceId, &f("service"), "Service")?);
        }
        if let Some(x) = &self.contract {
            own = own.add(x.condition(C::ContractId, &f("contract"), "Contract")?);
        }
        if let Some(x) = &self.amount {
            own = own.add(x.condition(C::AmountPence, &f("amount"))?);
        }
        if let Some(x) = &self.qualifier {
            own = own.add(x.condition(
                C::Qualifier,
                &f("qualifier"),
                entity::enums::Qualifier::from,
            )?);
        }
        combine(
            own,
            self.and.as_deref(),
            self.or.as_deref(),
            self.not.as_deref(),
            depth,
            field,
            |part, depth, field| part.condition(depth, field),
        )
    }
}

/// What spend lines can be sorted by.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpendLineOrderField {
    /// The id (creation order).
    Id,
    /// The financial year.
    FinancialYear,
    /// The amount.
    Amount,
}

/// One key of a spend line ordering.
#[derive(InputObject, Clone, Copy)]
pub struct SpendLineOrder {
    /// The field to sort by.
    pub field: SpendLineOrderField,
    /// The direction (default ascending).
    #[graphql(default)]
    pub direction: OrderDirection,
}

fn spend_line_key(field: SpendLineOrderField) -> SortKey<spend_line::Entity> {
    use spend_line::Column as C;
    match field {
        SpendLineOrderField::Id => SortKey {
            column: C::Id,
            name: "ID",
            value: |r| KeyValue::I(r.id),
        },
        SpendLineOrderField::FinancialYear => SortKey {
            column: C::FinancialYear,
            name: "FINANCIAL_YEAR",
            value: |r| KeyValue::I(r.financial_year.into()),
        },
        SpendLineOrderField::Amount => SortKey {
            column: C::AmountPence,
            name: "AMOUNT",
            value: |r| KeyValue::I(r.amount_pence),
        },
    }
}

/// The `budgets` and `spendLines` lists.
#[derive(Default)]
pub struct SpendListQuery;

/// The `budgets` and `spendLines` lists.
#[Object]
impl SpendListQuery {
    /// Budgets matching `filter`, sorted by `orderBy` (then by id, so pages
    /// never skip or repeat), a page at a time.
    async fn budgets(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which budgets.")] filter: Option<BudgetFilter>,
        #[graphql(desc = "Sort keys, in order; the id always ends the ordering.")] order_by: Option<
            Vec<BudgetOrder>,
        >,
        #[graphql(desc = "Page size, 1 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor.")] after: Option<String>,
    ) -> async_graphql::Result<Page<Budget>> {
        let condition = match &filter {
            Some(filter) => filter.condition(0, "filter")?,
            None => Condition::all(),
        };
        let order = order_by
            .unwrap_or_default()
            .into_iter()
            .map(|o| (budget_key(o.field), o.direction))
            .collect();
        let request = PageRequest {
            condition,
            order,
            first,
            after,
        };
        Ok(keyset_page(ctx, budget_key(BudgetOrderField::Id), request, Budget).await?)
    }

    /// Spend lines matching `filter`, sorted by `orderBy` (then by id), a page
    /// at a time.
    async fn spend_lines(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which spend lines.")] filter: Option<SpendLineFilter>,
        #[graphql(desc = "Sort keys, in order; the id always ends the ordering.")] order_by: Option<
            Vec<SpendLineOrder>,
        >,
        #[graphql(desc = "Page size, 1 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor.")] after: Option<String>,
    ) -> async_graphql::Result<Page<SpendLine>> {
        let condition = match &filter {
            Some(filter) => filter.condition(0, "filter")?,
            None => Condition::all(),
        };
        let order = order_by
            .unwrap_or_default()
            .into_iter()
            .map(|o| (spend_line_key(o.field), o.direction))
            .collect();
        let request = PageRequest {
            condition,
            order,
            first,
            after,
        };
        let id = spend_line_key(SpendLineOrderField::Id);
        Ok(keyset_page(ctx, id, request, SpendLine).await?)
    }
}
