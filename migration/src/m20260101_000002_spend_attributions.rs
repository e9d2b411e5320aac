//! Spend attributed to paying organisations by cost share (see
//! `sql/20260101_000002_spend_attributions.sql`).

use sea_orm_migration::prelude::*;

/// Creates `spend_attributions`, the derived table behind grouping spend by
/// commissioner without double counting.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_script(
            manager,
            include_str!("sql/20260101_000002_spend_attributions.sql"),
        )
        .await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
