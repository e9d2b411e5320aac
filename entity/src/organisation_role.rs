//! `organisation_roles`: A role an organisation plays.

use sea_orm::entity::prelude::*;

use crate::enums::*;

crate::model! {
    /// A role an organisation plays.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "organisation_roles")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub organisation_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub role: Role,
    }
}

/// Relations are resolved by batched loaders in `api`, not by joins here.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
