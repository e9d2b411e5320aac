//! Creating, updating and archiving organisations.

use entity::enums::{OrganisationKind, Role};
use entity::{organisation, organisation_role};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, DatabaseTransaction,
    EntityTrait, PaginatorTrait, QueryFilter,
};

use super::{
    audit, begin, check_not_archived, check_version, lock, referenced, row_json, Actor,
    ArchiveTarget, AuditAction, Change, Checks, Patch, WriteResult,
};
use crate::domain::text;
use crate::error::AppResult;

/// A new organisation.
pub struct NewOrganisation {
    /// Its full name, unique.
    pub name: String,
    /// A short name or acronym.
    pub short_name: Option<String>,
    /// What kind of body it is.
    pub kind: OrganisationKind,
    /// The organisation it is part of.
    pub parent_id: Option<i64>,
    /// What it does.
    pub description: Option<String>,
    /// The roles it plays.
    pub roles: Vec<Role>,
}

/// Changes to an organisation; unset fields stay as they are.
pub struct OrganisationChanges {
    /// The organisation.
    pub id: i64,
    /// The version the caller read.
    pub expected_version: i32,
    /// A new name.
    pub name: Option<String>,
    /// A new short name, or cleared.
    pub short_name: Patch<String>,
    /// A new kind.
    pub kind: Option<OrganisationKind>,
    /// A new description, or cleared.
    pub description: Patch<String>,
}

async fn name_taken(txn: &DatabaseTransaction, name: &str, except: Option<i64>) -> AppResult<bool> {
    let mut query = organisation::Entity::find().filter(organisation::Column::Name.eq(name));
    if let Some(id) = except {
        query = query.filter(organisation::Column::Id.ne(id));
    }
    Ok(query.count(txn).await? > 0)
}

/// Creates an organisation (admins only: no organisation owns another's record).
pub async fn create_organisation(
    db: &DatabaseConnection,
    actor: &Actor<'_>,
    input: NewOrganisation,
) -> WriteResult<organisation::Model> {
    actor.may_write(None)?;
    let txn = begin(db).await?;
    let mut checks = Checks::default();
    let name = checks.text("name", &input.name, text::NAME);
    let short_name = checks.optional_text("shortName", input.short_name.as_deref(), text::CODE);
    let description = checks.optional_text("description", input.description.as_deref(), text::LONG);
    if let Some(parent_id) = input.parent_id {
        referenced::<organisation::Entity>(
            &txn,
            &mut checks,
            parent_id,
            &["parentId"],
            "organisation",
        )
        .await?;
    }
    if let Some(name) = &name {
        if name_taken(&txn, name, None).await? {
            checks.reject_at(
                &["name"],
                "DUPLICATE",
                "name: an organisation with this name already exists",
            );
        }
    }
    let (Some(name), Some(short_name), Some(description), true) =
        (name, short_name, description, checks.is_clean())
    else {
        return Err(checks.into_error());
    };
    let row = organisation::ActiveModel {
        name: Set(name),
        short_name: Set(short_name),
        kind: Set(input.kind),
        parent_id: Set(input.parent_id),
        description: Set(description),
        is_illustrative: Set(false),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let mut roles = input.roles;
    roles.sort_by_key(|r| format!("{r:?}"));
    roles.dedup();
    for role in &roles {
        organisation_role::ActiveModel {
            organisation_id: Set(row.id),
            role: Set(*role),
        }
        .insert(&txn)
        .await?;
    }
    let mut after = row_json(&row);
    after["roles"] = roles
        .iter()
        .map(|r| format!("{r:?}").to_lowercase())
        .collect();
    let change = Change {
        entity_type: "Organisation",
        entity_id: row.id,
        action: AuditAction::Created,
        reason: None,
        before: None,
        after: Some(after),
    };
    audit(&txn, actor, change).await?;
    txn.commit().await?;
    Ok(row)
}

/// Updates an organisation (its own commissioners, or admins).
pub async fn update_organisation(
    db: &DatabaseConnection,
    actor: &Actor<'_>,
    input: OrganisationChanges,
) -> WriteResult<organisation::Model> {
    let txn = begin(db).await?;
    let current = lock::<organisation::Entity>(&txn, input.id, &["id"], "organisation").await?;
    actor.may_write(Some(current.id))?;
    check_not_archived(current.archived_at)?;
    check_version(current.version, input.expected_version)?;
    let mut checks = Checks::default();
    let name = match &input.name {
        Some(name) => checks.text("name", name, text::NAME),
        None => Some(current.name.clone()),
    };
    let short_name = checks.text_patch("shortName", input.short_name, text::CODE);
    let description = checks.text_patch("description", input.description, text::LONG);
    if let Some(name) = &name {
        if name_taken(&txn, name, Some(current.id)).await? {
            checks.reject_at(
                &["name"],
                "DUPLICATE",
                "name: an organisation with this name already exists",
            );
        }
    }
    let (Some(name), Some(short_name), Some(description), true) =
        (name, short_name, description, checks.is_clean())
    else {
        return Err(checks.into_error());
    };
    let mut row: organisation::ActiveModel = current.clone().into();
    row.name = Set(name);
    row.short_name = Set(short_name.apply(current.short_name.clone()));
    row.kind = Set(input.kind.unwrap_or(current.kind));
    row.description = Set(description.apply(current.description.clone()));
    row.version = Set(current.version + 1);
    let updated = row.update(&txn).await?;
    let change = Change {
        entity_type: "Organisation",
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

/// Archives an organisation (admins only).
pub async fn archive_organisation(
    db: &DatabaseConnection,
    actor: &Actor<'_>,
    target: ArchiveTarget,
) -> WriteResult<organisation::Model> {
    actor.may_write(None)?;
    let txn = begin(db).await?;
    let current = lock::<organisation::Entity>(&txn, target.id, &["id"], "organisation").await?;
    check_not_archived(current.archived_at)?;
    check_version(current.version, target.expected_version)?;
    let reason = target.reason()?;
    let mut row: organisation::ActiveModel = current.clone().into();
    row.archived_at = Set(Some(chrono::Utc::now()));
    row.archive_reason = Set(Some(reason.clone()));
    row.version = Set(current.version + 1);
    let updated = row.update(&txn).await?;
    let change = Change {
        entity_type: "Organisation",
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
