//! API keys for access control (see `sql/20260101_000004_api_keys.sql`).

use sea_orm_migration::prelude::*;

/// Creates `api_keys`: hashed secrets with a role and, for commissioners, an organisation.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_script(manager, include_str!("sql/20260101_000004_api_keys.sql")).await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
