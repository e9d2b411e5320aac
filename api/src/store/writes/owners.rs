//! Which organisation owns a record, for `Permission::WriteFor`.
//!
//! - An organisation owns its own record; creating or archiving an
//!   organisation is for admins (no owner).
//! - A contract, with its options and cost shares, is owned by its lead
//!   commissioner.
//! - A service is owned by the lead commissioner of its contracts when they
//!   all share one; a service with no contract, or with contracts led by
//!   several organisations, is owned by none (admins only), since no single
//!   commissioner speaks for it.
//! - A grant programme, its rounds and awards are owned by its funder.
//! - A spend line is owned as its contract, else its service; budgets and
//!   unattached spend belong to funding streams, which no organisation
//!   owns (admins only).
//! - An indicator's observations are owned as what it measures.

use entity::{contract, grant_programme, grant_round, indicator};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::error::AppResult;

/// The owner of a service: the one lead commissioner of its contracts.
pub async fn service_owner(txn: &impl ConnectionTrait, service_id: i64) -> AppResult<Option<i64>> {
    let leads: Vec<i64> = contract::Entity::find()
        .select_only()
        .column(contract::Column::LeadCommissionerId)
        .distinct()
        .filter(contract::Column::ServiceId.eq(service_id))
        .limit(2)
        .into_tuple()
        .all(txn)
        .await?;
    Ok(match leads.as_slice() {
        [only] => Some(*only),
        _ => None,
    })
}

/// The owner of a contract: its lead commissioner.
pub async fn contract_owner(
    txn: &impl ConnectionTrait,
    contract_id: i64,
) -> AppResult<Option<i64>> {
    Ok(contract::Entity::find_by_id(contract_id)
        .one(txn)
        .await?
        .map(|c| c.lead_commissioner_id))
}

/// The owner of a grant programme: its funder.
pub async fn programme_owner(
    txn: &impl ConnectionTrait,
    programme_id: i64,
) -> AppResult<Option<i64>> {
    Ok(grant_programme::Entity::find_by_id(programme_id)
        .one(txn)
        .await?
        .map(|p| p.funder_id))
}

/// The owner of a grant round: its programme's funder.
pub async fn round_owner(txn: &impl ConnectionTrait, round_id: i64) -> AppResult<Option<i64>> {
    match grant_round::Entity::find_by_id(round_id).one(txn).await? {
        Some(round) => programme_owner(txn, round.programme_id).await,
        None => Ok(None),
    }
}

/// The owner of a spend line under `contract` or `service`.
pub async fn spend_owner(
    txn: &impl ConnectionTrait,
    contract_id: Option<i64>,
    service_id: Option<i64>,
) -> AppResult<Option<i64>> {
    match (contract_id, service_id) {
        (Some(contract_id), _) => contract_owner(txn, contract_id).await,
        (None, Some(service_id)) => service_owner(txn, service_id).await,
        (None, None) => Ok(None),
    }
}

/// The owner of an indicator's observations: the owner of what it measures.
pub async fn indicator_owner(
    txn: &impl ConnectionTrait,
    indicator: &indicator::Model,
) -> AppResult<Option<i64>> {
    if let Some(contract_id) = indicator.contract_id {
        contract_owner(txn, contract_id).await
    } else if let Some(service_id) = indicator.service_id {
        service_owner(txn, service_id).await
    } else if let Some(round_id) = indicator.round_id {
        round_owner(txn, round_id).await
    } else {
        Ok(indicator.organisation_id)
    }
}
