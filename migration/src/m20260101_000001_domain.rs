//! The commissioning domain's tables (see `sql/20260101_000001_domain.sql`).

use sea_orm_migration::prelude::*;

/// Creates the domain tables, their foreign keys, CHECK constraints and indexes.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_script(manager, include_str!("sql/20260101_000001_domain.sql")).await
    }

    fn use_transaction(&self) -> Option<bool> {
        // All or nothing on both backends: a half-created schema is worse than none.
        Some(true)
    }
}
