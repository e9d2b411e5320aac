//! Every change to the data, one module per area, each mutation in one
//! transaction: check who may make it, check the input against the domain
//! rules and the version the caller read, write, recompute what is derived
//! from the written rows, and record an audit event. Any failure drops the
//! transaction, which rolls everything back: the database is exactly as it
//! was.
//!
//! Concurrency: a write transaction locks the rows it changes before
//! reading them (`SELECT ... FOR UPDATE` on PostgreSQL; on SQLite the
//! transaction begins `IMMEDIATE`, which takes the single write lock at once),
//! so the version check and the write see the same row and of two updates
//! naming the same version exactly one wins.

use chrono::{NaiveDate, Utc};
use entity::audit_event;
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    Iterable, ModelTrait, SqlErr, TransactionOptions, TransactionTrait,
};
use serde_json::{Map, Value as Json};

use crate::domain::text::{self, TextRule};
use crate::error::{AppError, AppResult};

pub mod contracts;
pub mod cost_shares;
pub mod grants;
pub mod options;
pub mod organisations;
pub mod owners;
pub mod reach;
pub mod services;
pub mod spend;
pub mod terms;

/// One reason a mutation was refused: the input field at fault (a path
/// below the mutation's `input`, e.g. `["shares", "2", "percentage"]`), the
/// rule's code and a message for people.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejection {
    /// The path of the field within the input; `None` for the input as a whole.
    pub field: Option<Vec<String>>,
    /// The rule's machine code (`MONEY_TOO_MANY_DECIMALS`, `CONFLICT`...).
    pub code: &'static str,
    /// What is wrong, for people.
    pub message: String,
    /// For `CONFLICT`: the record's current version.
    pub current_version: Option<i32>,
}

impl Rejection {
    /// A rejection of the field at `path`.
    pub fn at(path: &[&str], code: &'static str, message: impl Into<String>) -> Self {
        Rejection {
            field: Some(path.iter().map(|p| (*p).to_owned()).collect()),
            code,
            message: message.into(),
            current_version: None,
        }
    }
}

/// A change to an optional field: leave it, clear it, or set it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Patch<T> {
    /// Not mentioned: unchanged.
    #[default]
    Keep,
    /// Explicitly `null`: cleared.
    Clear,
    /// A new value.
    Set(T),
}

impl<T> Patch<T> {
    /// The field's new value, given its current one.
    pub fn apply(self, current: Option<T>) -> Option<T> {
        match self {
            Patch::Keep => current,
            Patch::Clear => None,
            Patch::Set(value) => Some(value),
        }
    }

    /// The new value, if one is set.
    pub fn as_set(&self) -> Option<&T> {
        match self {
            Patch::Set(value) => Some(value),
            _ => None,
        }
    }
}

/// Why a write did not happen.
#[derive(Debug)]
pub enum WriteError {
    /// The input breaks business rules: shown as `userErrors`.
    Rejected(Vec<Rejection>),
    /// Not allowed, or a failure inside the server: a top-level error.
    Failed(AppError),
}

impl From<AppError> for WriteError {
    fn from(err: AppError) -> Self {
        WriteError::Failed(err)
    }
}

impl From<sea_orm::DbErr> for WriteError {
    fn from(err: sea_orm::DbErr) -> Self {
        // A unique key taken between our check and our insert (PostgreSQL
        // runs writers concurrently) is the caller's problem, not ours.
        if let Some(SqlErr::UniqueConstraintViolation(_)) = err.sql_err() {
            return WriteError::Rejected(vec![Rejection {
                field: None,
                code: "DUPLICATE",
                message: "a record with the same unique key already exists".to_owned(),
                current_version: None,
            }]);
        }
        WriteError::Failed(AppError::from(err))
    }
}

/// The result of a write.
pub type WriteResult<T> = Result<T, WriteError>;

