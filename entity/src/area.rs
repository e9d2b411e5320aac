//! `areas`: A district, county or region served.

use sea_orm::entity::prelude::*;

use crate::enums::*;

crate::model! {
    /// A district, county or region served.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "areas")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub name: String,
        pub kind: AreaKind,
        pub parent_id: Option<i64>,
    }
}

/// Relations are resolved by batched loaders in `api`, not by joins here.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
