//! The GraphQL schema: one `schema_builder()` used by the server, by
//! `export-schema` and by the tests, so that limits and types are set in one place.

use async_graphql::{EmptyMutation, EmptySubscription, MergedObject, Schema, SchemaBuilder};
use chrono::NaiveDate;
use sea_orm::DatabaseConnection;

pub mod contracts;
pub mod filter;
pub mod grants;
pub mod loaders;
pub mod node;
pub mod organisations;
pub mod pagination;
pub mod reach;
pub mod scalars;
pub mod services;
pub mod spend;

/// The root of every query.
#[derive(MergedObject, Default)]
pub struct QueryRoot(
    node::NodeQuery,
    organisations::OrganisationQuery,
    services::ServiceQuery,
    contracts::ContractQuery,
    contracts::list::ContractListQuery,
    grants::GrantQuery,
    spend::SpendQuery,
    reach::ReachQuery,
);

/// The commtrack schema type.
pub type CommtrackSchema = Schema<QueryRoot, EmptyMutation, EmptySubscription>;

/// The largest query depth accepted. GraphiQL's own introspection query needs
/// 13 levels below the root.
pub const MAX_DEPTH: usize = 16;
/// The largest query complexity accepted.
pub const MAX_COMPLEXITY: usize = 5_000;

/// The schema with its types and limits, without runtime data.
pub fn schema_builder() -> SchemaBuilder<QueryRoot, EmptyMutation, EmptySubscription> {
    Schema::build(QueryRoot::default(), EmptyMutation, EmptySubscription)
        .register_output_type::<node::Node>()
        .limit_depth(MAX_DEPTH)
        .limit_complexity(MAX_COMPLEXITY)
}

/// The schema ready to serve, with its database pool and shared loaders.
pub fn build_schema(db: DatabaseConnection) -> CommtrackSchema {
    let loaders = loaders::Loaders::new(&db);
    schema_builder().data(db).data(loaders).finish()
}

/// The schema's SDL, as committed in `schema.graphql`.
pub fn sdl() -> String {
    schema_builder().finish().sdl()
}

/// Today in Europe/London: the default `asOf` of every date-dependent field,
/// because commissioners' deadlines fall on UK calendar days.
pub fn today() -> NaiveDate {
    chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::London)
        .date_naive()
}
