//! `grant_programmes`: A grant programme such as the Mayor's Safer Communities Fund.

use sea_orm::entity::prelude::*;

crate::model! {
    /// A grant programme such as the Mayor's Safer Communities Fund.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "grant_programmes")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub name: String,
        pub funder_id: i64,
        pub funding_stream_id: Option<i64>,
        pub description: Option<String>,
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
