//! The `budgets` and `spendLines` lists, declared for the list engine
//! ([`crate::graphql::listing`]): their filters, orderings and fields.

use async_graphql::Enum;
use entity::{budget, spend_line};
use sea_orm::Condition;

use super::{Quarter, QuarterFilter};
use crate::error::AppResult;
use crate::graphql::filter::{
    Conditions, FilterInput, FinancialYearFilter, IdFilter, MoneyFilter, QualifierFilter,
};
use crate::graphql::nodes::{Budget, SpendLine};

/// A quarter as stored (1 to 4).
fn quarter_number(quarter: Quarter) -> i32 {
    match quarter {
        Quarter::Q1 => 1,
        Quarter::Q2 => 2,
        Quarter::Q3 => 3,
        Quarter::Q4 => 4,
    }
}

crate::list_filter! {
    /// Which budgets to list. Fields combine with AND; `and`, `or` and `not` nest
    /// at most four levels.
    pub struct BudgetFilter {
        /// The funding stream budgeted (`FundingStream` ids).
        pub funding_stream: Option<IdFilter>,
        /// The financial year budgeted.
        pub financial_year: Option<FinancialYearFilter>,
        /// The amount.
        pub amount: Option<MoneyFilter>,
        /// How exactly the amount is known.
        pub qualifier: Option<QualifierFilter>,
    }
}

impl FilterInput for BudgetFilter {
    fn own(&self, field: &str) -> AppResult<Condition> {
        use budget::Column as C;
        let qualifier = entity::enums::Qualifier::from;
        Conditions::new(field)
            .id(
                "fundingStream",
                &self.funding_stream,
                C::FundingStreamId,
                "FundingStream",
            )?
            .column("financialYear", &self.financial_year, C::FinancialYear)?
            .column("amount", &self.amount, C::AmountPence)?
            .enumerated("qualifier", &self.qualifier, C::Qualifier, qualifier)?
            .done()
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

crate::list_order! {
    /// One key of a budget ordering.
    pub struct BudgetOrder(BudgetOrderField);
}

crate::listing! {
    Budget(budget) {
        filter: BudgetFilter,
        order: BudgetOrder,
        sort: BudgetOrderField { Id => Id, FinancialYear => FinancialYear, Amount => AmountPence },
    }
}

crate::list_filter! {
    /// Which spend lines to list. Fields combine with AND; `and`, `or` and `not`
    /// nest at most four levels.
    pub struct SpendLineFilter {
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
}

impl FilterInput for SpendLineFilter {
    fn own(&self, field: &str) -> AppResult<Condition> {
        use spend_line::Column as C;
        let qualifier = entity::enums::Qualifier::from;
        Conditions::new(field)
            .id(
                "fundingStream",
                &self.funding_stream,
                C::FundingStreamId,
                "FundingStream",
            )?
            .column("financialYear", &self.financial_year, C::FinancialYear)?
            .enumerated("quarter", &self.quarter, C::Quarter, quarter_number)?
            .id("service", &self.service, C::ServiceId, "Service")?
            .id("contract", &self.contract, C::ContractId, "Contract")?
            .column("amount", &self.amount, C::AmountPence)?
            .enumerated("qualifier", &self.qualifier, C::Qualifier, qualifier)?
            .done()
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

crate::list_order! {
    /// One key of a spend line ordering.
    pub struct SpendLineOrder(SpendLineOrderField);
}

crate::listing! {
    SpendLine(spend_line) {
        filter: SpendLineFilter,
        order: SpendLineOrder,
        sort: SpendLineOrderField {
            Id => Id,
            FinancialYear => FinancialYear,
            Amount => AmountPence,
        },
    }
}

crate::list_query! {
    /// The `budgets` and `spendLines` lists.
    pub struct SpendListQuery;

    /// Budgets matching `filter`, sorted by `orderBy` (then by id, so pages
    /// never skip or repeat), a page at a time.
    fn budgets -> Budget { which: "Which budgets." }

    /// Spend lines matching `filter`, sorted by `orderBy` (then by id), a page
    /// at a time.
    fn spend_lines -> SpendLine { which: "Which spend lines." }
}
