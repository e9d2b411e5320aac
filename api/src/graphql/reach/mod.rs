//! Reach and outcome figures: indicators and their observations per period.
//!
//! The types themselves are declared in [`nodes`](super::nodes), where the
//! other areas find them; their fields are resolved here.

pub mod list;

use async_graphql::{Context, Enum, Lookahead, Object, ID};
use entity::indicator;
use futures::future::BoxFuture;
use sea_orm::ColumnTrait;

use crate::domain::FinancialYear;
use crate::error::AppResult;
use crate::graphql::ids::global_id;
use crate::graphql::loaders::{database, loaders};
use crate::graphql::nodes::{Contract, GrantRound, Indicator, Observation, Organisation, Service};
use crate::graphql::prepared::{Prepare, Prepared, Preparer, Row};
use crate::graphql::relations::{load_children, load_one, load_required};
use crate::graphql::scalars::{
    decimal_from_e4, Date, DecimalScalar, FinancialYearScalar, Provenance, Qualifier, ReportedValue,
};
use crate::store::fetch::one_where;

/// The unit of an indicator's values.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::enums::IndicatorUnit")]
pub enum IndicatorUnit {
    /// People (reached, trained, supported).
    People,
    /// A percentage from 0 to 100.
    Percent,
    /// Cases.
    Cases,
    /// Referrals.
    Referrals,
    /// A count of anything else.
    Count,
}

crate::filter_enum!(IndicatorUnit => IndicatorUnitFilter);

/// How an indicator's observations combine across periods and subjects.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::enums::Aggregation")]
pub enum Aggregation {
    /// Additive: values over disjoint periods add up (people reached per year).
    Sum,
    /// Not additive: only the latest value stands (a satisfaction rate, a caseload).
    Latest,
}

crate::filter_enum!(Aggregation => AggregationFilter);

