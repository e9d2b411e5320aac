//! API keys: insert, find by prefix, list, revoke. Only hashes are stored;
//! generating and checking secrets is the job of `auth::keys`.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::api_key::{self, ApiKeyRole};
use entity::organisation;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

use crate::error::AppResult;

/// A key to insert: everything but its id.
#[derive(Clone, Debug)]
pub struct NewKey {
    /// What the key is for ("finance dashboard").
    pub name: String,
    /// The public part that finds the row.
    pub prefix: String,
    /// Lowercase hex SHA-256 of the secret part.
    pub secret_sha256: String,
    /// What the key may do.
    pub role: ApiKeyRole,
    /// The organisation of a commissioner key.
    pub organisation_id: Option<i64>,
    /// Whether the key may read only the iCalendar feed.
    pub calendar_only: bool,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

/// A key as `keys list` shows it, with its organisation's name.
#[derive(Clone, Debug)]
pub struct KeyListing {
    /// The stored key (its hash included: callers must not print it).
    pub key: api_key::Model,
    /// The name of the key's organisation, if it has one.
    pub organisation: Option<String>,
}

/// What revoking a key did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Revoked {
    /// The key was active and is now revoked.
    Now(api_key::Model),
    /// The key had been revoked before; nothing changed.
    Already(api_key::Model),
    /// There is no key with that id.
    NoSuchKey,
}

/// Stores a new key and returns its row.
pub async fn insert(db: &impl ConnectionTrait, key: NewKey) -> AppResult<api_key::Model> {
    let row = api_key::ActiveModel {
        name: Set(key.name),
        prefix: Set(key.prefix),
        secret_sha256: Set(key.secret_sha256),
        role: Set(key.role),
        organisation_id: Set(key.organisation_id),
        calendar_only: Set(key.calendar_only),
        created_at: Set(key.created_at),
        revoked_at: Set(None),
        ..Default::default()
    };
    Ok(row.insert(db).await?)
}

/// The key with this prefix, revoked or not (one indexed lookup: `prefix` is unique).
pub async fn find_by_prefix(
    db: &impl ConnectionTrait,
    prefix: &str,
) -> AppResult<Option<api_key::Model>> {
    Ok(api_key::Entity::find()
        .filter(api_key::Column::Prefix.eq(prefix))
        .one(db)
        .await?)
}

/// Every key, oldest first, with its organisation's name (two queries in all).
pub async fn list(db: &impl ConnectionTrait) -> AppResult<Vec<KeyListing>> {
    let keys = api_key::Entity::find()
        .order_by_asc(api_key::Column::Id)
        .all(db)
        .await?;
    let ids: Vec<i64> = keys.iter().filter_map(|k| k.organisation_id).collect();
    let names: HashMap<i64, String> = if ids.is_empty() {
        HashMap::new()
    } else {
        organisation::Entity::find()
            .filter(organisation::Column::Id.is_in(ids))
            .all(db)
            .await?
            .into_iter()
            .map(|o| (o.id, o.name))
            .collect()
    };
    Ok(keys
        .into_iter()
        .map(|key| KeyListing {
            organisation: key.organisation_id.and_then(|id| names.get(&id).cloned()),
            key,
        })
        .collect())
}

/// Marks key `id` revoked at `now`, unless it already is.
pub async fn revoke(db: &impl ConnectionTrait, id: i64, now: DateTime<Utc>) -> AppResult<Revoked> {
    // The `revoked_at IS NULL` guard makes a second revocation a no-op even
    // when two run at once: the first time stays the recorded one.
    let updated = api_key::Entity::update_many()
        .col_expr(api_key::Column::RevokedAt, Expr::value(now))
        .filter(api_key::Column::Id.eq(id))
        .filter(api_key::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    let Some(key) = api_key::Entity::find_by_id(id).one(db).await? else {
        return Ok(Revoked::NoSuchKey);
    };
    Ok(if updated.rows_affected == 1 {
        Revoked::Now(key)
    } else {
        Revoked::Already(key)
    })
}

/// The id of the organisation named exactly `name`.
pub async fn organisation_id_by_name(
    db: &impl ConnectionTrait,
    name: &str,
) -> AppResult<Option<i64>> {
    Ok(organisation::Entity::find()
        .filter(organisation::Column::Name.eq(name))
        .one(db)
        .await?
        .map(|o| o.id))
}
