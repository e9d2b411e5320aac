//! Global object identity: every object has an opaque `ID` (base64 of
//! `Type:id`) that `node(id:)` resolves, whatever its type.

use async_graphql::{Context, Interface, Object, ID};

use crate::error::AppResult;
use crate::graphql::nodes::{
    Area, Budget, Contract, CostShare, ExtensionOption, FundingStream, GrantAward, GrantProgramme,
    GrantRound, Indicator, Observation, Organisation, Service, SpendLine, Theme,
};
use crate::graphql::relations::load_one;

pub use crate::graphql::ids::{global_id, parse_global_id};

/// Any object with a global id.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "The object's opaque global id."))]
#[allow(clippy::large_enum_variant)]
pub enum Node {
    /// An organisation.
    Organisation(Organisation),
    /// An area.
    Area(Area),
    /// A theme.
    Theme(Theme),
    /// A funding stream.
    FundingStream(FundingStream),
    /// A service.
    Service(Service),
    /// A contract.
    Contract(Contract),
    /// An extension option.
    ExtensionOption(ExtensionOption),
    /// A cost share.
    CostShare(CostShare),
    /// A grant programme.
    GrantProgramme(GrantProgramme),
    /// A grant round.
    GrantRound(GrantRound),
    /// A grant award.
    GrantAward(GrantAward),
    /// A budget.
    Budget(Budget),
    /// A spend line.
    SpendLine(SpendLine),
    /// An indicator.
    Indicator(Indicator),
    /// An observation.
    Observation(Observation),
}

/// Resolves a global id to its object, or `None` when no such object exists.
pub async fn resolve_node(ctx: &Context<'_>, id: &str) -> AppResult<Option<Node>> {
    use entity::*;
    use sea_orm::EntityTrait;
    let (type_name, key) = parse_global_id(id)?;
    let db = crate::graphql::loaders::database(ctx)?;
    Ok(match type_name.as_str() {
        "Organisation" => load_one(ctx, |l| &l.organisations, key)
            .await?
            .map(|m| Node::Organisation(Organisation(m))),
        "Area" => load_one(ctx, |l| &l.areas, key)
            .await?
            .map(|m| Node::Area(Area(m))),
        "Theme" => load_one(ctx, |l| &l.themes, key)
            .await?
            .map(|m| Node::Theme(Theme(m))),
        "FundingStream" => load_one(ctx, |l| &l.funding_streams, key)
            .await?
            .map(|m| Node::FundingStream(FundingStream(m))),
        "Service" => load_one(ctx, |l| &l.services, key)
            .await?
            .map(|m| Node::Service(Service(m))),
        "Contract" => load_one(ctx, |l| &l.contracts, key)
            .await?
            .map(|m| Node::Contract(Contract(m))),
        "GrantProgramme" => load_one(ctx, |l| &l.grant_programmes, key)
            .await?
            .map(|m| Node::GrantProgramme(GrantProgramme(m))),
        "GrantRound" => load_one(ctx, |l| &l.grant_rounds, key)
            .await?
            .map(|m| Node::GrantRound(GrantRound(m))),
        "Indicator" => load_one(ctx, |l| &l.indicators, key)
            .await?
            .map(|m| Node::Indicator(Indicator(m))),
        // Rarely fetched alone: a direct lookup rather than a loader each.
        "ExtensionOption" => extension_option::Entity::find_by_id(key)
            .one(db)
            .await?
            .map(|m| Node::ExtensionOption(ExtensionOption::from(m))),
        "CostShare" => cost_share::Entity::find_by_id(key)
            .one(db)
            .await?
            .map(|m| Node::CostShare(CostShare::alone(m))),
        "GrantAward" => grant_award::Entity::find_by_id(key)
            .one(db)
            .await?
            .map(|m| Node::GrantAward(GrantAward::from(m))),
        "Budget" => budget::Entity::find_by_id(key)
            .one(db)
            .await?
            .map(|m| Node::Budget(Budget::from(m))),
        "SpendLine" => spend_line::Entity::find_by_id(key)
            .one(db)
            .await?
            .map(|m| Node::SpendLine(SpendLine::from(m))),
        "Observation" => observation::Entity::find_by_id(key)
            .one(db)
            .await?
            .map(|m| Node::Observation(Observation::from(m))),
        _ => None,
    })
}

/// The `node` and `nodes` queries.
#[derive(Default)]
pub struct NodeQuery;

/// The `node` and `nodes` queries.
#[Object]
impl NodeQuery {
    /// Fetches any object by its global id; null when it does not exist.
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A global id.")] id: ID,
    ) -> async_graphql::Result<Option<Node>> {
        Ok(resolve_node(ctx, &id).await?)
    }
}
