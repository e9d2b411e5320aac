//! Versions, archiving and the append-only audit log (see
//! `sql/20260101_000003_safe_writes.sql` and the two `audit_guard` scripts).

use sea_orm_migration::prelude::*;

/// Adds `version` (and `archived_at`, `archive_reason` where records are
/// archived) to the mutable tables, creates `audit_events`, and installs the
/// backend's triggers that refuse UPDATE and DELETE on it.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_script(manager, include_str!("sql/20260101_000003_safe_writes.sql")).await?;
        // Trigger DDL differs per backend, and its bodies hold `;`, so each
        // backend's script runs whole rather than split into statements.
        let guard = match manager.get_database_backend() {
            sea_orm::DatabaseBackend::Postgres => {
                include_str!("sql/20260101_000003_audit_guard.postgres.sql")
            }
            _ => include_str!("sql/20260101_000003_audit_guard.sqlite.sql"),
        };
        crate::run_batch(manager, guard).await
    }

    fn use_transaction(&self) -> Option<bool> {
        // All or nothing: versions without the audit guard would be a half schema.
        Some(true)
    }
}
