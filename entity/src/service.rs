//! `services`: A commissioned service.

use sea_orm::entity::prelude::*;

use crate::enums::*;

crate::model! {
    /// A commissioned service.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "services")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub code: String,
        pub name: String,
        pub description: Option<String>,
        pub status: ServiceStatus,
        pub funding_stream_id: Option<i64>,
        pub parent_id: Option<i64>,
        pub source: Option<String>,
        pub is_illustrative: bool,
        pub illustrative_fields: Option<String>,
        /// Raised by one on every change; updates name the version they read.
        pub version: i32,
        /// When the record was archived (soft-deleted), if it was.
        pub archived_at: Option<DateTimeUtc>,
        /// Why it was archived.
        pub archive_reason: Option<String>,
    }
}

/// Relations are resolved by batched loaders in `api`, not by joins here.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
