//! `grant_rounds`: A round of a grant programme.

use sea_orm::entity::prelude::*;

use crate::enums::*;

crate::model! {
    /// A round of a grant programme.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "grant_rounds")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub programme_id: i64,
        pub number: i32,
        pub name: String,
        pub pot_pence: Option<i64>,
        pub pot_qualifier: Option<Qualifier>,
        pub pot_wording: Option<String>,
        pub opens_on: Option<Date>,
        pub closes_on: Option<Date>,
        pub awarded_on: Option<Date>,
        pub applications_received: Option<i32>,
        pub applications_qualifier: Option<Qualifier>,
        pub applications_wording: Option<String>,
        pub amount_requested_pence: Option<i64>,
        pub amount_requested_qualifier: Option<Qualifier>,
        pub amount_requested_wording: Option<String>,
        pub reported_awards_count: Option<i32>,
        pub reported_awarded_pence: Option<i64>,
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
