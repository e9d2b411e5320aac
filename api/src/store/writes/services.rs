//! Creating, updating and archiving services.

use entity::enums::ServiceStatus;
use entity::{funding_stream, service};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, DatabaseTransaction,
    EntityTrait, PaginatorTrait, QueryFilter,
};

use super::owners::service_owner;
use super::{
    audit, begin, check_not_archived, check_version, lock, referenced, row_json, Actor,
    ArchiveTarget, AuditAction, Change, Checks, Patch, WriteResult,
};
use crate::domain::text;
use crate::error::AppResult;

/// A new service.
pub struct NewService {
    /// Its short code, unique (`SARC`).
    pub code: String,
    /// Its name.
    pub name: String,
    /// What it provides.
    pub description: Option<String>,
    /// Where it stands.
    pub status: ServiceStatus,
    /// The funding stream that pays for it.
    pub funding_stream_id: Option<i64>,
    /// The service it is part of.
    pub parent_id: Option<i64>,
}

/// Changes to a service; unset fields stay as they are.
pub struct ServiceChanges {
    /// The service.
    pub id: i64,
    /// The version the caller read.
    pub expected_version: i32,
    /// A new name.
    pub name: Option<String>,
    /// A new description, or cleared.
    pub description: Patch<String>,
    /// A new status.
    pub status: Option<ServiceStatus>,
    /// A new funding stream, or cleared.
    pub funding_stream_id: Patch<i64>,
}

async fn code_taken(txn: &DatabaseTransaction, code: &str) -> AppResult<bool> {
    Ok(service::Entity::find()
        .filter(service::Column::Code.eq(code))
        .count(txn)
        .await?
        > 0)
}

/// Creates a service. Any commissioner may: a new service has no contract
/// yet, so no other organisation's record is touched.
pub async fn create_service(
    db: &DatabaseConnection,
    actor: &Actor<'_>,
    input: NewService,
) -> WriteResult<service::Model> {
    actor.may_write(actor.organisation_id)?;
    let txn = begin(db).await?;
    let mut checks = Checks::default();
    let code = checks.text("code", &input.code, text::CODE);
    let name = checks.text("name", &input.name, text::NAME);
    let description = checks.optional_text("description", input.description.as_deref(), text::LONG);
    if let Some(id) = input.funding_stream_id {
        referenced::<funding_stream::Entity>(
            &txn,
            &mut checks,
            id,
            &["fundingStreamId"],
            "funding stream",
        )
        .await?;
    }
    if let Some(id) = input.parent_id {
        referenced::<service::Entity>(&txn, &mut checks, id, &["parentId"], "service").await?;
    }
    if let Some(code) = &code {
        if code_taken(&txn, code).await? {
            checks.reject_at(
                &["code"],
                "DUPLICATE",
                "code: a service with this code already exists",
            );
        }
    }
    let (Some(code), Some(name), Some(description), true) =
        (code, name, description, checks.is_clean())
    else {
        return Err(checks.into_error());
    };
    let row = service::ActiveModel {
        code: Set(code),
        name: Set(name),
        description: Set(description),
        status: Set(input.status),
        funding_stream_id: Set(input.funding_stream_id),
        parent_id: Set(input.parent_id),
        is_illustrative: Set(false),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let change = Change {
        entity_type: "Service",
        entity_id: row.id,
        action: AuditAction::Created,
        reason: None,
        before: None,
        after: Some(row_json(&row)),
    };
    audit(&txn, actor, change).await?;
    txn.commit().await?;
    Ok(row)
}

/// Updates a service (its owner: see [`super::owners`]).
pub async fn update_service(
    db: &DatabaseConnection,
    actor: &Actor<'_>,
    input: ServiceChanges,
) -> WriteResult<service::Model> {
    let txn = begin(db).await?;
    let current = lock::<service::Entity>(&txn, input.id, &["id"], "service").await?;
    actor.may_write(service_owner(&txn, current.id).await?)?;
    check_not_archived(current.archived_at)?;
    check_version(current.version, input.expected_version)?;
    let mut checks = Checks::default();
    let name = match &input.name {
        Some(name) => checks.text("name", name, text::NAME),
        None => Some(current.name.clone()),
    };
    let description = checks.text_patch("description", input.description, text::LONG);
    if let Some(id) = input.funding_stream_id.as_set() {
        referenced::<funding_stream::Entity>(
            &txn,
            &mut checks,
            *id,
            &["fundingStreamId"],
            "funding stream",
        )
        .await?;
    }
    let (Some(name), Some(description), true) = (name, description, checks.is_clean()) else {
        return Err(checks.into_error());
    };
    let mut row: service::ActiveModel = current.clone().into();
    row.name = Set(name);
    row.description = Set(description.apply(current.description.clone()));
    row.status = Set(input.status.unwrap_or(current.status));
    row.funding_stream_id = Set(input.funding_stream_id.apply(current.funding_stream_id));
    row.version = Set(current.version + 1);
    let updated = row.update(&txn).await?;
    let change = Change {
        entity_type: "Service",
        entity_id: updated.id,
        action: AuditAction::Updated,
        reason: None,
        before: Some(row_json(&current)),
        after: Some(row_json(&updated)),
    };
    audit(&txn, actor, change).await?;
    txn.commit().await?;
    Ok(updated)
}

/// Archives a service (its owner).
pub async fn archive_service(
    db: &DatabaseConnection,
    actor: &Actor<'_>,
    target: ArchiveTarget,
) -> WriteResult<service::Model> {
    let txn = begin(db).await?;
    let current = lock::<service::Entity>(&txn, target.id, &["id"], "service").await?;
    actor.may_write(service_owner(&txn, current.id).await?)?;
    check_not_archived(current.archived_at)?;
    check_version(current.version, target.expected_version)?;
    let reason = target.reason()?;
    let mut row: service::ActiveModel = current.clone().into();
    row.archived_at = Set(Some(chrono::Utc::now()));
    row.archive_reason = Set(Some(reason.clone()));
    row.version = Set(current.version + 1);
    let updated = row.update(&txn).await?;
    let change = Change {
        entity_type: "Service",
        entity_id: updated.id,
        action: AuditAction::Archived,
        reason: Some(&reason),
        before: Some(row_json(&current)),
        after: Some(row_json(&updated)),
    };
    audit(&txn, actor, change).await?;
    txn.commit().await?;
    Ok(updated)
}
