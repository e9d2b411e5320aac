//! `budgetUtilisation` and `costPerOutcome`: spend set against a budget, and
//! against an outcome. Each side says when it is missing; no ratio is
//! invented from figures of different years or subjects.

use async_graphql::{Context, Enum, InputObject, Object, SimpleObject};
use entity::{budget, indicator, spend_line};
use sea_orm::{ColumnTrait, Condition};

use super::{bound, count, qualifier, Ratio};
use crate::domain::aggregates::{cost_per_outcome, ratio, sum_bound, Bound};
use crate::error::AppError;
use crate::graphql::filter::{FinancialYearFilter, IdFilter};
use crate::graphql::loaders::{database, loaders};
use crate::graphql::nodes::{FundingStream, Indicator};
use crate::graphql::scalars::{
    decimal_from_e4, FinancialYearScalar, Money, ReportedAmount, ReportedValue,
};
use crate::store::aggregates::ratios::{
    budget_utilisation, indicator_outcome, subject_spend, Utilisation,
};
use crate::store::aggregates::Measures;
use crate::store::fetch::one_where;

/// Which funding streams and years `budgetUtilisation` covers.
#[derive(InputObject, Default)]
pub struct BudgetUtilisationFilter {
    /// The financial year.
    pub financial_year: Option<FinancialYearFilter>,
    /// The funding stream (`FundingStream` ids).
    pub funding_stream: Option<IdFilter>,
}

/// Why a ratio could not be computed.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum MissingFigure {
    /// No budget is recorded for the funding stream and year.
    NoBudget,
    /// The budget recorded is zero.
    ZeroBudget,
    /// No spend is recorded for the subject and year (spend lines record
    /// funding streams, services and contracts, never grant rounds, so a
    /// round's indicator never has spend).
    NoSpend,
    /// No value is observed for the indicator within the year.
    NoOutcome,
    /// The indicator is a percentage, not a count of outcomes.
    NotACount,
    /// The outcome is zero or negative: a cost per outcome means nothing.
    OutcomeNotPositive,
}

/// A summed amount with how exactly it is known, and the source's wording
/// when it is a single figure.
fn reported_sum(m: &Measures) -> Option<ReportedAmount> {
    (m.count > 0).then(|| ReportedAmount {
        money: Money::from_pence(m.sum),
        qualifier: qualifier(sum_bound(m.bounds)),
        wording: m.wording.clone(),
    })
}

/// A funding stream's spend set against its budget for one financial year.
#[derive(SimpleObject)]
pub struct BudgetUtilisation {
    /// The funding stream.
    pub funding_stream: FundingStream,
    /// The financial year.
    pub financial_year: Option<FinancialYearScalar>,
    /// The budget as recorded; null when none is.
    pub budget: Option<ReportedAmount>,
    /// The spend recorded against the stream in the year, summed, with how
    /// exactly it is known; null when no spend is recorded. Additive across
    /// streams and years.
    pub spend: Option<ReportedAmount>,
    /// How many spend lines make up `spend`.
    pub spend_lines_count: i32,
    /// Spend ÷ budget; null when either is missing or the budget is zero
    /// (see `missing`). Not additive; combine streams from their spend and
    /// budgets, never by adding ratios.
    pub utilisation: Option<Ratio>,
    /// What is missing for `utilisation`; empty when it is given.
    pub missing: Vec<MissingFigure>,
}

/// How much an outcome cost: spend on an indicator's subject in a year ÷
/// the indicator's outcome in the same year.
#[derive(SimpleObject)]
pub struct CostPerOutcome {
    /// The indicator measuring the outcome.
    pub indicator: Indicator,
    /// The financial year of both spend and outcome.
    pub financial_year: FinancialYearScalar,
    /// The spend recorded for the indicator's subject in the year: a
    /// service's spend lines (including those under its contracts), a
    /// contract's lines, or the parts of lines attributed to an
    /// organisation by cost share; null when none is recorded.
    pub spend: Option<ReportedAmount>,
    /// How many spend lines make up `spend`.
    pub spend_lines_count: i32,
    /// The outcome in the year: the sum of the values observed over periods
    /// within it for an additive (`SUM`) indicator, else the latest such
    /// value; null when none is observed.
    pub outcome: Option<ReportedValue>,
    /// How many observations make up `outcome`.
    pub observations_count: i32,
    /// Spend ÷ outcome, rounded half away from zero to the penny, `EXACT`
    /// only when both are exact and nothing was rounded (else
    /// `APPROXIMATE`); null when either side is missing (see `missing`).
    /// Not additive.
    pub cost_per_outcome: Option<ReportedAmount>,
    /// What is missing for `costPerOutcome`; empty when it is given.
    pub missing: Vec<MissingFigure>,
}

/// `budgetUtilisation` and `costPerOutcome`.
#[derive(Default)]
pub struct RatioQuery;

