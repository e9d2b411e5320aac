//! `service_areas`: An area a service covers.

use sea_orm::entity::prelude::*;

crate::model! {
    /// An area a service covers.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "service_areas")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub service_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub area_id: i64,
    }
}

/// Relations are resolved by batched loaders in `api`, not by joins here.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
