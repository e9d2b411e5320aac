//! The GraphQL schema: one `schema_builder()` used by the server, by
//! `export-schema` and by the tests, so that limits and types are set in one place.

use async_graphql::{EmptySubscription, MergedObject, Schema, SchemaBuilder};
use chrono::NaiveDate;
use sea_orm::DatabaseConnection;

pub mod aggregates;
pub mod calendar;
pub mod contracts;
pub mod filter;
pub mod grants;
pub mod history;
pub mod ids;
pub mod liabilities;
pub mod limits;
pub mod listing;
pub mod loaders;
pub mod mutations;
pub mod node;
pub mod nodes;
pub mod organisations;
pub mod pagination;
pub mod prepared;
pub mod reach;
pub mod relations;
pub mod scalars;
pub mod services;
pub mod spend;

/// The root of every query.
#[derive(MergedObject, Default)]
pub struct QueryRoot(
    node::NodeQuery,
    organisations::OrganisationQuery,
    organisations::list::OrganisationListQuery,
    services::ServiceQuery,
    services::list::ServiceListQuery,
    contracts::ContractQuery,
    contracts::list::ContractListQuery,
    contracts::options_list::ExtensionOptionListQuery,
    grants::GrantQuery,
    grants::list::GrantListQuery,
    spend::list::SpendListQuery,
    reach::ReachQuery,
    reach::list::ReachListQuery,
    calendar::CalendarQuery,
    aggregates::AggregatesQuery,
    liabilities::LiabilityQuery,
    history::HistoryQuery,
);

/// The commtrack schema type.
pub type CommtrackSchema = Schema<QueryRoot, mutations::MutationRoot, EmptySubscription>;

/// The bounds every operation must keep (see [`limits`] for how they are
/// counted). Depth and cost leave twice the room the example dashboards
/// need; introspection is bounded apart, so GraphiQL works with all of these on.
pub const QUERY_LIMITS: limits::QueryLimits = limits::QueryLimits {
    max_depth: 10,
    max_complexity: 10_000,
    max_aliases: 50,
    max_introspection_lists: 2,
};

/// The schema with its types, without runtime data. It registers no
/// extension: with any, async-graphql runs every field of every row through
/// the extension chain; the limits are applied ahead of it by [`gate`].
pub fn schema_builder() -> SchemaBuilder<QueryRoot, mutations::MutationRoot, EmptySubscription> {
    Schema::build(
        QueryRoot::default(),
        mutations::MutationRoot::default(),
        EmptySubscription,
    )
    .register_output_type::<node::Node>()
}

/// What admits a request to `schema`: [`QUERY_LIMITS`], and introspection
/// only if `options` allow it, checked once per document text.
pub fn gate(schema: &CommtrackSchema, options: limits::SchemaOptions) -> limits::Gate {
    limits::Gate::new(&schema.sdl(), QUERY_LIMITS, options)
}

/// How long a shared loader collects keys before it queries: the default
/// 1 ms, long enough to gather one level of a page (and of concurrent requests).
pub const DEFAULT_LOADER_DELAY: std::time::Duration = std::time::Duration::from_millis(1);

/// The schema ready to serve, with its database pool, shared loaders
/// (which batch for `loader_delay`) and result cache, introspection and suggestions as `options` say.
pub fn build_schema(
    db: DatabaseConnection,
    loader_delay: std::time::Duration,
    options: limits::SchemaOptions,
) -> CommtrackSchema {
    let loaders = loaders::Loaders::new(&db, loader_delay);
    let mut builder = schema_builder()
        .data(db)
        .data(loaders)
        .data(crate::store::cache::ResultCache::default());
    // The gate refuses introspection with a clear error first; this switch
    // (which answers `null`) stays as the second line of defence.
    if !options.introspection {
        builder = builder.disable_introspection();
    }
    if !options.suggestions {
        builder = builder.disable_suggestions();
    }
    builder.finish()
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
