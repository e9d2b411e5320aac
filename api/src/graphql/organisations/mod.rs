//! Organisations (with their roles), areas and themes.
//!
//! The types themselves are declared in [`nodes`](super::nodes), where the
//! other areas find them; their fields are resolved here.

pub mod list;

use async_graphql::{Context, Enum, Object, ID};
use entity::organisation;
use sea_orm::ColumnTrait;

use crate::graphql::ids::global_id;
use crate::graphql::loaders::database;
use crate::graphql::nodes::{Area, Contract, Indicator, Organisation, Theme};
use crate::graphql::relations::{load_children, load_one};
use crate::graphql::scalars::{DateTime, Provenance};
use crate::store::fetch::one_where;

/// What kind of body an organisation is.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::enums::OrganisationKind")]
pub enum OrganisationKind {
    /// A public body such as a combined authority or a police and crime commissioner.
    PublicBody,
    /// An NHS body or service.
    Nhs,
    /// A police force or policing unit.
    Police,
    /// A registered charity.
    Charity,
    /// A company.
    Company,
    /// A partnership of several bodies (e.g. the region's commissioners).
    Partnership,
    /// A community group.
    CommunityGroup,
    /// A university.
    University,
}

crate::filter_enum!(OrganisationKind => OrganisationKindFilter);

/// A role an organisation plays; one organisation can play several.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::enums::Role")]
pub enum OrganisationRole {
    /// Commissions services.
    Commissioner,
    /// Delivers commissioned services.
    Provider,
    /// Works with a service without being paid to deliver it.
    Partner,
    /// Funds services or grants.
    Funder,
    /// Receives grants.
    GrantRecipient,
}

crate::filter_enum!(OrganisationRole => OrganisationRoleFilter);

/// The level of a geographic area.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::enums::AreaKind")]
pub enum AreaKind {
    /// A local-authority district (e.g. Calderdale).
    District,
    /// A county (e.g. West Yorkshire).
    County,
    /// A region (e.g. Yorkshire and the Humber).
    Region,
}

crate::filter_enum!(AreaKind => AreaKindFilter);

/// An organisation: a commissioner, provider, partner, funder or grant recipient.
#[Object]
impl Organisation {
    /// The opaque global id.
    pub async fn id(&self) -> ID {
        global_id("Organisation", self.0.id)
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
    /// The organisation's name (unique).
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// A short name or acronym, e.g. "WYCA".
    async fn short_name(&self) -> Option<&str> {
        self.0.short_name.as_deref()
    }
    /// What kind of body it is.
    async fn kind(&self) -> OrganisationKind {
        self.0.kind.into()
    }
    /// The roles it plays.
    async fn roles(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<OrganisationRole>> {
        let rows = load_children(ctx, |l| &l.roles_by_organisation, self.0.id).await?;
        Ok(rows.iter().map(|r| r.role.into()).collect())
    }
    /// The organisation it is part of (e.g. the VRP within the combined authority).
    async fn parent(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organisation>> {
        let Some(parent) = self.0.parent_id else {
            return Ok(None);
        };
        Ok(load_one(ctx, |l| &l.organisations, parent)
            .await?
            .map(Organisation))
    }
    /// What it is and does.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// Contracts it delivers as provider, by start date.
    async fn contracts_as_provider(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<Contract>> {
        let rows = load_children(ctx, |l| &l.contracts_by_provider, self.0.id).await?;
        Ok(rows.iter().cloned().map(Contract).collect())
    }
    /// Contracts it leads as commissioner, by start date.
    async fn contracts_as_lead_commissioner(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<Contract>> {
        let rows = load_children(ctx, |l| &l.contracts_by_lead, self.0.id).await?;
        Ok(rows.iter().cloned().map(Contract).collect())
    }
    /// Reach and outcome indicators about the organisation itself (e.g. a force's victim satisfaction).
    async fn indicators(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Indicator>> {
        let rows = load_children(ctx, |l| &l.indicators_by_organisation, self.0.id).await?;
        Ok(rows.iter().cloned().map(Indicator).collect())
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

/// A district, county or region.
#[Object]
impl Area {
    /// The opaque global id.
    pub async fn id(&self) -> ID {
        global_id("Area", self.0.id)
    }
    /// The area's name, e.g. "Calderdale".
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// District, county or region.
    async fn kind(&self) -> AreaKind {
        self.0.kind.into()
    }
    /// The area it lies in (a district's county, a county's region).
    async fn parent(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Area>> {
        let Some(parent) = self.0.parent_id else {
            return Ok(None);
        };
        Ok(load_one(ctx, |l| &l.areas, parent).await?.map(Area))
    }
}

/// A theme that services and grants address, e.g. "Domestic Abuse".
#[Object]
impl Theme {
    /// The opaque global id.
    pub async fn id(&self) -> ID {
        global_id("Theme", self.0.id)
    }
    /// The theme's name.
    async fn name(&self) -> &str {
        &self.0.name
    }
}

/// Queries about organisations, areas and themes.
#[derive(Default)]
pub struct OrganisationQuery;

/// Queries about organisations, areas and themes.
#[Object]
impl OrganisationQuery {
    /// The organisation with this exact name, if any.
    async fn organisation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organisation's exact name.")] name: String,
    ) -> async_graphql::Result<Option<Organisation>> {
        let found =
            one_where::<organisation::Entity>(database(ctx)?, organisation::Column::Name.eq(name))
                .await?;
        Ok(found.map(Organisation::from))
    }
}
