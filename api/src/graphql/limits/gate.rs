//! The checks a request passes before async-graphql sees it, run once per
//! document text rather than once per request: dashboards send the same few
//! query texts all day, so the parse, the limits' verdict and the facts the
//! HTTP layer needs (the operation's name, whether it is a mutation) are
//! kept by text and reused.
//!
//! Why not as an async-graphql extension: with any extension registered,
//! async-graphql wraps the resolution of every field of every row in the
//! extension chain, which cost the contracts page about a sixth of its
//! throughput (bench/README.md). Here nothing is registered on the schema.

use std::sync::{Arc, OnceLock};

use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, OperationType};
use async_graphql::{Name, Pos, ServerError};

use super::walk::{check, Breach, CostTable};
use super::{
    introspection_in, with_code, QueryLimits, SchemaOptions, GRAPHQL_PARSE_FAILED,
    INTROSPECTION_DISABLED,
};

/// How many document texts are kept; the least recently used go first.
pub const KEPT_DOCUMENTS: usize = 1024;

/// Query texts longer than this are checked each time rather than kept, so
/// that the cache stays within [`KEPT_DOCUMENTS`] × 16 KiB of text plus
/// its parsed form.
pub const MAX_KEPT_QUERY_BYTES: usize = 16 * 1024;

/// async-graphql's own bound on how deeply selections nest in a document
/// (fragments expanded); checked here so that its error keeps its code.
const MAX_RECURSION: usize = 32;

/// Code of a request naming an operation its document does not have, or
/// naming none when the document has several.
const BAD_REQUEST: &str = "BAD_REQUEST";

/// Admits requests: parse, limits, introspection policy and the choice of
/// operation, with everything that depends only on the text kept per text.
pub struct Gate {
    limits: QueryLimits,
    introspection: bool,
    costs: CostTable,
    documents: quick_cache::sync::Cache<String, Arc<Document>>,
}

/// One query text, parsed once, with what is known of it without the
/// request's variables and operation name.
pub struct Document {
    parsed: Result<ExecutableDocument, ServerError>,
    /// The name of the document's only operation (`None` when it is
    /// anonymous, or there are several, or the text does not parse).
    only_name: Option<Arc<str>>,
    /// The limits' verdict over every operation, when no operation declares
    /// a variable (so that no request can change it).
    fixed: Option<Result<(), Breach>>,
    /// Where an operation selects `__schema` or `__type`, if one does.
    introspects: Option<Pos>,
    /// async-graphql's nesting bound; computed only once the limits have
    /// passed, because the count follows fragments without memory.
    nesting: OnceLock<Result<(), ServerError>>,
}

impl Document {
    fn new(query: &str, costs: &CostTable, limits: &QueryLimits) -> Document {
        let parsed = async_graphql::parser::parse_query(query)
            .map_err(|error| with_code(error.into(), GRAPHQL_PARSE_FAILED));
        let (only_name, fixed, introspects) = match &parsed {
            Ok(document) => {
                let only_name = match &document.operations {
                    DocumentOperations::Multiple(named) if named.len() == 1 => {
                        named.keys().next().map(|name| Arc::from(name.as_str()))
                    }
                    _ => None,
                };
                let fixed = document
                    .operations
                    .iter()
                    .all(|(_, op)| op.node.variable_definitions.is_empty())
                    .then(|| check(document, None, &Default::default(), costs, limits).map(drop));
                let mut seen = Vec::new();
                let introspects = document.operations.iter().find_map(|(_, operation)| {
                    introspection_in(document, &operation.node.selection_set.node, &mut seen)
                });
                (only_name, fixed, introspects)
            }
            Err(_) => (None, None, None),
        };
        Document {
            parsed,
            only_name,
            fixed,
            introspects,
            nesting: OnceLock::new(),
        }
    }

    /// The name of the operation a request with `operation_name` runs, for
    /// the metrics: the one it names, else the document's only one.
    pub fn operation_name(&self, operation_name: Option<&str>) -> Option<String> {
        operation_name
            .map(str::to_owned)
            .or_else(|| self.only_name.as_deref().map(str::to_owned))
    }

    /// The parsed document (`None` when the text does not parse).
    pub fn parsed(&self) -> Option<&ExecutableDocument> {
        self.parsed.as_ref().ok()
    }

    /// Whether the operation a request with `operation_name` selects is a
    /// mutation (with no name: whether any operation is one).
    pub fn is_mutation(&self, operation_name: Option<&str>) -> bool {
        self.parsed().is_some_and(|document| {
            document.operations.iter().any(|(name, operation)| {
                let selected = operation_name.is_none() || name.map(Name::as_str) == operation_name;
                selected && operation.node.ty == OperationType::Mutation
            })
        })
    }
}

