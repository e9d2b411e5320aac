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

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextPrepareRequest,
    NextValidation,
};
use async_graphql::parser::types::{
    BaseType, ExecutableDocument, Field, Selection, SelectionSet, TypeKind, TypeSystemDefinition,
};
use async_graphql::{
    ErrorExtensionValues, Name, Pos, Positioned, Request, ServerError, ServerResult,
    ValidationResult, Value, Variables,
};

use super::pagination::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};

/// A query nests fields deeper than allowed.
pub const QUERY_TOO_DEEP: &str = "QUERY_TOO_DEEP";
/// A query would cost more than allowed.
pub const QUERY_TOO_COMPLEX: &str = "QUERY_TOO_COMPLEX";
/// An operation uses more aliases than allowed.
pub const TOO_MANY_ALIASES: &str = "TOO_MANY_ALIASES";
/// An introspection query nests type lists deeper than allowed.
pub const INTROSPECTION_TOO_DEEP: &str = "INTROSPECTION_TOO_DEEP";
/// The query text is not GraphQL.
pub const GRAPHQL_PARSE_FAILED: &str = "GRAPHQL_PARSE_FAILED";
/// The query does not fit the schema (unknown field, wrong argument type...).
pub const GRAPHQL_VALIDATION_FAILED: &str = "GRAPHQL_VALIDATION_FAILED";

/// Codes of the errors raised before execution starts: a response carrying
/// one has no `data` (GraphQL spec, "Response Format"), and is a 400 for
/// clients that accept `application/graphql-response+json`.
pub const REQUEST_ERROR_CODES: [&str; 6] = [
    QUERY_TOO_DEEP,
    QUERY_TOO_COMPLEX,
    TOO_MANY_ALIASES,
    INTROSPECTION_TOO_DEEP,
    GRAPHQL_PARSE_FAILED,
    GRAPHQL_VALIDATION_FAILED,
];

/// Introspection fields through which a query reaches more types.
const INTROSPECTION_LISTS: [&str; 5] = [
    "types",
    "fields",
    "inputFields",
    "interfaces",
    "possibleTypes",
];

/// Fields (fragments expanded) the checker visits before calling a query too
/// complex: bounds the checker's own work against fragment "bombs" (fragments
/// that each spread the next twice). Every visited data field costs at least
/// 1, so no query within the cost limit comes near it.
const MAX_VISITS: usize = 20_000;

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
            operation_name: Mutex::default(),
        })
    }
}

struct LimitsOfRequest {
    limits: QueryLimits,
    costs: Arc<OnceLock<CostTable>>,
    /// The operation the request names: only that one is checked.
    operation_name: Mutex<Option<String>>,
}

