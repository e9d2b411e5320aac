//! `audit_events`: one change to one record, written in the transaction that
//! made it. Append-only: triggers refuse UPDATE and DELETE.

use sea_orm::entity::prelude::*;

crate::model! {
    /// One change to one record: who, when, under which request, what, and the
    /// row before and after.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "audit_events")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub occurred_at: DateTimeUtc,
        /// The caller's name (an API key's name).
        pub actor: String,
        /// The caller's API key id, if any.
        pub actor_key_id: Option<i64>,
        /// The HTTP request id (`x-request-id`), which finds the request in the log.
        pub request_id: Option<String>,
        /// The GraphQL type name of the record changed (`Contract`).
        pub entity_type: String,
        /// The record's row id.
        pub entity_id: i64,
        /// What was done (`created`, `updated`, `option_exercised`...).
        pub action: String,
        /// The reason given, where one is required (archiving, a late decision).
        pub reason: Option<String>,
        /// The record before the change, as JSON text; `None` for a creation.
        pub before_json: Option<String>,
        /// The record after the change, as JSON text.
        pub after_json: Option<String>,
    }
}

/// Events are looked up by record, never joined.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