/// A reach or outcome measure (young people reached, victim satisfaction...)
/// for one subject: a service, contract, grant round or organisation.
#[Object]
impl Indicator {
    /// The opaque global id.
    pub async fn id(&self) -> ID {
        global_id("Indicator", self.0.id)
    }
    /// A unique code, e.g. "VRP-YOUNG-PEOPLE-REACHED".
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// What is measured.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// More on the measure.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// The unit of its values.
    async fn unit(&self) -> IndicatorUnit {
        self.0.unit.into()
    }
    /// Whether values add up across periods (`SUM`) or only the latest stands (`LATEST`).
    async fn aggregation(&self) -> Aggregation {
        self.0.aggregation.into()
    }
    /// The service measured, if the subject is a service.
    async fn service(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Service>> {
        let Some(id) = self.0.service_id else {
            return Ok(None);
        };
        Ok(load_one(ctx, |l| &l.services, id).await?.map(Service))
    }
    /// The contract measured, if the subject is a contract.
    async fn contract(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Contract>> {
        let Some(id) = self.0.contract_id else {
            return Ok(None);
        };
        Ok(load_one(ctx, |l| &l.contracts, id).await?.map(Contract))
    }
    /// The grant round measured, if the subject is a grant round.
    async fn grant_round(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<GrantRound>> {
        let Some(id) = self.0.round_id else {
            return Ok(None);
        };
        Ok(load_one(ctx, |l| &l.grant_rounds, id)
            .await?
            .map(GrantRound))
    }
    /// The organisation measured, if the subject is an organisation.
    async fn organisation(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organisation>> {
        let Some(id) = self.0.organisation_id else {
            return Ok(None);
        };
        Ok(load_one(ctx, |l| &l.organisations, id)
            .await?
            .map(Organisation))
    }
    /// Its observations, oldest period first.
    async fn observations(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Observation>> {
        let rows = load_children(ctx, |l| &l.observations_by_indicator, self.0.id).await?;
        Ok(rows.iter().cloned().map(Observation).collect())
    }
    /// The observation with the latest period end, if any.
    async fn latest_observation(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<Observation>> {
        // The last of its observations, when the page loaded them all.
        let all = ctx.data_opt::<Prepared>().and_then(|prepared| {
            prepared.children(&loaders(ctx).ok()?.observations_by_indicator, self.0.id)
        });
        if let Some(rows) = all {
            return Ok(rows.last().cloned().map(Observation));
        }
        Ok(
            load_one(ctx, |l| &l.latest_observation_by_indicator, self.0.id)
                .await?
                .map(Observation),
        )
    }
}

/// Indicators listed with a page (a contract's, a service's) load the
/// observations of all of them in one statement when `observations` is
/// selected, else only the latest of each when `latestObservation` is.
impl Prepare for Indicator {
    type Entity = indicator::Entity;

    fn prepare<'a, 's: 'a>(
        with: Preparer<'a>,
        rows: &'a [Row<indicator::Entity>],
        selection: &'a Lookahead<'s>,
    ) -> BoxFuture<'a, AppResult<()>> {
        Box::pin(async move {
            let ids = rows.iter().map(|i| i.id);
            if selection.field("observations").exists() {
                with.children(&with.loaders.observations_by_indicator, ids)
                    .await?;
            } else if selection.field("latestObservation").exists() {
                with.rows(&with.loaders.latest_observation_by_indicator, ids)
                    .await?;
            }
            Ok(())
        })
    }
}

/// An indicator's value over one period, with its target and baseline.
#[Object]
impl Observation {
    /// The opaque global id.
    pub async fn id(&self) -> ID {
        global_id("Observation", self.0.id)
    }
    /// The indicator observed.
    async fn indicator(&self, ctx: &Context<'_>) -> async_graphql::Result<Indicator> {
        Ok(Indicator(
            load_required(ctx, |l| &l.indicators, self.0.indicator_id).await?,
        ))
    }
    /// The first day of the period (equal to `periodEnd` for a figure "as of" a day).
    async fn period_start(&self) -> Date {
        Date(self.0.period_start)
    }
    /// The last day of the period.
    async fn period_end(&self) -> Date {
        Date(self.0.period_end)
    }
    /// The financial year of the period, when it lies within one.
    async fn financial_year(&self) -> Option<FinancialYearScalar> {
        let year = FinancialYear::containing(self.0.period_start);
        year.contains(self.0.period_end)
            .then_some(FinancialYearScalar(year))
    }
    /// The observed value as reported; null when only a target is known.
    async fn value(&self) -> Option<ReportedValue> {
        Some(ReportedValue {
            value: decimal_from_e4(self.0.value_e4?),
            qualifier: self
                .0
                .qualifier
                .map(Qualifier::from)
                .unwrap_or(Qualifier::Exact),
            wording: self.0.wording.clone(),
        })
    }
    /// The target for the period, if any.
    async fn target(&self) -> Option<DecimalScalar> {
        self.0.target_e4.map(decimal_from_e4)
    }
    /// The baseline the period is compared with, if any.
    async fn baseline(&self) -> Option<DecimalScalar> {
        self.0.baseline_e4.map(decimal_from_e4)
    }
    /// Notes on the figure.
    async fn notes(&self) -> Option<&str> {
        self.0.notes.as_deref()
    }
    /// Where the figure comes from, and whether it is illustrative.
    async fn provenance(&self) -> Provenance {
        Provenance::from_columns(
            &self.0.source,
            self.0.is_illustrative,
            &self.0.illustrative_fields,
        )
    }
}

/// Queries about reach and outcomes.
#[derive(Default)]
pub struct ReachQuery;

/// Queries about reach and outcomes.
#[Object]
impl ReachQuery {
    /// The indicator with this code, if any.
    async fn indicator(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The indicator's code.")] code: String,
    ) -> async_graphql::Result<Option<Indicator>> {
        Ok(
            one_where::<indicator::Entity>(database(ctx)?, indicator::Column::Code.eq(code))
                .await?
                .map(Indicator::from),
        )
    }
}