#[async_trait::async_trait]
impl Extension for LimitsOfRequest {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        if let Ok(mut name) = self.operation_name.lock() {
            name.clone_from(&request.operation_name);
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
        let document = next
            .run(ctx, query, variables)
            .await
            .map_err(|error| with_code(error, GRAPHQL_PARSE_FAILED))?;
        let costs = self.costs.get_or_init(|| CostTable::from_sdl(&ctx.sdl()));
        let operation_name = self.operation_name.lock().ok().and_then(|n| n.clone());
        let measure = check(
            &document,
            operation_name.as_deref(),
            variables,
            costs,
            &self.limits,
        )
        .map_err(|breach| breach.into_error(&self.limits))?;
        tracing::debug!(?measure, "query within limits");
        Ok(document)
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

/// What the schema says about each field's cost: its return type and, for a
/// field taking `first`, the default page size.
#[derive(Debug, Default)]
struct CostTable {
    roots: [String; 3],
    fields: HashMap<String, HashMap<String, FieldCost>>,
}

#[derive(Debug)]
struct FieldCost {
    returns: String,
    default_first: Option<i64>,
}

impl CostTable {
    fn from_sdl(sdl: &str) -> CostTable {
        let document = match async_graphql::parser::parse_schema(sdl) {
            Ok(document) => document,
            Err(error) => {
                // Cannot happen for an SDL the schema printed; without the
                // table every field costs 1 plus its selection.
                tracing::error!(%error, "cannot read the schema's SDL for query costs");
                return CostTable::default();
            }
        };
        let mut table = CostTable {
            roots: ["Query", "Mutation", "Subscription"].map(str::to_owned),
            fields: HashMap::new(),
        };
        for definition in document.definitions {
            match definition {
                TypeSystemDefinition::Schema(schema) => {
                    let schema = schema.node;
                    for (slot, name) in table.roots.iter_mut().zip([
                        schema.query,
                        schema.mutation,
                        schema.subscription,
                    ]) {
                        if let Some(name) = name {
                            *slot = name.node.to_string();
                        }
                    }
                }
                TypeSystemDefinition::Type(ty) => {
                    let fields = match ty.node.kind {
                        TypeKind::Object(object) => object.fields,
                        TypeKind::Interface(interface) => interface.fields,
                        _ => continue,
                    };
                    let costs = fields
                        .into_iter()
                        .map(|field| {
                            let field = field.node;
                            let default_first = field
                                .arguments
                                .iter()
                                .find(|arg| arg.node.name.node == "first")
                                .map(|arg| {
                                    arg.node
                                        .default_value
                                        .as_ref()
                                        .and_then(|v| int_of(&v.node))
                                        .unwrap_or(i64::from(DEFAULT_PAGE_SIZE))
                                });
                            let mut base = &field.ty.node.base;
                            while let BaseType::List(inner) = base {
                                base = &inner.base;
                            }
                            let returns = match base {
                                BaseType::Named(name) => name.to_string(),
                                BaseType::List(_) => unreachable!("unwrapped above"),
                            };
                            (
                                field.name.node.to_string(),
                                FieldCost {
                                    returns,
                                    default_first,
                                },
                            )
                        })
                        .collect();
                    table.fields.insert(ty.node.name.node.to_string(), costs);
                }
                TypeSystemDefinition::Directive(_) => {}
            }
        }
        table
    }

    fn field(&self, on: Option<&str>, name: &str) -> Option<&FieldCost> {
        self.fields.get(on?)?.get(name)
    }
}

fn int_of(value: &Value) -> Option<i64> {
    match value {
        Value::Number(number) => number.as_i64(),
        _ => None,
    }
}

/// A limit a query breaks, and where.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Breach {
    TooDeep(Pos),
    TooComplex(Pos),
    TooManyAliases(Pos),
    IntrospectionTooDeep(Pos),
}

impl Breach {
    fn into_error(self, limits: &QueryLimits) -> ServerError {
        let (code, pos, message) = match self {
            Breach::TooDeep(pos) => (
                QUERY_TOO_DEEP,
                pos,
                format!(
                    "the query nests fields more than {} levels deep",
                    limits.max_depth
                ),
            ),
            Breach::TooComplex(pos) => (
                QUERY_TOO_COMPLEX,
                pos,
                format!(
                    "the query would cost more than {}: each field costs 1 and a connection \
                     costs `first` (default {DEFAULT_PAGE_SIZE}) times its selection; ask for \
                     fewer rows or fields, or page through them",
                    limits.max_complexity
                ),
            ),
            Breach::TooManyAliases(pos) => (
                TOO_MANY_ALIASES,
                pos,
                format!(
                    "an operation may use at most {} aliases",
                    limits.max_aliases
                ),
            ),
            Breach::IntrospectionTooDeep(pos) => (
                INTROSPECTION_TOO_DEEP,
                pos,
                format!(
                    "introspection may nest `types`, `fields`, `inputFields`, `interfaces` and \
                     `possibleTypes` at most {} deep",
                    limits.max_introspection_lists
                ),
            ),
        };
        tracing::warn!(code, "query refused");
        with_code(ServerError::new(message, Some(pos)), code)
    }
}

/// What a checked operation measured (the largest over the operations checked).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Measure {
    depth: usize,
    complexity: usize,
    aliases: usize,
}

