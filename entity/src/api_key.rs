//! `api_keys`: An API key: a name, a role, and the SHA-256 of its secret (never the secret).

use sea_orm::entity::prelude::*;

crate::model! {
    /// An API key: a name, a role, and the SHA-256 of its secret (never the secret).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "api_keys")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub name: String,
        /// The random, public part of the key that finds its row.
        #[sea_orm(unique)]
        pub prefix: String,
        /// Lowercase hex SHA-256 of the secret part.
        pub secret_sha256: String,
        pub role: ApiKeyRole,
        /// The organisation a commissioner key writes for (commissioner keys only).
        pub organisation_id: Option<i64>,
        /// A key that may read only the iCalendar feed (it travels in URLs).
        pub calendar_only: bool,
        pub created_at: DateTimeUtc,
        pub revoked_at: Option<DateTimeUtc>,
    }
}

/// What a key may do (see `api::auth::Role`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "Text")]
pub enum ApiKeyRole {
    #[sea_orm(string_value = "viewer")]
    Viewer,
    #[sea_orm(string_value = "analyst")]
    Analyst,
    #[sea_orm(string_value = "commissioner")]
    Commissioner,
    #[sea_orm(string_value = "admin")]
    Admin,
}

/// Relations are resolved by the store, not by joins here.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
