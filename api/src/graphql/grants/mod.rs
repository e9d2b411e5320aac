//! Grant programmes, their rounds and awards.
//!
//! The types themselves are declared in [`nodes`](super::nodes), where the
//! other areas find them; their fields are resolved here.

pub mod list;

use async_graphql::{Context, Object, ID};
use entity::grant_programme;
use sea_orm::ColumnTrait;

use crate::graphql::ids::global_id;
use crate::graphql::loaders::database;
use crate::graphql::nodes::{
    Area, FundingStream, GrantAward, GrantProgramme, GrantRound, Organisation, Theme,
};
use crate::graphql::relations::{load_children, load_linked, load_one, load_required};
use crate::graphql::scalars::{
    Date, FinancialYearScalar, Money, Provenance, Qualifier, ReportedAmount, ReportedCount,
};
use crate::store::fetch::one_where;

/// A grant programme, e.g. the Mayor's Safer Communities Fund.
#[Object]
impl GrantProgramme {
    /// The opaque global id.
    pub async fn id(&self) -> ID {
        global_id("GrantProgramme", self.0.id)
    }
    /// The programme's name (unique).
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// The organisation funding it.
    async fn funder(&self, ctx: &Context<'_>) -> async_graphql::Result<Organisation> {
        Ok(Organisation(
            load_required(ctx, |l| &l.organisations, self.0.funder_id).await?,
        ))
    }
    /// The funding stream it draws on.
    async fn funding_stream(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<FundingStream>> {
        let Some(id) = self.0.funding_stream_id else {
            return Ok(None);
        };
        Ok(load_one(ctx, |l| &l.funding_streams, id)
            .await?
            .map(FundingStream))
    }
    /// What it funds.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// Its rounds, by number.
    async fn rounds(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<GrantRound>> {
        let rows = load_children(ctx, |l| &l.rounds_by_programme, self.0.id).await?;
        Ok(rows.iter().cloned().map(GrantRound).collect())
    }
    /// The round with this number, if any.
    async fn round(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The round's number, e.g. 4.")] number: i32,
    ) -> async_graphql::Result<Option<GrantRound>> {
        let rows = load_children(ctx, |l| &l.rounds_by_programme, self.0.id).await?;
        Ok(rows
            .iter()
            .find(|r| r.number == number)
            .cloned()
            .map(GrantRound))
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

/// A round of a grant programme: a pot, a window for applications, awards.
#[Object]
impl GrantRound {
    /// The opaque global id.
    pub async fn id(&self) -> ID {
        global_id("GrantRound", self.0.id)
    }
    /// The programme it belongs to.
    async fn programme(&self, ctx: &Context<'_>) -> async_graphql::Result<GrantProgramme> {
        Ok(GrantProgramme(
            load_required(ctx, |l| &l.grant_programmes, self.0.programme_id).await?,
        ))
    }
    /// Its number within the programme.
    async fn number(&self) -> i32 {
        self.0.number
    }
    /// Its name, e.g. "Grant Round 4".
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// The money available to award.
    async fn pot(&self) -> Option<ReportedAmount> {
        let r = &self.0;
        ReportedAmount::from_columns(r.pot_pence, r.pot_qualifier, r.pot_wording.as_ref())
    }
    /// The day it opened for applications.
    async fn opens_on(&self) -> Option<Date> {
        self.0.opens_on.map(Date)
    }
    /// The day it closed for applications.
    async fn closes_on(&self) -> Option<Date> {
        self.0.closes_on.map(Date)
    }
    /// The day its grants were awarded.
    async fn awarded_on(&self) -> Option<Date> {
        self.0.awarded_on.map(Date)
    }
    /// How many applications it received, as reported.
    async fn applications_received(&self) -> Option<ReportedCount> {
        let r = &self.0;
        Some(ReportedCount {
            value: r.applications_received?,
            qualifier: r
                .applications_qualifier
                .map(Qualifier::from)
                .unwrap_or(Qualifier::Exact),
            wording: r.applications_wording.clone(),
        })
    }
    /// The total amount the applications requested, as reported.
    async fn amount_requested(&self) -> Option<ReportedAmount> {
        let r = &self.0;
        ReportedAmount::from_columns(
            r.amount_requested_pence,
            r.amount_requested_qualifier,
            r.amount_requested_wording.as_ref(),
        )
    }
    /// The number of projects awarded, as reported in total (a report may give
    /// the total without listing every award; see `awards` for those recorded).
    async fn reported_awards_count(&self) -> Option<i32> {
        self.0.reported_awards_count
    }
    /// The total awarded, as reported in total (see `awards` for those recorded).
    async fn reported_awarded_total(&self) -> Option<Money> {
        self.0.reported_awarded_pence.map(Money::from_pence)
    }
    /// The themes the round funds.
    async fn themes(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Theme>> {
        let rows = load_linked(
            ctx,
            |l| &l.themes_by_round,
            self.0.id,
            |x| x.theme_id,
            |l| &l.themes,
        )
        .await?;
        Ok(rows.into_iter().map(Theme).collect())
    }
    /// The awards recorded for this round, in the order recorded.
    async fn awards(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<GrantAward>> {
        let rows = load_children(ctx, |l| &l.awards_by_round, self.0.id).await?;
        Ok(rows.iter().cloned().map(GrantAward).collect())
    }
    /// The round in figures: pot, awarded total and remaining, awards
    /// count, applications and amount requested, oversubscription, success
    /// rate, and awards by district and by theme (from the awards recorded).
    async fn summary(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<crate::graphql::aggregates::rounds::GrantRoundSummary> {
        use crate::graphql::aggregates::rounds::GrantRoundSummary;
        Ok(GrantRoundSummary::load(ctx, (*self.0).clone()).await?)
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

/// A grant awarded to a recipient for a project.
#[Object]
impl GrantAward {
    /// The opaque global id.
    pub async fn id(&self) -> ID {
        global_id("GrantAward", self.0.id)
    }
    /// The round it was awarded in.
    async fn round(&self, ctx: &Context<'_>) -> async_graphql::Result<GrantRound> {
        Ok(GrantRound(
            load_required(ctx, |l| &l.grant_rounds, self.0.round_id).await?,
        ))
    }
    /// The organisation receiving it.
    async fn recipient(&self, ctx: &Context<'_>) -> async_graphql::Result<Organisation> {
        Ok(Organisation(
            load_required(ctx, |l| &l.organisations, self.0.recipient_id).await?,
        ))
    }
    /// A partner delivering the project with the recipient, if any.
    async fn partner(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organisation>> {
        let Some(id) = self.0.partner_id else {
            return Ok(None);
        };
        Ok(load_one(ctx, |l| &l.organisations, id)
            .await?
            .map(Organisation))
    }
    /// The project's name.
    async fn project_name(&self) -> &str {
        &self.0.project_name
    }
    /// What the project does.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// The amount awarded.
    async fn amount(&self) -> Money {
        Money::from_pence(self.0.amount_pence)
    }
    /// The day it was awarded, if known.
    async fn awarded_on(&self) -> Option<Date> {
        self.0.awarded_on.map(Date)
    }
    /// The financial year it was awarded in, if the date is known.
    async fn financial_year(&self) -> Option<FinancialYearScalar> {
        self.0
            .awarded_on
            .map(|d| FinancialYearScalar(crate::domain::FinancialYear::containing(d)))
    }
    /// The districts or wider areas the project covers.
    async fn areas(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Area>> {
        let rows = load_linked(
            ctx,
            |l| &l.areas_by_award,
            self.0.id,
            |x| x.area_id,
            |l| &l.areas,
        )
        .await?;
        Ok(rows.into_iter().map(Area).collect())
    }
    /// The themes the project addresses.
    async fn themes(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Theme>> {
        let rows = load_linked(
            ctx,
            |l| &l.themes_by_award,
            self.0.id,
            |x| x.theme_id,
            |l| &l.themes,
        )
        .await?;
        Ok(rows.into_iter().map(Theme).collect())
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

/// Queries about grants.
#[derive(Default)]
pub struct GrantQuery;

/// Queries about grants.
#[Object]
impl GrantQuery {
    /// The grant programme with this exact name, if any.
    async fn grant_programme(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The programme's exact name.")] name: String,
    ) -> async_graphql::Result<Option<GrantProgramme>> {
        Ok(one_where::<grant_programme::Entity>(
            database(ctx)?,
            grant_programme::Column::Name.eq(name),
        )
        .await?
        .map(GrantProgramme::from))
    }
}