/// Checks the operation `operation_name` names (every operation when none is named).
fn check(
    document: &ExecutableDocument,
    operation_name: Option<&str>,
    variables: &Variables,
    costs: &CostTable,
    limits: &QueryLimits,
) -> Result<Measure, Breach> {
    let mut measure = Measure::default();
    for (name, operation) in document.operations.iter() {
        if operation_name.is_some() && name.map(Name::as_str) != operation_name {
            continue;
        }
        let root = match operation.node.ty {
            async_graphql::parser::types::OperationType::Query => &costs.roots[0],
            async_graphql::parser::types::OperationType::Mutation => &costs.roots[1],
            async_graphql::parser::types::OperationType::Subscription => &costs.roots[2],
        };
        let defaults = operation
            .node
            .variable_definitions
            .iter()
            .filter_map(|v| Some((v.node.name.node.as_str(), int_of(v.node.default_value()?)?)))
            .collect();
        let mut walk = Walk {
            document,
            variables,
            defaults,
            costs,
            limits,
            aliases: 0,
            visits: 0,
            depth: 0,
            fragments: Vec::new(),
        };
        let complexity = walk.selections(&operation.node.selection_set.node, Some(root), 0)?;
        measure = Measure {
            depth: measure.depth.max(walk.depth),
            complexity: measure.complexity.max(complexity),
            aliases: measure.aliases.max(walk.aliases),
        };
    }
    Ok(measure)
}

/// One pass over an operation, fragments expanded.
struct Walk<'a> {
    document: &'a ExecutableDocument,
    variables: &'a Variables,
    /// Integer defaults of the operation's variables.
    defaults: HashMap<&'a str, i64>,
    costs: &'a CostTable,
    limits: &'a QueryLimits,
    aliases: usize,
    visits: usize,
    /// The deepest data field seen.
    depth: usize,
    /// Fragments being expanded: a cycle is not followed (validation reports it).
    fragments: Vec<&'a str>,
}

