//! `service_themes`: A theme a service addresses.

use sea_orm::entity::prelude::*;

crate::model! {
    /// A theme a service addresses.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "service_themes")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub service_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub theme_id: i64,
    }
}

/// Relations are resolved by batched loaders in `api`, not by joins here.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
