//! `indicators`: A reach or outcome measure for a service, contract, grant round or organisation.

use sea_orm::entity::prelude::*;

use crate::enums::*;

crate::model! {
    /// A reach or outcome measure for a service, contract, grant round or organisation.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "indicators")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub code: String,
        pub name: String,
        pub description: Option<String>,
        pub unit: IndicatorUnit,
        pub aggregation: Aggregation,
        pub service_id: Option<i64>,
        pub contract_id: Option<i64>,
        pub round_id: Option<i64>,
        pub organisation_id: Option<i64>,
    }
}

/// Relations are resolved by batched loaders in `api`, not by joins here.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
