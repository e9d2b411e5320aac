//! `themes`: A theme such as Domestic Abuse.

use sea_orm::entity::prelude::*;

crate::model! {
    /// A theme such as Domestic Abuse.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "themes")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub name: String,
    }
}

/// Relations are resolved by batched loaders in `api`, not by joins here.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
