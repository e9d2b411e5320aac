//! `extension_options`: An optional extension of a contract's term.

use sea_orm::entity::prelude::*;

use crate::enums::*;

crate::model! {
    /// An optional extension of a contract's term.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "extension_options")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub contract_id: i64,
        pub sequence: i32,
        pub length_months: i32,
        pub decide_by: Date,
        pub state: OptionState,
        pub decided_on: Option<Date>,
        pub decision_note: Option<String>,
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
