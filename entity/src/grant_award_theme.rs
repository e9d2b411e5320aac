//! `grant_award_themes`: A theme a grant award addresses.

use sea_orm::entity::prelude::*;

crate::model! {
    /// A theme a grant award addresses.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "grant_award_themes")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub award_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub theme_id: i64,
    }
}

/// Relations are resolved by batched loaders in `api`, not by joins here.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
