//! Query limits, checked on the parsed document before validation and
//! execution: depth, cost, aliases, and nested introspection. The bounds are
//! set in one place, `super::QUERY_LIMITS`; [`Gate`] applies them once per
//! document text, ahead of the schema (see `gate` for why not as an
//! async-graphql extension).
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

use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{ErrorExtensionValues, Pos, ServerError};

pub use gate::{Document, Gate};

mod gate;
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
