//! The rows behind the open-data exports, read in a fixed number of
//! statements whatever the number of contracts or awards: every related
//! table is read once with a subquery naming the exported records, never
//! once per row. Archived contracts are left out, as everywhere else.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{
    area, audit_event, contract, cost_share, extension_option, grant_award, grant_award_area,
    grant_award_theme, grant_programme, grant_round, indicator, observation, organisation, service,
    theme,
};
use futures::TryStreamExt;
use sea_orm::sea_query::{Query, SelectStatement};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, FromQueryResult, QueryFilter,
    QueryOrder, QuerySelect,
};

use super::liabilities::{shares_of, ShareColumns};
use crate::error::{AppError, AppResult};

/// Which contracts an OCDS export covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ContractScope {
    /// Every contract in use.
    All,
    /// The contract with this reference.
    Reference(String),
}

/// Everything an OCDS export maps.
#[derive(Clone, Debug, Default)]
pub struct ContractRows {
    /// The contracts, by reference (compared as Unicode code points).
    pub contracts: Vec<contract::Model>,
    /// Their extension options, by contract then sequence.
    pub options: Vec<extension_option::Model>,
    /// Their cost shares, all levels, by contract then position.
    pub shares: Vec<ShareColumns>,
    /// Their lead commissioners, providers and paying parties.
    pub organisations: Vec<organisation::Model>,
    /// The services they deliver.
    pub services: Vec<service::Model>,
    /// Indicators reported for those contracts or their services.
    pub indicators: Vec<indicator::Model>,
    /// Those indicators' observations, by indicator then period.
    pub observations: Vec<observation::Model>,
    /// The time of each contract's latest audited change (its options and
    /// cost shares included), by contract id.
    pub audited: HashMap<i64, DateTime<Utc>>,
}

#[derive(FromQueryResult)]
struct AuditTime {
    entity_id: i64,
    occurred_at: DateTime<Utc>,
}

fn contract_ids(condition: Condition) -> SelectStatement {
    Query::select()
        .column(contract::Column::Id)
        .from(contract::Entity)
        .cond_where(condition)
        .to_owned()
}

fn contract_column(column: contract::Column, condition: Condition) -> SelectStatement {
    Query::select()
        .column(column)
        .from(contract::Entity)
        .cond_where(condition)
        .to_owned()
}

/// `NOT_FOUND` unless `scope` names at least one contract in use: one
/// single-row read, so that a refusal is known before a long export starts.
pub async fn check_contracts(db: &DatabaseConnection, scope: &ContractScope) -> AppResult<()> {
    use contract::Column as C;
    let mut condition = Condition::all().add(C::ArchivedAt.is_null());
    if let ContractScope::Reference(reference) = scope {
        condition = condition.add(C::Reference.eq(reference.as_str()));
    }
    let found = contract::Entity::find()
        .select_only()
        .column(C::Id)
        .filter(condition)
        .into_tuple::<i64>()
        .one(db)
        .await?;
    match (found, scope) {
        (Some(_), _) => Ok(()),
        (None, ContractScope::Reference(reference)) => Err(AppError::NotFound(format!(
            "contract: no contract in use has the reference {reference:?}"
        ))),
        (None, ContractScope::All) => Err(AppError::NotFound(
            "contract: there is no contract in use to export".to_owned(),
        )),
    }
}