/// Who is writing, for the permission checks and the audit log.
pub struct Actor<'a> {
    /// The caller's name for the audit log.
    pub name: String,
    /// The caller's API key id, if any.
    pub key_id: Option<i64>,
    /// The organisation a commissioner's key belongs to.
    pub organisation_id: Option<i64>,
    /// The HTTP request id.
    pub request_id: Option<String>,
    /// Today in Europe/London: the date of decisions.
    pub today: NaiveDate,
    /// Whether the caller may write records owned by an organisation
    /// (`None`: records no organisation owns, which only admins change).
    /// Returns the `FORBIDDEN` error, already logged, when not.
    pub authorize: &'a (dyn Fn(Option<i64>) -> AppResult<()> + Send + Sync),
}

impl Actor<'_> {
    /// Checks that the caller may write a record owned by `owner`.
    pub fn may_write(&self, owner: Option<i64>) -> WriteResult<()> {
        (self.authorize)(owner).map_err(WriteError::Failed)
    }
}

/// Begins a write transaction. On SQLite it is `IMMEDIATE`: it takes the
/// write lock before the first read, so a read-then-write never fails with
/// a stale snapshot when another writer commits in between (it waits for the
/// busy timeout instead).
pub(crate) async fn begin(db: &DatabaseConnection) -> AppResult<DatabaseTransaction> {
    Ok(db
        .begin_with_options(TransactionOptions {
            sqlite_transaction_mode: Some(sea_orm::SqliteTransactionMode::Immediate),
            ..Default::default()
        })
        .await?)
}

/// Collects the rejections of one input, so that a form can be fixed in one go.
#[derive(Default)]
pub struct Checks {
    rejections: Vec<Rejection>,
}

impl Checks {
    /// Records a rejection.
    pub fn reject(&mut self, rejection: Rejection) {
        self.rejections.push(rejection);
    }

    /// Records a rejection of the field at `path`.
    pub fn reject_at(&mut self, path: &[&str], code: &'static str, message: impl Into<String>) {
        self.reject(Rejection::at(path, code, message));
    }

    /// A required text, cleaned; `None` (and a rejection) if it breaks `rule`.
    pub fn text(&mut self, field: &str, value: &str, rule: TextRule) -> Option<String> {
        match text::clean(value, rule) {
            Ok(text) => Some(text),
            Err(err) => {
                self.reject_at(&[field], err.code(), format!("{field}: {err}"));
                None
            }
        }
    }

    /// An optional text, cleaned (blank becomes `None`). The outer `None`
    /// means rejected.
    pub fn optional_text(
        &mut self,
        field: &str,
        value: Option<&str>,
        rule: TextRule,
    ) -> Option<Option<String>> {
        match text::clean_optional(value, rule) {
            Ok(text) => Some(text),
            Err(err) => {
                self.reject_at(&[field], err.code(), format!("{field}: {err}"));
                None
            }
        }
    }

    /// A change to an optional text: a blank value clears it. The outer
    /// `None` means rejected.
    pub fn text_patch(
        &mut self,
        field: &str,
        patch: Patch<String>,
        rule: TextRule,
    ) -> Option<Patch<String>> {
        match patch {
            Patch::Set(value) => Some(match self.optional_text(field, Some(&value), rule)? {
                Some(text) => Patch::Set(text),
                None => Patch::Clear,
            }),
            other => Some(other),
        }
    }

    /// An amount of money in pounds, as pence; `None` (and a rejection) if
    /// it has more than two places (as written: "12.340" too, since rounding
    /// an entered figure would hide a typing error), is negative or is out
    /// of range.
    pub fn money(&mut self, path: &[&str], amount: rust_decimal::Decimal) -> Option<i64> {
        // A Decimal keeps the scale it was written with, so its text is the input's.
        let parsed = crate::domain::parse_amount(&amount.to_string());
        match parsed.and_then(crate::domain::decimal_to_pence) {
            Ok(pence) => Some(pence),
            Err(err) => {
                let field = path.last().copied().unwrap_or("amount");
                self.reject_at(path, err.code(), format!("{field}: {err}"));
                None
            }
        }
    }

    /// A date rule's result.
    pub fn dates(&mut self, result: Result<(), crate::domain::date_order::DateRuleError>) {
        if let Err(err) = result {
            self.reject_at(&[err.field()], err.code(), err.to_string());
        }
    }

