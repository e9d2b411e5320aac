//! Budgets and spend, by funding stream and financial year.
//!
//! The types themselves are declared in [`nodes`](super::nodes), where the
//! other areas find them; their fields are resolved here.

pub mod list;

use async_graphql::{Context, Enum, Object, ID};

use crate::graphql::ids::global_id;
use crate::graphql::nodes::{Budget, Contract, FundingStream, Service, SpendLine};
use crate::graphql::relations::{load_one, load_required};
use crate::graphql::scalars::{FinancialYearScalar, Provenance, ReportedAmount};

/// A quarter of a UK financial year.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quarter {
    /// April to June.
    Q1,
    /// July to September.
    Q2,
    /// October to December.
    Q3,
    /// January to March.
    Q4,
}

crate::filter_enum!(Quarter => QuarterFilter);

impl Quarter {
    /// The quarter stored as 1 to 4.
    pub fn from_number(n: i32) -> Option<Quarter> {
        match n {
            1 => Some(Quarter::Q1),
            2 => Some(Quarter::Q2),
            3 => Some(Quarter::Q3),
            4 => Some(Quarter::Q4),
            _ => None,
        }
    }
}

/// A funding stream's budget for one financial year.
#[Object]
impl Budget {
    /// The opaque global id.
    pub async fn id(&self) -> ID {
        global_id("Budget", self.0.id)
    }
    /// The record's version: raised by one on every change. Send it as
    /// `expectedVersion` when changing the record.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// The funding stream budgeted.
    async fn funding_stream(&self, ctx: &Context<'_>) -> async_graphql::Result<FundingStream> {
        Ok(FundingStream(
            load_required(ctx, |l| &l.funding_streams, self.0.funding_stream_id).await?,
        ))
    }
    /// The financial year budgeted.
    async fn financial_year(&self) -> Option<FinancialYearScalar> {
        FinancialYearScalar::from_start_year(self.0.financial_year)
    }
    /// The amount, as reported.
    async fn amount(&self) -> Option<ReportedAmount> {
        let b = &self.0;
        ReportedAmount::from_columns(Some(b.amount_pence), Some(b.qualifier), b.wording.as_ref())
    }
    /// Notes on the figure.
    async fn notes(&self) -> Option<&str> {
        self.0.notes.as_deref()
    }
    /// Where the facts come from, and which are illustrative.
    async fn provenance(&self) -> Provenance {
        Provenance::from_columns(
            &self.0.source,
            self.0.is_illustrative,
            &self.0.illustrative_fields,
        )
    }
}

/// Spend against a funding stream in a financial year (and, when known, a quarter).
#[Object]
impl SpendLine {
    /// The opaque global id.
    pub async fn id(&self) -> ID {
        global_id("SpendLine", self.0.id)
    }
    /// The funding stream spent from.
    async fn funding_stream(&self, ctx: &Context<'_>) -> async_graphql::Result<FundingStream> {
        Ok(FundingStream(
            load_required(ctx, |l| &l.funding_streams, self.0.funding_stream_id).await?,
        ))
    }
    /// The financial year of the spend.
    async fn financial_year(&self) -> Option<FinancialYearScalar> {
        FinancialYearScalar::from_start_year(self.0.financial_year)
    }
    /// The quarter of the spend; null when only the year is known.
    async fn quarter(&self) -> Option<Quarter> {
        self.0.quarter.and_then(Quarter::from_number)
    }
    /// The service the money was spent on, if recorded.
    async fn service(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Service>> {
        let Some(id) = self.0.service_id else {
            return Ok(None);
        };
        Ok(load_one(ctx, |l| &l.services, id).await?.map(Service))
    }
    /// The contract the money was spent under, if recorded.
    async fn contract(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Contract>> {
        let Some(id) = self.0.contract_id else {
            return Ok(None);
        };
        Ok(load_one(ctx, |l| &l.contracts, id).await?.map(Contract))
    }
    /// The amount, as reported.
    async fn amount(&self) -> Option<ReportedAmount> {
        let s = &self.0;
        ReportedAmount::from_columns(Some(s.amount_pence), Some(s.qualifier), s.wording.as_ref())
    }
    /// What the money was spent on.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// Where the facts come from, and which are illustrative.
    async fn provenance(&self) -> Provenance {
        Provenance::from_columns(
            &self.0.source,
            self.0.is_illustrative,
            &self.0.illustrative_fields,
        )
    }
}
