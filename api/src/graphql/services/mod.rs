//! Services (what is commissioned) and funding streams.
//!
//! The types themselves are declared in [`nodes`](super::nodes), where the
//! other areas find them; their fields are resolved here.

pub mod list;

use async_graphql::{Context, Enum, Lookahead, Object, ID};
use entity::service;
use sea_orm::ColumnTrait;

use crate::error::AppResult;
use crate::graphql::ids::global_id;
use crate::graphql::loaders::database;
use crate::graphql::nodes::{
    Area, Budget, Contract, FundingStream, Indicator, Organisation, Service, SpendLine, Theme,
};
use crate::graphql::prepared::{Prepare, Preparer, Row};
use crate::graphql::relations::{load_children, load_linked, load_one};
use crate::graphql::scalars::{DateTime, Provenance};
use crate::store::fetch::one_where;
use futures::future::BoxFuture;

/// Where a service stands.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::enums::ServiceStatus")]
pub enum ServiceStatus {
    /// Planned or under discussion, not yet delivered.
    Proposed,
    /// Being delivered.
    Active,
    /// Being delivered while its continuation is reviewed.
    UnderReview,
    /// No longer delivered (or, for research, completed).
    Ended,
}

crate::filter_enum!(ServiceStatus => ServiceStatusFilter);

/// A commissioned service, e.g. the Adult Sexual Assault Referral Centre.
#[Object]
impl Service {
    /// The opaque global id.
    pub async fn id(&self) -> ID {
        global_id("Service", self.0.id)
    }
    /// The record's version: raised by one on every change. Send it as
    /// `expectedVersion` when changing the record.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// When the record was archived; null while it is in use.
    async fn archived_at(&self) -> Option<DateTime> {
        self.0.archived_at.map(DateTime)
    }
    /// Why the record was archived.
    async fn archive_reason(&self) -> Option<&str> {
        self.0.archive_reason.as_deref()
    }
    /// A short unique code, e.g. "SARC".
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// The service's name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// What the service does.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// Where the service stands.
    async fn status(&self) -> ServiceStatus {
        self.0.status.into()
    }
    /// The commissioning budget funding stream that pays for it.
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
    /// The programme this service is part of (e.g. an A&E Navigator within the VRP's interventions).
    async fn parent(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Service>> {
        let Some(id) = self.0.parent_id else {
            return Ok(None);
        };
        Ok(load_one(ctx, |l| &l.services, id).await?.map(Service))
    }
    /// The services that are part of this one.
    async fn parts(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Service>> {
        let rows = load_children(ctx, |l| &l.services_by_parent, self.0.id).await?;
        Ok(rows.iter().cloned().map(Service).collect())
    }
    /// The districts, counties or region it covers.
    async fn areas(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Area>> {
        let rows = load_linked(
            ctx,
            |l| &l.areas_by_service,
            self.0.id,
            |x| x.area_id,
            |l| &l.areas,
        )
        .await?;
        Ok(rows.into_iter().map(Area).collect())
    }
    /// The themes it addresses.
    async fn themes(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Theme>> {
        let rows = load_linked(
            ctx,
            |l| &l.themes_by_service,
            self.0.id,
            |x| x.theme_id,
            |l| &l.themes,
        )
        .await?;
        Ok(rows.into_iter().map(Theme).collect())
    }
    /// Partner organisations involved in delivering it.
    async fn partners(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Organisation>> {
        let rows = load_linked(
            ctx,
            |l| &l.partners_by_service,
            self.0.id,
            |x| x.organisation_id,
            |l| &l.organisations,
        )
        .await?;
        Ok(rows.into_iter().map(Organisation).collect())
    }
    /// Its contracts, by start date.
    async fn contracts(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Contract>> {
        let rows = load_children(ctx, |l| &l.contracts_by_service, self.0.id).await?;
        Ok(rows.iter().cloned().map(Contract).collect())
    }
    /// Its reach and outcome indicators.
    async fn indicators(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Indicator>> {
        let rows = load_children(ctx, |l| &l.indicators_by_service, self.0.id).await?;
        Ok(rows.iter().cloned().map(Indicator).collect())
    }
    /// Spend recorded against it, by financial year and quarter.
    async fn spend_lines(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<SpendLine>> {
        let rows = load_children(ctx, |l| &l.spend_by_service, self.0.id).await?;
        Ok(rows.iter().cloned().map(SpendLine).collect())
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

/// A commissioning budget funding stream, e.g. "Victims of Crime".
#[Object]
impl FundingStream {
    /// The opaque global id.
    pub async fn id(&self) -> ID {
        global_id("FundingStream", self.0.id)
    }
    /// The stream's name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// What the stream funds.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// Its budgets, by financial year.
    async fn budgets(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Budget>> {
        let rows = load_children(ctx, |l| &l.budgets_by_stream, self.0.id).await?;
        Ok(rows.iter().cloned().map(Budget).collect())
    }
}

/// Queries about services and funding streams.
#[derive(Default)]
pub struct ServiceQuery;

/// Queries about services and funding streams.
#[Object]
impl ServiceQuery {
    /// The service with this code (e.g. "SARC"), if any.
    async fn service(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The service's code.")] code: String,
    ) -> async_graphql::Result<Option<Service>> {
        Ok(
            one_where::<service::Entity>(database(ctx)?, service::Column::Code.eq(code))
                .await?
                .map(Service::from),
        )
    }
}

impl Prepare for Service {
    type Entity = service::Entity;

    fn prepare<'a, 's: 'a>(
        with: Preparer<'a>,
        rows: &'a [Row<service::Entity>],
        selection: &'a Lookahead<'s>,
    ) -> BoxFuture<'a, AppResult<()>> {
        Box::pin(async move {
            let l = with.loaders;
            let ids = || rows.iter().map(|s| s.id);
            let streams = async {
                if selection.field("fundingStream").exists() {
                    with.rows(
                        &l.funding_streams,
                        rows.iter().filter_map(|s| s.funding_stream_id),
                    )
                    .await?;
                }
                AppResult::Ok(())
            };
            let areas = async {
                if selection.field("areas").exists() {
                    let links = with.children(&l.areas_by_service, ids()).await?;
                    with.rows(&l.areas, links.iter().map(|x| x.area_id)).await?;
                }
                AppResult::Ok(())
            };
            let themes = async {
                if selection.field("themes").exists() {
                    let links = with.children(&l.themes_by_service, ids()).await?;
                    with.rows(&l.themes, links.iter().map(|x| x.theme_id))
                        .await?;
                }
                AppResult::Ok(())
            };
            let partners = async {
                if selection.field("partners").exists() {
                    let links = with.children(&l.partners_by_service, ids()).await?;
                    with.rows(&l.organisations, links.iter().map(|x| x.organisation_id))
                        .await?;
                }
                AppResult::Ok(())
            };
            let indicator_selection = selection.field("indicators");
            let indicators = async {
                if indicator_selection.exists() {
                    let indicators = with.children(&l.indicators_by_service, ids()).await?;
                    Indicator::prepare(with, &indicators, &indicator_selection).await?;
                }
                AppResult::Ok(())
            };
            futures::try_join!(streams, areas, themes, partners, indicators)?;
            Ok(())
        })
    }
}