/// `budgetUtilisation` and `costPerOutcome`.
#[Object]
impl RatioQuery {
    /// Spend ÷ budget for every funding stream and financial year matching
    /// `filter` that has a budget or spend recorded, ordered by stream then
    /// year. A pair with only one side says which is missing rather than
    /// treat the other as zero.
    async fn budget_utilisation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which funding streams and years (default: all).")] filter: Option<
            BudgetUtilisationFilter,
        >,
    ) -> async_graphql::Result<Vec<BudgetUtilisation>> {
        let filter = filter.unwrap_or_default();
        let (mut budgets, mut spend) = (Condition::all(), Condition::all());
        if let Some(y) = &filter.financial_year {
            budgets =
                budgets.add(y.condition(budget::Column::FinancialYear, "filter.financialYear")?);
            spend =
                spend.add(y.condition(spend_line::Column::FinancialYear, "filter.financialYear")?);
        }
        if let Some(s) = &filter.funding_stream {
            let field = "filter.fundingStream";
            budgets = budgets.add(s.condition(
                budget::Column::FundingStreamId,
                field,
                "FundingStream",
            )?);
            spend = spend.add(s.condition(
                spend_line::Column::FundingStreamId,
                field,
                "FundingStream",
            )?);
        }
        let rows = budget_utilisation(database(ctx)?, budgets, spend).await?;
        // One batched load for every stream, not one per row.
        let ids: Vec<i64> = rows.iter().map(|r| r.funding_stream).collect();
        let streams = loaders(ctx)?.funding_streams.load_many(ids).await?;
        rows.into_iter()
            .map(|row| {
                let stream = streams.get(&row.funding_stream).cloned().ok_or_else(|| {
                    AppError::internal(format!("funding stream {} missing", row.funding_stream))
                })?;
                Ok(utilisation(row, FundingStream::from(stream)))
            })
            .collect()
    }

    /// The cost per unit of outcome for the indicator with code
    /// `indicatorCode` in `financialYear`, i.e. spend on its subject in that year
    /// ÷ its outcome in that same year. Figures of different years are never
    /// combined. The VRP's reach is reported for 2022-23 and its spend for
    /// 2023-24, so neither year has a cost per young person, and `missing`
    /// says which side each lacks. Null when no indicator has the code.
    async fn cost_per_outcome(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The indicator's code, e.g. \"VRP-YOUNG-PEOPLE-REACHED\".")]
        indicator_code: String,
        #[graphql(desc = "The financial year of both spend and outcome.")]
        financial_year: FinancialYearScalar,
    ) -> async_graphql::Result<Option<CostPerOutcome>> {
        let db = database(ctx)?;
        let Some(subject) =
            one_where::<indicator::Entity>(db, indicator::Column::Code.eq(indicator_code)).await?
        else {
            return Ok(None);
        };
        let year = financial_year.0.start_year();
        let spend = subject_spend(db, &subject, year).await?.unwrap_or_default();
        let outcome = indicator_outcome(db, &subject, year).await?;
        Ok(Some(cost(subject, financial_year, spend, outcome)))
    }
}

fn utilisation(row: Utilisation, stream: FundingStream) -> BudgetUtilisation {
    let spend = row.spend.unwrap_or_default();
    let mut missing = Vec::new();
    let budget = row.budget.as_ref();
    match budget {
        None => missing.push(MissingFigure::NoBudget),
        Some(b) if b.amount_pence == 0 => missing.push(MissingFigure::ZeroBudget),
        Some(_) => {}
    }
    if spend.count == 0 {
        missing.push(MissingFigure::NoSpend);
    }
    let ratio = match budget {
        Some(b) if missing.is_empty() => ratio(
            i128::from(spend.sum),
            sum_bound(spend.bounds),
            i128::from(b.amount_pence),
            bound(Some(b.qualifier)),
        ),
        _ => None,
    };
    BudgetUtilisation {
        funding_stream: stream,
        financial_year: FinancialYearScalar::from_start_year(row.financial_year),
        budget: budget.and_then(|b| {
            ReportedAmount::from_columns(
                Some(b.amount_pence),
                Some(b.qualifier),
                b.wording.as_ref(),
            )
        }),
        spend: reported_sum(&spend),
        spend_lines_count: count(spend.count),
        utilisation: ratio.map(Ratio::from),
        missing,
    }
}

fn cost(
    subject: indicator::Model,
    year: FinancialYearScalar,
    spend: Measures,
    outcome: Measures,
) -> CostPerOutcome {
    let mut missing = Vec::new();
    if spend.count == 0 {
        missing.push(MissingFigure::NoSpend);
    }
    if subject.unit == entity::enums::IndicatorUnit::Percent {
        missing.push(MissingFigure::NotACount);
    }
    if outcome.count == 0 {
        missing.push(MissingFigure::NoOutcome);
    } else if outcome.sum <= 0 {
        missing.push(MissingFigure::OutcomeNotPositive);
    }
    let outcome_bound: Bound = sum_bound(outcome.bounds);
    let unit_cost = if missing.is_empty() {
        cost_per_outcome(
            spend.sum,
            sum_bound(spend.bounds),
            outcome.sum,
            outcome_bound,
        )
    } else {
        None
    };
    CostPerOutcome {
        indicator: Indicator::from(subject),
        financial_year: year,
        spend: reported_sum(&spend),
        spend_lines_count: count(spend.count),
        outcome: (outcome.count > 0).then(|| ReportedValue {
            value: decimal_from_e4(outcome.sum),
            qualifier: qualifier(outcome_bound),
            wording: outcome.wording.clone(),
        }),
        observations_count: count(outcome.count),
        cost_per_outcome: unit_cost.map(|c| ReportedAmount {
            money: Money::from_pence(c.pence),
            qualifier: qualifier(c.bound),
            wording: None,
        }),
        missing,
    }
}