/// Loads the contracts of `scope` and everything their releases show.
/// `NOT_FOUND` when a reference names no contract in use.
pub async fn contract_rows(
    db: &DatabaseConnection,
    scope: &ContractScope,
) -> AppResult<ContractRows> {
    use contract::Column as C;
    let mut condition = Condition::all().add(C::ArchivedAt.is_null());
    if let ContractScope::Reference(reference) = scope {
        condition = condition.add(C::Reference.eq(reference.as_str()));
    }
    let mut contracts = contract::Entity::find()
        .filter(condition.clone())
        .stream(db)
        .await?
        .try_collect::<Vec<_>>()
        .await?;
    if let ContractScope::Reference(reference) = scope {
        if contracts.is_empty() {
            return Err(AppError::NotFound(format!(
                "contract: no contract in use has the reference {reference:?}"
            )));
        }
    }
    // Ordered here: PostgreSQL's collation would order text differently.
    contracts.sort_by(|a, b| a.reference.cmp(&b.reference));
    if contracts.is_empty() {
        return Ok(ContractRows::default());
    }
    let ids = || contract_ids(condition.clone());
    let options = extension_option::Entity::find()
        .filter(extension_option::Column::ContractId.in_subquery(ids()))
        .order_by_asc(extension_option::Column::ContractId)
        .order_by_asc(extension_option::Column::Sequence)
        .all(db)
        .await?;
    use cost_share::Column as S;
    let shares = shares_of(ids()).all(db).await?;
    let sharing = Query::select()
        .column(S::OrganisationId)
        .from(cost_share::Entity)
        .and_where(S::ContractId.in_subquery(ids()))
        .to_owned();
    let organisations = organisation::Entity::find()
        .filter(
            Condition::any()
                .add(
                    organisation::Column::Id
                        .in_subquery(contract_column(C::LeadCommissionerId, condition.clone())),
                )
                .add(
                    organisation::Column::Id
                        .in_subquery(contract_column(C::ProviderId, condition.clone())),
                )
                .add(organisation::Column::Id.in_subquery(sharing)),
        )
        .all(db)
        .await?;
    let service_ids = || contract_column(C::ServiceId, condition.clone());
    let services = service::Entity::find()
        .filter(service::Column::Id.in_subquery(service_ids()))
        .all(db)
        .await?;
    let indicator_condition = || {
        Condition::any()
            .add(indicator::Column::ContractId.in_subquery(ids()))
            .add(indicator::Column::ServiceId.in_subquery(service_ids()))
    };
    let indicators = indicator::Entity::find()
        .filter(indicator_condition())
        .order_by_asc(indicator::Column::Id)
        .all(db)
        .await?;
    let observations = observation::Entity::find()
        .filter(
            observation::Column::IndicatorId.in_subquery(
                Query::select()
                    .column(indicator::Column::Id)
                    .from(indicator::Entity)
                    .cond_where(indicator_condition())
                    .to_owned(),
            ),
        )
        .order_by_asc(observation::Column::IndicatorId)
        .order_by_asc(observation::Column::PeriodStart)
        .order_by_asc(observation::Column::Id)
        .stream(db)
        .await?
        .try_collect::<Vec<_>>()
        .await?;
    let mut audited: HashMap<i64, DateTime<Utc>> = HashMap::new();
    let events = audit_event::Entity::find()
        .select_only()
        .columns([
            audit_event::Column::EntityId,
            audit_event::Column::OccurredAt,
        ])
        .filter(audit_event::Column::EntityType.eq("Contract"))
        .filter(audit_event::Column::EntityId.in_subquery(ids()))
        .into_model::<AuditTime>()
        .all(db)
        .await?;
    for event in events {
        let latest = audited.entry(event.entity_id).or_insert(event.occurred_at);
        *latest = (*latest).max(event.occurred_at);
    }
    Ok(ContractRows {
        contracts,
        options,
        shares,
        organisations,
        services,
        indicators,
        observations,
        audited,
    })
}

/// Which awards a 360Giving export covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GrantScope {
    /// The programme's exact name.
    pub programme: String,
    /// One round's number, or every round of the programme.
    pub round: Option<i32>,
}

/// Everything a 360Giving export maps.
#[derive(Clone, Debug)]
pub struct GrantRows {
    /// The programme.
    pub programme: grant_programme::Model,
    /// Its rounds in scope, by number.
    pub rounds: Vec<grant_round::Model>,
    /// Their awards, by round then id.
    pub awards: Vec<grant_award::Model>,
    /// The areas each award covers, by award then area.
    pub award_areas: Vec<grant_award_area::Model>,
    /// The themes each award addresses, by award then theme.
    pub award_themes: Vec<grant_award_theme::Model>,
    /// Those areas.
    pub areas: Vec<area::Model>,
    /// Those themes.
    pub themes: Vec<theme::Model>,
    /// The funder, recipients and partners.
    pub organisations: Vec<organisation::Model>,
    /// The time of the latest audited change to the programme, its rounds
    /// or their awards.
    pub audited: Option<DateTime<Utc>>,
}

