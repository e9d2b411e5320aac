//! `budgets`: A funding stream's budget for a financial year.

use sea_orm::entity::prelude::*;

use crate::enums::*;

crate::model! {
    /// A funding stream's budget for a financial year.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "budgets")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub funding_stream_id: i64,
        pub financial_year: i32,
        pub amount_pence: i64,
        pub qualifier: Qualifier,
        pub wording: Option<String>,
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
