//! `reach_area_rollups`: observed values rolled up by area of the effective
//! service, financial year, unit and aggregation (derived; see migration
//! `000008`).

use sea_orm::entity::prelude::*;

use crate::enums::*;

crate::model! {
    /// The observations (with a value) of the services of one area (`None`:
    /// of no service, or a service with no area), financial year, unit and
    /// aggregation, rolled up; values scaled by 10^4.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "reach_area_rollups")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub area_id: Option<i64>,
        /// The financial year (start year) of the period; `None` when it spans two.
        pub financial_year: Option<i32>,
        pub unit: IndicatorUnit,
        pub aggregation: Aggregation,
        pub value_sum_e4: i64,
        pub observations: i64,
        pub value_min_e4: i64,
        pub value_max_e4: i64,
        pub approximate: i64,
        pub at_least: i64,
        pub at_most: i64,
        /// The smallest wording among the rolled-up values.
        pub wording: Option<String>,
    }
}

/// Relations are resolved by batched loaders in `api`, not by joins here.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
