//! `cost_shares`: A party's share of a contract's cost, possibly split further (parent_id).

use sea_orm::entity::prelude::*;

crate::model! {
    /// A party's share of a contract's cost, possibly split further (parent_id).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "cost_shares")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub contract_id: i64,
        pub parent_id: Option<i64>,
        pub organisation_id: i64,
        pub share_ppm: i32,
        pub position: i32,
        pub source: Option<String>,
        pub is_illustrative: bool,
        pub illustrative_fields: Option<String>,
    }
}

/// Relations are resolved by batched loaders in `api`, not by joins here.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
