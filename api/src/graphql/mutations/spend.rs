//! `recordBudget`, `recordSpend`.

use async_graphql::{Context, InputObject, Object, ID};

use super::{as_writer, payload, refuse, settle, stored_qualifier, Ids};
use crate::graphql::loaders::database;
use crate::graphql::nodes::{Budget, SpendLine};
use crate::graphql::scalars::{DecimalScalar, FinancialYearScalar, Qualifier};
use crate::graphql::spend::Quarter;
use crate::store::writes::spend::{record_budget, record_spend, RecordBudget, RecordSpend};

/// A funding stream's budget for a financial year.
#[derive(InputObject)]
pub struct RecordBudgetInput {
    /// The funding stream (a `FundingStream` id).
    pub funding_stream_id: ID,
    /// The financial year (`"2023-24"`).
    pub financial_year: FinancialYearScalar,
    /// The amount in pounds, a string with at most two decimals.
    pub amount: DecimalScalar,
    /// How exactly the amount is known (default `EXACT`).
    pub qualifier: Option<Qualifier>,
    /// The source's words for the qualifier ("approximately").
    pub wording: Option<String>,
    /// Free notes.
    pub notes: Option<String>,
    /// To replace the budget recorded for this stream and year: the version
    /// you read. Leave it out to record a first budget; if one is already
    /// there, that is a `CONFLICT`.
    pub expected_version: Option<i32>,
}

/// A spend line: money spent from a funding stream in a year or quarter.
#[derive(InputObject)]
pub struct RecordSpendInput {
    /// The funding stream paying (a `FundingStream` id).
    pub funding_stream_id: ID,
    /// The financial year (`"2023-24"`).
    pub financial_year: FinancialYearScalar,
    /// The quarter, if the spend is quarterly.
    pub quarter: Option<Quarter>,
    /// The service the money was spent on (a `Service` id).
    pub service_id: Option<ID>,
    /// The contract the money was spent under (a `Contract` id); the spend
    /// is then attributed to the contract's paying organisations by its split.
    pub contract_id: Option<ID>,
    /// The amount in pounds, a string with at most two decimals.
    pub amount: DecimalScalar,
    /// How exactly the amount is known (default `EXACT`).
    pub qualifier: Option<Qualifier>,
    /// The source's words for the qualifier ("just under").
    pub wording: Option<String>,
    /// What the money was for.
    pub description: Option<String>,
}

payload!(
    /// The result of recording a budget.
    BudgetPayload { budget: Budget, "The budget as recorded; null when the change was refused." }
);

payload!(
    /// The result of recording spend.
    SpendLinePayload { spend_line: SpendLine, "The spend line as recorded; null when the change was refused." }
);

fn quarter_number(q: Quarter) -> u8 {
    match q {
        Quarter::Q1 => 1,
        Quarter::Q2 => 2,
        Quarter::Q3 => 3,
        Quarter::Q4 => 4,
    }
}

/// Mutations of budgets and spend.
#[derive(Default)]
pub struct SpendMutations;

/// Mutations of budgets and spend.
#[Object]
impl SpendMutations {
    /// Records (or, with `expectedVersion`, replaces) a funding stream's
    /// budget for a financial year. Admins only: funding streams belong to
    /// no single organisation.
    async fn record_budget(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The change, with every field described on its type.")]
        input: RecordBudgetInput,
    ) -> async_graphql::Result<BudgetPayload> {
        let mut ids = Ids::default();
        let funding_stream_id = ids.key(
            &input.funding_stream_id,
            "FundingStream",
            &["fundingStreamId"],
        );
        let record = match ids.finish(RecordBudget {
            funding_stream_id,
            financial_year: input.financial_year.0,
            amount: input.amount.0,
            qualifier: stored_qualifier(input.qualifier),
            wording: input.wording,
            notes: input.notes,
            expected_version: input.expected_version,
        }) {
            Ok(record) => record,
            Err(rejections) => return refuse(rejections),
        };
        let db = database(ctx)?;
        let result = as_writer!(ctx, |actor| record_budget(db, actor, record));
        settle(result, |row| BudgetPayload::done(Budget::from(row)))
    }

    /// Records a spend line. The owner of its contract (the lead
    /// commissioner) or service; admins for spend against a funding stream alone.
    async fn record_spend(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The change, with every field described on its type.")]
        input: RecordSpendInput,
    ) -> async_graphql::Result<SpendLinePayload> {
        let mut ids = Ids::default();
        let funding_stream_id = ids.key(
            &input.funding_stream_id,
            "FundingStream",
            &["fundingStreamId"],
        );
        let service_id = ids.optional(input.service_id.as_ref(), "Service", &["serviceId"]);
        let contract_id = ids.optional(input.contract_id.as_ref(), "Contract", &["contractId"]);
        let record = match ids.finish(RecordSpend {
            funding_stream_id,
            financial_year: input.financial_year.0,
            quarter: input.quarter.map(quarter_number),
            service_id,
            contract_id,
            amount: input.amount.0,
            qualifier: stored_qualifier(input.qualifier),
            wording: input.wording,
            description: input.description,
        }) {
            Ok(record) => record,
            Err(rejections) => return refuse(rejections),
        };
        let db = database(ctx)?;
        let result = as_writer!(ctx, |actor| record_spend(db, actor, record));
        settle(result, |row| SpendLinePayload::done(SpendLine::from(row)))
    }
}
