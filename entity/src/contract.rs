//! `contracts`: A contract: a service delivered by a provider for a lead commissioner.

use sea_orm::entity::prelude::*;

use crate::enums::*;

crate::model! {
    /// A contract: a service delivered by a provider for a lead commissioner.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "contracts")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub reference: String,
        pub title: String,
        pub service_id: i64,
        pub provider_id: i64,
        pub lead_commissioner_id: i64,
        pub start_date: Date,
        pub initial_term_months: i32,
        /// Derived: the last day of the initial term.
        pub initial_end_date: Date,
        /// Derived: the initial term extended by every exercised option.
        pub current_end_date: Date,
        /// Derived: the initial term extended by every option.
        pub contractual_end_date: Date,
        pub annual_value_pence: Option<i64>,
        pub annual_value_qualifier: Option<Qualifier>,
        pub annual_value_wording: Option<String>,
        pub total_value_pence: Option<i64>,
        pub total_value_qualifier: Option<Qualifier>,
        pub total_value_wording: Option<String>,
        pub status: ContractRecordStatus,
        pub procurement_route: ProcurementRoute,
        pub eia_status: EiaStatus,
        pub eia_review_date: Option<Date>,
        pub cost_share_agreement: Option<String>,
        pub notes: Option<String>,
        pub source: Option<String>,
        pub is_illustrative: bool,
        pub illustrative_fields: Option<String>,
        /// Raised by one on every change; updates name the version they read.
        pub version: i32,
        /// When the record was archived (soft-deleted), if it was.
        pub archived_at: Option<DateTimeUtc>,
        /// Why it was archived.
        pub archive_reason: Option<String>,
    }
}

/// Relations are resolved by batched loaders in `api`, not by joins here.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