impl Gate {
    /// A gate for the schema printed as `sdl`, enforcing `limits`, refusing
    /// introspection unless `options` allow it.
    pub fn new(sdl: &str, limits: QueryLimits, options: SchemaOptions) -> Gate {
        Gate {
            limits,
            introspection: options.introspection,
            costs: CostTable::from_sdl(sdl),
            documents: quick_cache::sync::Cache::new(KEPT_DOCUMENTS),
        }
    }

    /// The document of `query`, parsed once per text.
    pub fn document(&self, query: &str) -> Arc<Document> {
        if let Some(known) = self.documents.get(query) {
            return known;
        }
        let document = Arc::new(Document::new(query, &self.costs, &self.limits));
        if query.len() <= MAX_KEPT_QUERY_BYTES {
            self.documents.insert(query.to_owned(), document.clone());
        }
        document
    }

    /// Checks `request` and hands it its parsed document, so that
    /// async-graphql does not parse it again; returns the document, or the
    /// error (with its code) that refuses the request.
    ///
    /// The checks run in the order the schema's extensions used to run
    /// them, so that a request breaking several rules gets the same error.
    pub fn admit(
        &self,
        request: &mut async_graphql::Request,
    ) -> Result<Arc<Document>, ServerError> {
        let document = self.document(&request.query);
        let parsed = document.parsed.as_ref().map_err(Clone::clone)?;
        let operation_name = request.operation_name.as_deref();
        let single = parsed.operations.iter().nth(1).is_none();
        match &document.fixed {
            Some(Ok(())) => {}
            // Over one operation, a verdict without variables is the request's.
            Some(Err(breach)) if single && operation_name.is_none() => {
                return Err(breach.into_error(&self.limits))
            }
            _ => {
                let measure = check(
                    parsed,
                    operation_name,
                    &request.variables,
                    &self.costs,
                    &self.limits,
                )
                .map_err(|breach| breach.into_error(&self.limits))?;
                tracing::debug!(?measure, "query within limits");
            }
        }
        document.nesting.get_or_init(|| nesting(parsed)).clone()?;
        if let (Some(pos), false) = (document.introspects, self.introspection) {
            tracing::warn!("query refused: introspection is off");
            return Err(with_code(
                ServerError::new("introspection is off on this server", Some(pos)),
                INTROSPECTION_DISABLED,
            ));
        }
        select(parsed, operation_name)?;
        request.set_parsed_query(parsed.clone());
        Ok(document)
    }
}

/// Refuses a request whose operation cannot be chosen, with async-graphql's
/// own messages (it would otherwise report them after validation, without
/// a code).
fn select(document: &ExecutableDocument, operation_name: Option<&str>) -> Result<(), ServerError> {
    let chosen = match (&document.operations, operation_name) {
        (DocumentOperations::Single(_), None) => true,
        (DocumentOperations::Multiple(named), None) => named.len() == 1,
        (DocumentOperations::Single(_), Some(_)) => false,
        (DocumentOperations::Multiple(named), Some(name)) => named.contains_key(name),
    };
    if chosen {
        return Ok(());
    }
    let message = match operation_name {
        Some(name) => format!(r#"Unknown operation named "{name}""#),
        None => "Operation name required in request.".to_owned(),
    };
    Err(with_code(ServerError::new(message, None), BAD_REQUEST))
}

/// async-graphql's check that selections, fragments expanded, nest at most
/// [`MAX_RECURSION`] deep, with its message.
fn nesting(document: &ExecutableDocument) -> Result<(), ServerError> {
    use async_graphql::parser::types::{Selection, SelectionSet};
    use async_graphql::Positioned;

    fn walk(
        document: &ExecutableDocument,
        set: &Positioned<SelectionSet>,
        depth: usize,
    ) -> Result<(), ServerError> {
        if depth > MAX_RECURSION {
            return Err(with_code(
                ServerError::new(
                    format!(
                        "The recursion depth of the query cannot be greater than `{MAX_RECURSION}`"
                    ),
                    Some(set.pos),
                ),
                GRAPHQL_PARSE_FAILED,
            ));
        }
        for selection in &set.node.items {
            match &selection.node {
                Selection::Field(field) if !field.node.selection_set.node.items.is_empty() => {
                    walk(document, &field.node.selection_set, depth + 1)?;
                }
                Selection::Field(_) => {}
                Selection::FragmentSpread(spread) => {
                    if let Some(fragment) = document.fragments.get(&spread.node.fragment_name.node)
                    {
                        walk(document, &fragment.node.selection_set, depth + 1)?;
                    }
                }
                Selection::InlineFragment(inline) => {
                    walk(document, &inline.node.selection_set, depth + 1)?;
                }
            }
        }
        Ok(())
    }
    document
        .operations
        .iter()
        .try_for_each(|(_, operation)| walk(document, &operation.node.selection_set, 0))
}