    /// The rejections recorded so far, taken out.
    pub fn take(&mut self) -> Vec<Rejection> {
        std::mem::take(&mut self.rejections)
    }

    /// Whether nothing was rejected.
    pub fn is_clean(&self) -> bool {
        self.rejections.is_empty()
    }

    /// The rejections as an error (call when [`Checks::is_clean`] is false).
    pub fn into_error(self) -> WriteError {
        if self.rejections.is_empty() {
            WriteError::Failed(AppError::internal("a check failed without a rejection"))
        } else {
            WriteError::Rejected(self.rejections)
        }
    }
}

/// A single rejection as an error.
pub fn rejected(path: &[&str], code: &'static str, message: impl Into<String>) -> WriteError {
    WriteError::Rejected(vec![Rejection::at(path, code, message)])
}

/// The `NOT_FOUND` rejection of a referenced record.
pub fn not_found(path: &[&str], type_name: &str) -> WriteError {
    let field = path.last().copied().unwrap_or("id");
    rejected(
        path,
        "NOT_FOUND",
        format!("{field}: no {type_name} has this id"),
    )
}

/// Loads the row `id` of `E`, locked for this transaction (`FOR UPDATE` on
/// PostgreSQL; SQLite's write transaction already excludes other writers),
/// or the `NOT_FOUND` rejection of the field at `path`.
pub(crate) async fn lock<E>(
    txn: &DatabaseTransaction,
    id: i64,
    path: &[&str],
    type_name: &str,
) -> WriteResult<E::Model>
where
    E: EntityTrait,
    <E::PrimaryKey as sea_orm::PrimaryKeyTrait>::ValueType: From<i64>,
{
    use sea_orm::QuerySelect;
    E::find_by_id(id)
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or_else(|| not_found(path, type_name))
}

/// Loads a referenced row, or the `NOT_FOUND` rejection of the field at
/// `path`. Collected into `checks` so every missing reference is reported.
pub(crate) async fn referenced<E>(
    txn: &DatabaseTransaction,
    checks: &mut Checks,
    id: i64,
    path: &[&str],
    type_name: &str,
) -> AppResult<Option<E::Model>>
where
    E: EntityTrait,
    <E::PrimaryKey as sea_orm::PrimaryKeyTrait>::ValueType: From<i64>,
{
    let row = E::find_by_id(id).one(txn).await?;
    if row.is_none() {
        let field = path.last().copied().unwrap_or("id");
        checks.reject_at(
            path,
            "NOT_FOUND",
            format!("{field}: no {type_name} has this id"),
        );
    }
    Ok(row)
}

/// A record to archive, and why.
pub struct ArchiveTarget {
    /// The record's row id.
    pub id: i64,
    /// The version the caller read.
    pub expected_version: i32,
    /// Why it is archived (required).
    pub reason: String,
}

impl ArchiveTarget {
    /// The reason, cleaned, or its rejection.
    pub fn reason(&self) -> WriteResult<String> {
        text::clean(&self.reason, text::REASON)
            .map_err(|err| rejected(&["reason"], err.code(), format!("reason: {err}")))
    }
}

/// Refuses a stale update: `CONFLICT`, with the record's current version.
pub fn check_version(current: i32, expected: i32) -> WriteResult<()> {
    if current == expected {
        return Ok(());
    }
    Err(WriteError::Rejected(vec![Rejection {
        current_version: Some(current),
        ..Rejection::at(
            &["expectedVersion"],
            "CONFLICT",
            format!(
                "expectedVersion: the record is at version {current}, not {expected}: \
                 it changed since you read it; read it again and reapply your change"
            ),
        )
    }]))
}

/// Refuses a change to an archived record.
pub fn check_not_archived(archived_at: Option<chrono::DateTime<Utc>>) -> WriteResult<()> {
    match archived_at {
        Some(at) => Err(rejected(
            &["id"],
            "ARCHIVED",
            format!(
                "id: the record was archived on {}; archived records cannot be changed",
                at.date_naive()
            ),
        )),
        None => Ok(()),
    }
}

