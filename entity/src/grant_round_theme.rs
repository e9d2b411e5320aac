//! `grant_round_themes`: A theme a grant round funds.

use sea_orm::entity::prelude::*;

crate::model! {
    /// A theme a grant round funds.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "grant_round_themes")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub round_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub theme_id: i64,
    }
}

/// Relations are resolved by batched loaders in `api`, not by joins here.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
