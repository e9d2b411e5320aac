//! `grant_awards`: A grant awarded in a round.

use sea_orm::entity::prelude::*;

crate::model! {
    /// A grant awarded in a round.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "grant_awards")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub round_id: i64,
        pub recipient_id: i64,
        pub partner_id: Option<i64>,
        pub project_name: String,
        pub description: Option<String>,
        pub amount_pence: i64,
        pub awarded_on: Option<Date>,
        pub source: Option<String>,
        pub is_illustrative: bool,
        pub illustrative_fields: Option<String>,
        /// Raised by one on every change; updates name the version they read.
        pub version: i32,
    }
}

/// Relations are resolved by batched loaders in `api`, not by joins here.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
