//! Query limits, checked on the parsed document before validation and
//! execution: depth, cost, aliases, and nested introspection. The bounds are
//! set in one place, `super::schema_builder()`.
//!
//! Why not async-graphql's `limit_depth` / `limit_complexity`: they count
//! introspection like data, so GraphiQL's own schema query (13 levels deep,
//! complexity about 230) fails under any limit low enough to protect the data
//! (async-graphql issue #1696). Here the introspection subtrees (`__schema`,
//! `__type`) are exempt from depth and cost and bounded by their own rule
//! instead, the one graphql-js adopted (`MaxIntrospectionDepthRule`): the
//! lists that lead back to a type (`types`, `fields`, `inputFields`,
//! `interfaces`, `possibleTypes`) may nest only so deep, which refuses the
//! `types { fields { type { fields ...` cycle while GraphiQL's query (which
//! nests two) passes.
//!
//! Cost is counted centrally from the schema's own SDL rather than by a
//! `complexity` attribute on each list field, so a connection added later is
//! priced without anyone remembering to: every field costs 1 plus its
//! selection, and a field that takes `first` (a connection) costs 1 plus
//! `first` times its selection (`first` defaults to 20 and counts at most 100,
//! the page bounds; a larger `first` is refused by the field itself).

use std::sync::{Arc, OnceLock};

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextPrepareRequest,
    NextValidation,
};
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{
    ErrorExtensionValues, Pos, Request, ServerError, ServerResult, ValidationResult, Variables,
};

use walk::{check, CostTable};

#[cfg(test)]
mod tests;
mod walk;

/// A query nests fields deeper than allowed.
pub const QUERY_TOO_DEEP: &str = "QUERY_TOO_DEEP";
/// A query would cost more than allowed.
pub const QUERY_TOO_COMPLEX: &str = "QUERY_TOO_COMPLEX";
/// An operation uses more aliases than allowed.
pub const TOO_MANY_ALIASES: &str = "TOO_MANY_ALIASES";
/// An introspection query nests type lists deeper than allowed.
pub const INTROSPECTION_TOO_DEEP: &str = "INTROSPECTION_TOO_DEEP";
/// An introspection query on a server that has introspection off.
pub const INTROSPECTION_DISABLED: &str = "INTROSPECTION_DISABLED";
/// The query text is not GraphQL.
pub const GRAPHQL_PARSE_FAILED: &str = "GRAPHQL_PARSE_FAILED";
/// The query does not fit the schema (unknown field, wrong argument type...).
pub const GRAPHQL_VALIDATION_FAILED: &str = "GRAPHQL_VALIDATION_FAILED";

/// Codes of the errors raised before execution starts: a response carrying
/// one has no `data` (GraphQL spec, "Response Format"), and is a 400 for
/// clients that accept `application/graphql-response+json`.
pub const REQUEST_ERROR_CODES: [&str; 7] = [
    QUERY_TOO_DEEP,
    QUERY_TOO_COMPLEX,
    TOO_MANY_ALIASES,
    INTROSPECTION_TOO_DEEP,
    INTROSPECTION_DISABLED,
    GRAPHQL_PARSE_FAILED,
    GRAPHQL_VALIDATION_FAILED,
];

/// The bounds of one operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QueryLimits {
    /// Deepest field nesting outside introspection (root fields are at depth 1).
    pub max_depth: usize,
    /// Highest cost (see the module docs).
    pub max_complexity: usize,
    /// Most aliased fields in one operation, fragments expanded.
    pub max_aliases: usize,
    /// Deepest nesting of introspection type lists (GraphiQL needs 2).
    pub max_introspection_lists: usize,
}

/// Whether introspection and "did you mean" suggestions are on: both help a
/// developer and an attacker alike, so both are off outside demo mode unless
/// asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SchemaOptions {
    /// Answer `__schema` and `__type` queries (GraphiQL needs them).
    pub introspection: bool,
    /// Suggest field names in validation errors.
    pub suggestions: bool,
}

impl SchemaOptions {
    /// Everything on: demo servers, tests, development.
    pub const OPEN: SchemaOptions = SchemaOptions {
        introspection: true,
        suggestions: true,
    };
    /// Everything off: the production default.
    pub const CLOSED: SchemaOptions = SchemaOptions {
        introspection: false,
        suggestions: false,
    };
}

