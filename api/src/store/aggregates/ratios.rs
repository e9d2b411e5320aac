//! The two sides of the ratios analysts ask for: spend against budget by
//! funding stream and year, and spend against an indicator's outcome for
//! the same subject and year. Each side comes from SQL aggregates; the
//! ratios themselves are domain rules (`crate::domain::aggregates`).

use std::collections::BTreeMap;

use entity::enums::Aggregation;
use entity::{budget, indicator, observation, spend_line};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::reach::{observation_financial_year, reach_totals, ReachFilter};
use super::spend::{related_to, spend_summary, spend_totals, SpendDim, SpendFilter, SpendRelation};
use super::{Measures, Wanted};
use crate::error::AppResult;

/// A funding stream's budget and spend in one financial year; either side
/// may be missing.
#[derive(Clone, Debug)]
pub struct Utilisation {
    /// The funding stream's id.
    pub funding_stream: i64,
    /// The financial year's start year.
    pub financial_year: i32,
    /// The budget recorded, if any.
    pub budget: Option<budget::Model>,
    /// The spend recorded, if any (`count` > 0).
    pub spend: Option<Measures>,
}

/// Budgets and spend by funding stream and year, for every (stream, year)
/// that has either. `budgets` is a condition on `budgets`, `spend` the same
/// filter on `spend_lines`. Ordered by stream id, then year.
pub async fn budget_utilisation(
    db: &impl ConnectionTrait,
    budgets: Condition,
    spend: Condition,
) -> AppResult<Vec<Utilisation>> {
    let mut pairs: BTreeMap<(i64, i32), Utilisation> = BTreeMap::new();
    // One row per stream and year (a unique key): a short list, not a fold.
    for b in budget::Entity::find().filter(budgets).all(db).await? {
        pairs.insert(
            (b.funding_stream_id, b.financial_year),
            Utilisation {
                funding_stream: b.funding_stream_id,
                financial_year: b.financial_year,
                budget: Some(b),
                spend: None,
            },
        );
    }
    let grouped = spend_summary(
        db,
        SpendFilter::lines(spend),
        &[SpendDim::FundingStream, SpendDim::FinancialYear],
        Wanted::ALL,
    );
    for group in grouped.await?.groups {
        let (Some(stream), Some(year)) = (group.key.funding_stream, group.key.financial_year)
        else {
            continue;
        };
        let year = i32::try_from(year).unwrap_or_default();
        pairs
            .entry((stream, year))
            .or_insert_with(|| Utilisation {
                funding_stream: stream,
                financial_year: year,
                budget: None,
                spend: None,
            })
            .spend = Some(group.measures);
    }
    Ok(pairs.into_values().collect())
}

/// The spend recorded for an indicator's subject in one financial year:
/// for a service, the spend lines whose effective service it is; for a
/// contract, the lines under it; for an organisation, the parts of lines
/// attributed to it by cost share. `None` for a grant round, which spend
/// lines do not record.
pub async fn subject_spend(
    db: &impl ConnectionTrait,
    subject: &indicator::Model,
    financial_year: i32,
) -> AppResult<Option<Measures>> {
    let year = Condition::all().add(spend_line::Column::FinancialYear.eq(financial_year));
    if let Some(service) = subject.service_id {
        let condition = year.add(related_to(SpendRelation::Service, &[service]));
        return Ok(Some(
            spend_totals(db, SpendFilter::lines(condition), Wanted::ALL).await?,
        ));
    }
    if let Some(contract) = subject.contract_id {
        let condition = year.add(spend_line::Column::ContractId.eq(contract));
        return Ok(Some(
            spend_totals(db, SpendFilter::lines(condition), Wanted::ALL).await?,
        ));
    }
    if let Some(organisation) = subject.organisation_id {
        let condition = year.add(related_to(SpendRelation::Commissioner, &[organisation]));
        let summary = spend_summary(
            db,
            SpendFilter::lines(condition),
            &[SpendDim::Commissioner],
            Wanted::ALL,
        )
        .await?;
        let mine = summary
            .groups
            .into_iter()
            .find(|g| g.key.commissioner == Some(organisation))
            .map(|g| g.measures)
            .unwrap_or_default();
        return Ok(Some(mine));
    }
    Ok(None)
}

/// An indicator's outcome in one financial year: the sum of its values over
/// periods within the year for an additive (`sum`) indicator, the value of
/// the latest such period otherwise. `count` is 0 when nothing was observed.
pub async fn indicator_outcome(
    db: &impl ConnectionTrait,
    subject: &indicator::Model,
    financial_year: i32,
) -> AppResult<Measures> {
    let in_year = Condition::all()
        .add(observation::Column::IndicatorId.eq(subject.id))
        .add(Expr::expr(observation_financial_year()).eq(financial_year));
    if subject.aggregation == Aggregation::Sum {
        return reach_totals(db, ReachFilter::observations(in_year), Wanted::ALL).await;
    }
    let latest = observation::Entity::find()
        .filter(in_year)
        .filter(observation::Column::ValueE4.is_not_null())
        .order_by_desc(observation::Column::PeriodEnd)
        .order_by_desc(observation::Column::Id)
        .one(db)
        .await?;
    Ok(match latest {
        Some(o) => {
            let value = o.value_e4.unwrap_or_default();
            let mut bounds = crate::domain::aggregates::BoundCounts::default();
            match o.qualifier {
                Some(entity::enums::Qualifier::Approximate) => bounds.approximate = 1,
                Some(entity::enums::Qualifier::AtLeast) => bounds.at_least = 1,
                Some(entity::enums::Qualifier::AtMost) => bounds.at_most = 1,
                _ => {}
            }
            Measures {
                sum: value,
                count: 1,
                min: Some(value),
                max: Some(value),
                bounds,
                wording: o.wording,
                not_additive: 1,
                units: 1,
            }
        }
        None => Measures::default(),
    })
}
