//! `service_partners`: A partner organisation involved in a service.

use sea_orm::entity::prelude::*;

crate::model! {
    /// A partner organisation involved in a service.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "service_partners")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub service_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub organisation_id: i64,
    }
}

/// Relations are resolved by batched loaders in `api`, not by joins here.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
