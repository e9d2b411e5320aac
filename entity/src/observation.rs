//! `observations`: An indicator's value over a period; decimals scaled by 10^4 (`*_e4`).

use sea_orm::entity::prelude::*;

use crate::enums::*;

crate::model! {
    /// An indicator's value over a period; decimals scaled by 10^4 (`*_e4`).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "observations")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub indicator_id: i64,
        pub period_start: Date,
        pub period_end: Date,
        pub value_e4: Option<i64>,
        pub qualifier: Option<Qualifier>,
        pub wording: Option<String>,
        pub target_e4: Option<i64>,
        pub baseline_e4: Option<i64>,
        pub notes: Option<String>,
        pub source: Option<String>,
        pub is_illustrative: bool,
        pub illustrative_fields: Option<String>,
        /// Raised by one on every change; updates name the version they read.
        pub version: i32,
    }
}

/// Relations are resolved by batched loaders in `api`, not by joins here.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