/// The extension enforcing [`QueryLimits`]; it also gives parse and
/// validation errors their codes.
pub struct Limits {
    limits: QueryLimits,
    /// Built once, from the schema's SDL, on the first request.
    costs: Arc<OnceLock<CostTable>>,
}

impl Limits {
    /// An extension enforcing `limits`.
    pub fn new(limits: QueryLimits) -> Self {
        Limits {
            limits,
            costs: Arc::default(),
        }
    }
}

impl ExtensionFactory for Limits {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(LimitsOfRequest {
            limits: self.limits,
            costs: self.costs.clone(),
        })
    }
}

struct LimitsOfRequest {
    limits: QueryLimits,
    costs: Arc<OnceLock<CostTable>>,
}

#[async_trait::async_trait]
impl Extension for LimitsOfRequest {
    /// Checks the request before async-graphql's own post-parse checks run:
    /// those follow every fragment spread without memory, so a fragment
    /// "bomb" (each fragment spreading the next twice) would cost them 2^n
    /// steps, blocking a worker thread past any timeout. The walk here is
    /// bounded, and the parsed document is kept for the request, so the
    /// query is parsed once.
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        mut request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        let variables = request.variables.clone();
        let operation_name = request.operation_name.clone();
        // A query that does not parse is reported, with its code, by `parse_query`.
        if let Ok(document) = request.parsed_query() {
            let costs = self.costs.get_or_init(|| CostTable::from_sdl(&ctx.sdl()));
            let measure = check(
                document,
                operation_name.as_deref(),
                &variables,
                costs,
                &self.limits,
            )
            .map_err(|breach| breach.into_error(&self.limits))?;
            tracing::debug!(?measure, "query within limits");
        }
        next.run(ctx, request).await
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        next.run(ctx, query, variables)
            .await
            .map_err(|error| with_code(error, GRAPHQL_PARSE_FAILED))
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        next.run(ctx).await.map_err(|errors| {
            errors
                .into_iter()
                .map(|error| with_code(error, GRAPHQL_VALIDATION_FAILED))
                .collect()
        })
    }
}

/// The extension that refuses introspection with a clear error, on servers
/// that have it off. async-graphql's own switch (also set) answers `null`,
/// which GraphiQL reports as a broken schema rather than a policy.
pub struct NoIntrospection;

impl ExtensionFactory for NoIntrospection {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(NoIntrospection)
    }
}

#[async_trait::async_trait]
impl Extension for NoIntrospection {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        let mut seen = Vec::new();
        for (_, operation) in document.operations.iter() {
            if let Some(pos) =
                introspection_in(&document, &operation.node.selection_set.node, &mut seen)
            {
                tracing::warn!("query refused: introspection is off");
                return Err(with_code(
                    ServerError::new("introspection is off on this server", Some(pos)),
                    INTROSPECTION_DISABLED,
                ));
            }
        }
        Ok(document)
    }
}

/// Where `set` (fragments followed once each) selects `__schema` or `__type`.
fn introspection_in<'a>(
    document: &'a ExecutableDocument,
    set: &'a SelectionSet,
    seen: &mut Vec<&'a str>,
) -> Option<Pos> {
    set.items
        .iter()
        .find_map(|selection| match &selection.node {
            Selection::Field(field) => match field.node.name.node.as_str() {
                "__schema" | "__type" => Some(field.pos),
                _ => introspection_in(document, &field.node.selection_set.node, seen),
            },
            Selection::InlineFragment(fragment) => {
                introspection_in(document, &fragment.node.selection_set.node, seen)
            }
            Selection::FragmentSpread(spread) => {
                let name = spread.node.fragment_name.node.as_str();
                if seen.contains(&name) {
                    return None;
                }
                seen.push(name);
                let fragment = document.fragments.get(name)?;
                introspection_in(document, &fragment.node.selection_set.node, seen)
            }
        })
}

/// `error` with `extensions.code` set to `code` unless it has one.
fn with_code(mut error: ServerError, code: &str) -> ServerError {
    let extensions = error
        .extensions
        .get_or_insert_with(ErrorExtensionValues::default);
    if extensions.get("code").is_none() {
        extensions.set("code", code);
    }
    error
}
