//! One DataLoader per relation, built once with the schema and shared by all
//! requests: concurrent requests' lookups are batched into one `IN (...)`
//! query. The loaders keep no cache, so a write is visible to the next read.
//! They only serve data that is the same for every caller.

use std::sync::Arc;
use std::time::Duration;

use async_graphql::dataloader::DataLoader;
use async_graphql::Context;
use entity::*;
use sea_orm::DatabaseConnection;

use crate::error::{AppError, AppResult};
use crate::store::cache::ResultCache;
use crate::store::fetch::{ById, ByParent};

/// A loader by id.
pub type Ids<E> = DataLoader<ById<E>>;
/// A loader of children by parent id.
pub type Children<E> = DataLoader<ByParent<E>>;

/// Every loader of the schema.
pub struct Loaders {
    /// Organisations by id.
    pub organisations: Ids<organisation::Entity>,
    /// An organisation's roles.
    pub roles_by_organisation: Children<organisation_role::Entity>,
    /// Areas by id.
    pub areas: Ids<area::Entity>,
    /// Themes by id.
    pub themes: Ids<theme::Entity>,
    /// Funding streams by id.
    pub funding_streams: Ids<funding_stream::Entity>,
    /// Services by id.
    pub services: Ids<service::Entity>,
    /// A service's sub-services.
    pub services_by_parent: Children<service::Entity>,
    /// A service's areas (join rows).
    pub areas_by_service: Children<service_area::Entity>,
    /// A service's themes (join rows).
    pub themes_by_service: Children<service_theme::Entity>,
    /// A service's partners (join rows).
    pub partners_by_service: Children<service_partner::Entity>,
    /// Contracts by id.
    pub contracts: Ids<contract::Entity>,
    /// A service's contracts.
    pub contracts_by_service: Children<contract::Entity>,
    /// The contracts an organisation provides.
    pub contracts_by_provider: Children<contract::Entity>,
    /// The contracts an organisation leads as commissioner.
    pub contracts_by_lead: Children<contract::Entity>,
    /// A contract's extension options, in sequence.
    pub options_by_contract: Children<extension_option::Entity>,
    /// Every cost share of a contract (all levels), in position order.
    pub shares_by_contract: Children<cost_share::Entity>,
    /// Grant programmes by id.
    pub grant_programmes: Ids<grant_programme::Entity>,
    /// Grant rounds by id.
    pub grant_rounds: Ids<grant_round::Entity>,
    /// A programme's rounds.
    pub rounds_by_programme: Children<grant_round::Entity>,
    /// A round's themes (join rows).
    pub themes_by_round: Children<grant_round_theme::Entity>,
    /// A round's awards.
    pub awards_by_round: Children<grant_award::Entity>,
    /// An award's areas (join rows).
    pub areas_by_award: Children<grant_award_area::Entity>,
    /// An award's themes (join rows).
    pub themes_by_award: Children<grant_award_theme::Entity>,
    /// A funding stream's budgets.
    pub budgets_by_stream: Children<budget::Entity>,
    /// Indicators by id.
    pub indicators: Ids<indicator::Entity>,
    /// A service's indicators.
    pub indicators_by_service: Children<indicator::Entity>,
    /// A contract's indicators.
    pub indicators_by_contract: Children<indicator::Entity>,
    /// A grant round's indicators.
    pub indicators_by_round: Children<indicator::Entity>,
    /// An organisation's indicators.
    pub indicators_by_organisation: Children<indicator::Entity>,
    /// An indicator's observations, oldest period first.
    pub observations_by_indicator: Children<observation::Entity>,
    /// An indicator's latest observation (the last of `observations_by_indicator`).
    pub latest_observation_by_indicator: Ids<observation::Entity>,
    /// A service's spend lines.
    pub spend_by_service: Children<spend_line::Entity>,
}