/// Loads the programme and rounds of `scope` with their awards.
/// `NOT_FOUND` when the programme or the round does not exist.
pub async fn grant_rows(db: &DatabaseConnection, scope: &GrantScope) -> AppResult<GrantRows> {
    let programme = grant_programme::Entity::find()
        .filter(grant_programme::Column::Name.eq(scope.programme.as_str()))
        .one(db)
        .await?
        .ok_or_else(|| {
            AppError::NotFound(format!(
                "programme: no grant programme is named {:?}",
                scope.programme
            ))
        })?;
    let mut round_condition =
        Condition::all().add(grant_round::Column::ProgrammeId.eq(programme.id));
    if let Some(number) = scope.round {
        round_condition = round_condition.add(grant_round::Column::Number.eq(number));
    }
    let rounds = grant_round::Entity::find()
        .filter(round_condition.clone())
        .order_by_asc(grant_round::Column::Number)
        .order_by_asc(grant_round::Column::Id)
        .all(db)
        .await?;
    if let (Some(number), true) = (scope.round, rounds.is_empty()) {
        return Err(AppError::NotFound(format!(
            "round: {:?} has no round {number}",
            scope.programme
        )));
    }
    let round_ids = || {
        Query::select()
            .column(grant_round::Column::Id)
            .from(grant_round::Entity)
            .cond_where(round_condition.clone())
            .to_owned()
    };
    let award_ids = || {
        Query::select()
            .column(grant_award::Column::Id)
            .from(grant_award::Entity)
            .and_where(grant_award::Column::RoundId.in_subquery(round_ids()))
            .to_owned()
    };
    let awards = grant_award::Entity::find()
        .filter(grant_award::Column::RoundId.in_subquery(round_ids()))
        .order_by_asc(grant_award::Column::RoundId)
        .order_by_asc(grant_award::Column::Id)
        .stream(db)
        .await?
        .try_collect::<Vec<_>>()
        .await?;
    let award_areas = grant_award_area::Entity::find()
        .filter(grant_award_area::Column::AwardId.in_subquery(award_ids()))
        .order_by_asc(grant_award_area::Column::AwardId)
        .order_by_asc(grant_award_area::Column::AreaId)
        .all(db)
        .await?;
    let award_themes = grant_award_theme::Entity::find()
        .filter(grant_award_theme::Column::AwardId.in_subquery(award_ids()))
        .order_by_asc(grant_award_theme::Column::AwardId)
        .order_by_asc(grant_award_theme::Column::ThemeId)
        .all(db)
        .await?;
    let areas = area::Entity::find()
        .filter(
            area::Column::Id.in_subquery(
                Query::select()
                    .column(grant_award_area::Column::AreaId)
                    .from(grant_award_area::Entity)
                    .and_where(grant_award_area::Column::AwardId.in_subquery(award_ids()))
                    .to_owned(),
            ),
        )
        .all(db)
        .await?;
    let themes = theme::Entity::find()
        .filter(
            theme::Column::Id.in_subquery(
                Query::select()
                    .column(grant_award_theme::Column::ThemeId)
                    .from(grant_award_theme::Entity)
                    .and_where(grant_award_theme::Column::AwardId.in_subquery(award_ids()))
                    .to_owned(),
            ),
        )
        .all(db)
        .await?;
    let award_column = |column: grant_award::Column| {
        Query::select()
            .column(column)
            .from(grant_award::Entity)
            .and_where(grant_award::Column::RoundId.in_subquery(round_ids()))
            .to_owned()
    };
    let organisations = organisation::Entity::find()
        .filter(
            Condition::any()
                .add(organisation::Column::Id.eq(programme.funder_id))
                .add(
                    organisation::Column::Id
                        .in_subquery(award_column(grant_award::Column::RecipientId)),
                )
                .add(
                    organisation::Column::Id
                        .in_subquery(award_column(grant_award::Column::PartnerId)),
                ),
        )
        .all(db)
        .await?;
    let changes = |entity_type: &'static str, ids: SelectStatement| {
        Condition::all()
            .add(audit_event::Column::EntityType.eq(entity_type))
            .add(audit_event::Column::EntityId.in_subquery(ids))
    };
    let audited = audit_event::Entity::find()
        .select_only()
        .columns([
            audit_event::Column::EntityId,
            audit_event::Column::OccurredAt,
        ])
        .filter(
            Condition::any()
                .add(
                    Condition::all()
                        .add(audit_event::Column::EntityType.eq("GrantProgramme"))
                        .add(audit_event::Column::EntityId.eq(programme.id)),
                )
                .add(changes("GrantRound", round_ids()))
                .add(changes("GrantAward", award_ids())),
        )
        .into_model::<AuditTime>()
        .all(db)
        .await?
        .into_iter()
        .map(|event| event.occurred_at)
        .max();
    Ok(GrantRows {
        programme,
        rounds,
        awards,
        award_areas,
        award_themes,
        areas,
        themes,
        organisations,
        audited,
    })
}