/// What an audit event records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuditAction {
    /// A record was created.
    Created,
    /// A record's fields were changed.
    Updated,
    /// A record was archived.
    Archived,
    /// An extension option was added to a contract.
    OptionAdded,
    /// An extension option was exercised.
    OptionExercised,
    /// An extension option was declined.
    OptionDeclined,
    /// A contract's cost shares were replaced.
    CostSharesSet,
}

impl AuditAction {
    /// The stored name (see the CHECK constraint on `audit_events.action`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Created => "created",
            Self::Updated => "updated",
            Self::Archived => "archived",
            Self::OptionAdded => "option_added",
            Self::OptionExercised => "option_exercised",
            Self::OptionDeclined => "option_declined",
            Self::CostSharesSet => "cost_shares_set",
        }
    }
}

/// One change to record in the audit log.
pub struct Change<'a> {
    /// The GraphQL type name of the record (`Contract`).
    pub entity_type: &'static str,
    /// Its row id.
    pub entity_id: i64,
    /// What was done.
    pub action: AuditAction,
    /// A reason given with the change, if any.
    pub reason: Option<&'a str>,
    /// The record before (`None` for a creation).
    pub before: Option<Json>,
    /// The record after.
    pub after: Option<Json>,
}

/// Writes an audit event in the caller's transaction.
pub(crate) async fn audit(
    txn: &impl ConnectionTrait,
    actor: &Actor<'_>,
    change: Change<'_>,
) -> AppResult<()> {
    audit_event::Entity::insert(audit_row(actor, change))
        .exec(txn)
        .await?;
    Ok(())
}

/// Writes many audit events in one statement, in the caller's transaction
/// (CSV import records one per row it creates).
pub(crate) async fn audit_many(
    txn: &impl ConnectionTrait,
    actor: &Actor<'_>,
    changes: Vec<Change<'_>>,
) -> AppResult<()> {
    if changes.is_empty() {
        return Ok(());
    }
    let rows = changes.into_iter().map(|change| audit_row(actor, change));
    audit_event::Entity::insert_many(rows)
        .exec_without_returning(txn)
        .await?;
    Ok(())
}

fn audit_row(actor: &Actor<'_>, change: Change<'_>) -> audit_event::ActiveModel {
    audit_event::ActiveModel {
        occurred_at: Set(Utc::now()),
        actor: Set(actor.name.clone()),
        actor_key_id: Set(actor.key_id),
        request_id: Set(actor.request_id.clone()),
        entity_type: Set(change.entity_type.to_owned()),
        entity_id: Set(change.entity_id),
        action: Set(change.action.as_str().to_owned()),
        reason: Set(change.reason.map(str::to_owned)),
        before_json: Set(change.before.map(|j| j.to_string())),
        after_json: Set(change.after.map(|j| j.to_string())),
        ..Default::default()
    }
}

/// A stored row as JSON for the audit log: column names and stored units
/// (pence, parts per million, values × 10^4), dates as `YYYY-MM-DD`,
/// timestamps in RFC 3339.
pub fn row_json<M: ModelTrait>(model: &M) -> Json {
    let mut object = Map::new();
    for column in <<M as ModelTrait>::Entity as EntityTrait>::Column::iter() {
        let name = sea_orm::IdenStatic::as_str(&column).to_owned();
        object.insert(name, value_json(model.get(column)));
    }
    Json::Object(object)
}

fn value_json(value: sea_orm::Value) -> Json {
    use sea_orm::Value as V;
    match value {
        V::Bool(Some(b)) => Json::Bool(b),
        V::SmallInt(Some(n)) => n.into(),
        V::Int(Some(n)) => n.into(),
        V::BigInt(Some(n)) => n.into(),
        V::String(Some(s)) => Json::String(s),
        V::ChronoDate(Some(d)) => Json::String(d.format("%Y-%m-%d").to_string()),
        V::ChronoDateTimeUtc(Some(t)) => {
            Json::String(t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        }
        other => sea_orm::sea_query::sea_value_to_json_value(&other),
    }
}