impl<'a> Walk<'a> {
    /// The cost of `set` selected on type `on` by a field at `depth`.
    fn selections(
        &mut self,
        set: &'a SelectionSet,
        on: Option<&str>,
        depth: usize,
    ) -> Result<usize, Breach> {
        let mut total = 0usize;
        for selection in &set.items {
            let (cost, pos) = match &selection.node {
                Selection::Field(field) => (self.field(field, on, depth)?, field.pos),
                Selection::InlineFragment(fragment) => {
                    let on = fragment
                        .node
                        .type_condition
                        .as_ref()
                        .map(|c| c.node.on.node.as_str())
                        .or(on);
                    (
                        self.selections(&fragment.node.selection_set.node, on, depth)?,
                        fragment.pos,
                    )
                }
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.as_str();
                    match self.document.fragments.get(name) {
                        Some(fragment) if !self.fragments.contains(&name) => {
                            self.fragments.push(name);
                            let on = fragment.node.type_condition.node.on.node.as_str();
                            let cost =
                                self.selections(&fragment.node.selection_set.node, Some(on), depth);
                            self.fragments.pop();
                            (cost?, spread.pos)
                        }
                        _ => (0, spread.pos),
                    }
                }
            };
            total = total.saturating_add(cost);
            if total > self.limits.max_complexity {
                return Err(Breach::TooComplex(pos));
            }
        }
        Ok(total)
    }

    fn field(
        &mut self,
        field: &'a Positioned<Field>,
        on: Option<&str>,
        depth: usize,
    ) -> Result<usize, Breach> {
        self.visit(field)?;
        let name = field.node.name.node.as_str();
        if name == "__schema" || name == "__type" {
            self.introspection(&field.node.selection_set.node, 0)?;
            return Ok(1);
        }
        let depth = depth + 1;
        if depth > self.limits.max_depth {
            return Err(Breach::TooDeep(field.pos));
        }
        self.depth = self.depth.max(depth);
        let cost = self.costs.field(on, name);
        let children = self.selections(
            &field.node.selection_set.node,
            cost.map(|c| c.returns.as_str()),
            depth,
        )?;
        let rows = match cost.and_then(|c| c.default_first) {
            Some(default) => self.first(field, default),
            None => 1,
        };
        Ok(1usize.saturating_add(rows.saturating_mul(children)))
    }

    /// Counts a visited field and its alias.
    fn visit(&mut self, field: &Positioned<Field>) -> Result<(), Breach> {
        self.visits += 1;
        if self.visits > MAX_VISITS {
            return Err(Breach::TooComplex(field.pos));
        }
        if field.node.alias.is_some() {
            self.aliases += 1;
            if self.aliases > self.limits.max_aliases {
                return Err(Breach::TooManyAliases(field.pos));
            }
        }
        Ok(())
    }

    /// The rows a `first` argument asks for, within the page bounds.
    fn first(&self, field: &Positioned<Field>, default: i64) -> usize {
        let asked = field.node.get_argument("first").and_then(|argument| {
            let value = argument.node.clone().into_const_with(|variable| {
                self.variables
                    .get(&variable)
                    .cloned()
                    .or_else(|| {
                        self.defaults
                            .get(variable.as_str())
                            .map(|&n| Value::from(n))
                    })
                    .ok_or(())
            });
            value.ok().as_ref().and_then(int_of)
        });
        let rows = asked.unwrap_or(default).clamp(1, i64::from(MAX_PAGE_SIZE));
        usize::try_from(rows).unwrap_or(1)
    }

    /// Checks an introspection selection, `lists` type lists deep.
    fn introspection(&mut self, set: &'a SelectionSet, lists: usize) -> Result<(), Breach> {
        for selection in &set.items {
            match &selection.node {
                Selection::Field(field) => {
                    self.visit(field)?;
                    let lists = lists
                        + usize::from(INTROSPECTION_LISTS.contains(&field.node.name.node.as_str()));
                    if lists > self.limits.max_introspection_lists {
                        return Err(Breach::IntrospectionTooDeep(field.pos));
                    }
                    self.introspection(&field.node.selection_set.node, lists)?;
                }
                Selection::InlineFragment(fragment) => {
                    self.introspection(&fragment.node.selection_set.node, lists)?;
                }
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.as_str();
                    if let Some(fragment) = self.document.fragments.get(name) {
                        if !self.fragments.contains(&name) {
                            self.fragments.push(name);
                            let result =
                                self.introspection(&fragment.node.selection_set.node, lists);
                            self.fragments.pop();
                            result?;
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: QueryLimits = crate::graphql::QUERY_LIMITS;

    fn costs() -> CostTable {
        CostTable::from_sdl(&crate::graphql::sdl())
    }

    fn measure(query: &str, variables: serde_json::Value) -> Result<Measure, Breach> {
        let document = async_graphql::parser::parse_query(query).expect("a valid query");
        let variables = Variables::from_json(variables);
        check(&document, None, &variables, &costs(), &LIMITS)
    }

    fn examples() -> Vec<(String, String, serde_json::Value)> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/queries");
        let mut found = Vec::new();
        for entry in std::fs::read_dir(&dir).expect("examples/queries") {
            let path = entry.expect("an entry").path();
            if path.extension().is_some_and(|e| e == "graphql") {
                let query = std::fs::read_to_string(&path).expect("read");
                let variables = std::fs::read_to_string(path.with_extension("json"))
                    .map(|text| serde_json::from_str(&text).expect("JSON variables"))
                    .unwrap_or(serde_json::json!({}));
                found.push((path.display().to_string(), query, variables));
            }
        }
        assert!(found.len() >= 5, "the examples are there");
        found
    }

    #[test]
    fn every_example_query_fits_with_room_to_spare() {
        for (name, query, variables) in examples() {
            let measure = measure(&query, variables).unwrap_or_else(|b| panic!("{name}: {b:?}"));
            eprintln!("{name}: {measure:?}");
            assert!(measure.depth + 2 <= LIMITS.max_depth, "{name}: {measure:?}");
            assert!(
                measure.complexity * 2 <= LIMITS.max_complexity,
                "{name}: {measure:?}"
            );
        }
    }

    #[test]
    fn a_connection_costs_first_times_its_selection() {
        // 1 (contracts) + first × (1 (nodes) + 1 (reference) + 1 (provider) + 1 (name)).
        let query =
            "query($n: Int) { contracts(first: $n) { nodes { reference provider { name } } } }";
        assert_eq!(
            measure(query, serde_json::json!({ "n": 7 }))
                .unwrap()
                .complexity,
            1 + 7 * 4
        );
        // Without `first`, the default page size; beyond 100, the page bound.
        assert_eq!(
            measure(query, serde_json::json!({})).unwrap().complexity,
            1 + 20 * 4
        );
        let literal = "{ contracts(first: 5000) { nodes { reference } } }";
        assert_eq!(
            measure(literal, serde_json::json!({})).unwrap().complexity,
            1 + 100 * 2
        );
        // Depth counts data fields: contracts > nodes > provider > name.
        assert_eq!(measure(query, serde_json::json!({})).unwrap().depth, 4);
    }

    #[test]
    fn wide_pages_are_refused_as_too_complex() {
        let fields = vec!["reference"; LIMITS.max_complexity / 100].join(" ");
        let wide = format!("{{ contracts(first: 100) {{ nodes {{ {fields} }} }} }}");
        assert!(matches!(
            measure(&wide, serde_json::json!({})),
            Err(Breach::TooComplex(_))
        ));
    }

    #[test]
    fn aliases_are_counted_across_fragments() {
        let aliases = |n: usize| {
            (0..n)
                .map(|i| format!("a{i}: __typename"))
                .collect::<Vec<_>>()
                .join(" ")
        };
        let at_limit = format!("{{ {} }}", aliases(LIMITS.max_aliases));
        assert_eq!(
            measure(&at_limit, serde_json::json!({})).unwrap().aliases,
            LIMITS.max_aliases
        );
        let over = format!("{{ {} }}", aliases(LIMITS.max_aliases + 1));
        assert!(matches!(
            measure(&over, serde_json::json!({})),
            Err(Breach::TooManyAliases(_))
        ));
        // A fragment's aliases count every time it is spread.
        let spread = format!(
            "{{ ...F contracts {{ nodes {{ ...G }} }} }} fragment F on QueryRoot {{ {} }} fragment G on Contract {{ x: reference }}",
            aliases(LIMITS.max_aliases)
        );
        assert!(matches!(
            measure(&spread, serde_json::json!({})),
            Err(Breach::TooManyAliases(_))
        ));
    }

    #[test]
    fn deep_queries_are_refused() {
        let mut query = "reference".to_owned();
        for _ in 0..LIMITS.max_depth {
            query = format!("node(id: \"x\") {{ ... on Contract {{ {query} }} }}");
        }
        assert!(matches!(
            measure(&format!("{{ {query} }}"), serde_json::json!({})),
            Err(Breach::TooDeep(_))
        ));
    }

    #[test]
    fn graphiql_introspection_passes_but_the_type_cycle_does_not() {
        let graphiql = include_str!("../../../tests/fixtures/graphiql_introspection.graphql");
        let measure =
            measure(graphiql, serde_json::json!({})).expect("GraphiQL's schema query passes");
        assert_eq!(
            measure.depth, 0,
            "introspection is not counted as data depth"
        );
        let cycle =
            "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }";
        assert!(matches!(
            self::measure(cycle, serde_json::json!({})),
            Err(Breach::IntrospectionTooDeep(_))
        ));
        let via_type = "{ __type(name: \"Contract\") { fields { type { fields { type { fields { name } } } } } } }";
        assert!(matches!(
            self::measure(via_type, serde_json::json!({})),
            Err(Breach::IntrospectionTooDeep(_))
        ));
        // Two levels (a type's fields' types' fields) is still allowed.
        let two =
            "{ __type(name: \"Contract\") { fields { type { ofType { fields { name } } } } } }";
        assert!(self::measure(two, serde_json::json!({})).is_ok());
    }

    #[test]
    fn fragment_bombs_and_cycles_end_quickly() {
        // Each fragment spreads the next twice: 2^30 fields if expanded.
        let mut query = "{ ...F0 } ".to_owned();
        for i in 0..30 {
            query.push_str(&format!(
                "fragment F{i} on QueryRoot {{ ...F{} ...F{} }} ",
                i + 1,
                i + 1
            ));
        }
        query.push_str("fragment F30 on QueryRoot { __typename }");
        assert!(matches!(
            measure(&query, serde_json::json!({})),
            Err(Breach::TooComplex(_))
        ));
        let cycle = "{ ...A } fragment A on QueryRoot { ...B } fragment B on QueryRoot { ...A }";
        assert!(
            measure(cycle, serde_json::json!({})).is_ok(),
            "left to validation"
        );
    }
}