fn ids<E>(db: &DatabaseConnection, delay: Duration, id: E::Column) -> Ids<E>
where
    E: sea_orm::EntityTrait,
    E::Model: crate::store::fetch::Keyed + Clone + Send + Sync,
{
    DataLoader::new(ById::new(db.clone(), id), tokio::spawn).delay(delay)
}

fn children<E>(
    db: &DatabaseConnection,
    delay: Duration,
    parent: E::Column,
    parent_of: fn(&E::Model) -> Option<i64>,
    order: Vec<E::Column>,
) -> Children<E>
where
    E: sea_orm::EntityTrait,
    E::Model: Clone + Send + Sync,
{
    DataLoader::new(
        ByParent::new(db.clone(), parent, parent_of, order),
        tokio::spawn,
    )
    .delay(delay)
}

impl Loaders {
    /// Builds every loader on one connection pool, each batching the keys
    /// that arrive within `delay`.
    pub fn new(db: &DatabaseConnection, delay: Duration) -> Self {
        use entity::{
            area as a, budget as b, contract as c, cost_share as cs, extension_option as eo,
            funding_stream as fs, grant_award as ga, grant_award_area as gaa,
            grant_award_theme as gat, grant_programme as gp, grant_round as gr,
            grant_round_theme as grt, indicator as i, observation as ob, organisation as o,
            organisation_role as or, service as s, service_area as sa, service_partner as sp,
            service_theme as st, spend_line as sl, theme as t,
        };
        Loaders {
            organisations: ids(db, delay, o::Column::Id),
            roles_by_organisation: children::<or::Entity>(
                db,
                delay,
                or::Column::OrganisationId,
                |m| Some(m.organisation_id),
                vec![or::Column::Role],
            ),
            areas: ids(db, delay, a::Column::Id),
            themes: ids(db, delay, t::Column::Id),
            funding_streams: ids(db, delay, fs::Column::Id),
            services: ids(db, delay, s::Column::Id),
            services_by_parent: children::<s::Entity>(
                db,
                delay,
                s::Column::ParentId,
                |m| m.parent_id,
                vec![s::Column::Id],
            ),
            areas_by_service: children::<sa::Entity>(
                db,
                delay,
                sa::Column::ServiceId,
                |m| Some(m.service_id),
                vec![sa::Column::AreaId],
            ),
            themes_by_service: children::<st::Entity>(
                db,
                delay,
                st::Column::ServiceId,
                |m| Some(m.service_id),
                vec![st::Column::ThemeId],
            ),
            partners_by_service: children::<sp::Entity>(
                db,
                delay,
                sp::Column::ServiceId,
                |m| Some(m.service_id),
                vec![sp::Column::OrganisationId],
            ),
            contracts: ids(db, delay, c::Column::Id),
            contracts_by_service: children::<c::Entity>(
                db,
                delay,
                c::Column::ServiceId,
                |m| Some(m.service_id),
                vec![c::Column::StartDate, c::Column::Id],
            ),
            contracts_by_provider: children::<c::Entity>(
                db,
                delay,
                c::Column::ProviderId,
                |m| Some(m.provider_id),
                vec![c::Column::StartDate, c::Column::Id],
            ),
            contracts_by_lead: children::<c::Entity>(
                db,
                delay,
                c::Column::LeadCommissionerId,
                |m| Some(m.lead_commissioner_id),
                vec![c::Column::StartDate, c::Column::Id],
            ),
            options_by_contract: children::<eo::Entity>(
                db,
                delay,
                eo::Column::ContractId,
                |m| Some(m.contract_id),
                vec![eo::Column::Sequence],
            ),
            shares_by_contract: children::<cs::Entity>(
                db,
                delay,
                cs::Column::ContractId,
                |m| Some(m.contract_id),
                vec![cs::Column::Position, cs::Column::Id],
            ),
            grant_programmes: ids(db, delay, gp::Column::Id),
            grant_rounds: ids(db, delay, gr::Column::Id),
            rounds_by_programme: children::<gr::Entity>(
                db,
                delay,
                gr::Column::ProgrammeId,
                |m| Some(m.programme_id),
                vec![gr::Column::Number],
            ),
            themes_by_round: children::<grt::Entity>(
                db,
                delay,
                grt::Column::RoundId,
                |m| Some(m.round_id),
                vec![grt::Column::ThemeId],
            ),
            awards_by_round: children::<ga::Entity>(
                db,
                delay,
                ga::Column::RoundId,
                |m| Some(m.round_id),
                vec![ga::Column::Id],
            ),
            areas_by_award: children::<gaa::Entity>(
                db,
                delay,
                gaa::Column::AwardId,
                |m| Some(m.award_id),
                vec![gaa::Column::AreaId],
            ),
            themes_by_award: children::<gat::Entity>(
                db,
                delay,
                gat::Column::AwardId,
                |m| Some(m.award_id),
                vec![gat::Column::ThemeId],
            ),
            budgets_by_stream: children::<b::Entity>(
                db,
                delay,
                b::Column::FundingStreamId,
                |m| Some(m.funding_stream_id),
                vec![b::Column::FinancialYear],
            ),
            indicators: ids(db, delay, i::Column::Id),
            indicators_by_service: children::<i::Entity>(
                db,
                delay,
                i::Column::ServiceId,
                |m| m.service_id,
                vec![i::Column::Code],
            ),
            indicators_by_contract: children::<i::Entity>(
                db,
                delay,
                i::Column::ContractId,
                |m| m.contract_id,
                vec![i::Column::Code],
            ),
            indicators_by_round: children::<i::Entity>(
                db,
                delay,
                i::Column::RoundId,
                |m| m.round_id,
                vec![i::Column::Code],
            ),
            indicators_by_organisation: children::<i::Entity>(
                db,
                delay,
                i::Column::OrganisationId,
                |m| m.organisation_id,
                vec![i::Column::Code],
            ),
            observations_by_indicator: children::<ob::Entity>(
                db,
                delay,
                ob::Column::IndicatorId,
                |m| Some(m.indicator_id),
                vec![ob::Column::PeriodEnd, ob::Column::Id],
            ),
            latest_observation_by_indicator: DataLoader::new(
                ById::<ob::Entity>::last_of(
                    db.clone(),
                    ob::Column::IndicatorId,
                    |m| m.indicator_id,
                    ob::Column::PeriodEnd,
                    ob::Column::Id,
                ),
                tokio::spawn,
            )
            .delay(delay),
            spend_by_service: children::<sl::Entity>(
                db,
                delay,
                sl::Column::ServiceId,
                |m| m.service_id,
                vec![
                    sl::Column::FinancialYear,
                    sl::Column::Quarter,
                    sl::Column::Id,
                ],
            ),
        }
    }
}

/// The loaders of the schema in this context.
pub fn loaders<'a>(ctx: &Context<'a>) -> AppResult<&'a Loaders> {
    ctx.data::<Loaders>()
        .map_err(|_| AppError::internal("the schema was built without its loaders"))
}

/// The database pool in this context.
pub fn database<'a>(ctx: &Context<'a>) -> AppResult<&'a DatabaseConnection> {
    ctx.data::<DatabaseConnection>()
        .map_err(|_| AppError::internal("the schema was built without a database"))
}

/// The result of an expensive read (see `store::cache`): held until any
/// write changes the data, computed by `compute` otherwise (given the
/// database pool, and run to the end even if the request is dropped). `key`
/// names the read and every input that changes its answer.
pub async fn cached<T, F, Fut>(ctx: &Context<'_>, key: String, compute: F) -> AppResult<Arc<T>>
where
    T: Send + Sync + 'static,
    F: FnOnce(DatabaseConnection) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = AppResult<T>> + Send + 'static,
{
    let cache = ctx
        .data::<ResultCache>()
        .map_err(|_| AppError::internal("the schema was built without its result cache"))?;
    cache.get_or_compute(database(ctx)?, key, compute).await
}
