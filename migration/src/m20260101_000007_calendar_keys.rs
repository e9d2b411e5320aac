//! Calendar keys: keys that may read only the iCalendar feed (see `sql/20260101_000007_calendar_keys.sql`).

use sea_orm_migration::prelude::*;

/// Adds `api_keys.calendar_only`.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_script(
            manager,
            include_str!("sql/20260101_000007_calendar_keys.sql"),
        )
        .await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
