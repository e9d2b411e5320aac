//! `spend_rollups`: spend lines rolled up by funding stream, financial year
//! and quarter (derived; see migration `000008`).

use sea_orm::entity::prelude::*;

crate::model! {
    /// The spend lines of one funding stream, financial year and quarter
    /// (`None`: recorded for the whole year), rolled up; amounts in pence.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "spend_rollups")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub funding_stream_id: i64,
        pub financial_year: i32,
        pub quarter: Option<i32>,
        pub amount_sum_pence: i64,
        pub lines: i64,
        pub amount_min_pence: i64,
        pub amount_max_pence: i64,
        pub approximate: i64,
        pub at_least: i64,
        pub at_most: i64,
        /// The smallest wording among the rolled-up lines.
        pub wording: Option<String>,
    }
}

/// Relations are resolved by batched loaders in `api`, not by joins here.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
