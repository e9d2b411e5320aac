//! The counting behind [`super::Gate`]: one pass over an operation,
//! fragments expanded, measuring depth, cost and aliases, and the nesting of
//! introspection lists.

use std::collections::HashMap;

use async_graphql::parser::types::{
    BaseType, ExecutableDocument, Field, Selection, SelectionSet, TypeKind, TypeSystemDefinition,
};
use async_graphql::{Name, Pos, Positioned, ServerError, Value, Variables};

use super::{
    with_code, QueryLimits, INTROSPECTION_TOO_DEEP, QUERY_TOO_COMPLEX, QUERY_TOO_DEEP,
    TOO_MANY_ALIASES,
};
use crate::graphql::pagination::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};

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

/// The longest chain of fragments spreading each other (async-graphql
/// refuses selections nested deeper than 32 levels anyway).
const MAX_FRAGMENT_NESTING: usize = 32;

/// What the schema says about each field's cost: its return type and, for a
/// field taking `first`, the default page size.
#[derive(Debug, Default)]
pub(super) struct CostTable {
    roots: [String; 3],
    fields: HashMap<String, HashMap<String, FieldCost>>,
}

#[derive(Debug)]
struct FieldCost {
    returns: String,
    default_first: Option<i64>,
}

impl CostTable {
    pub(super) fn from_sdl(sdl: &str) -> CostTable {
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
pub(super) enum Breach {
    TooDeep(Pos),
    TooComplex(Pos),
    TooManyAliases(Pos),
    IntrospectionTooDeep(Pos),
}

impl Breach {
    pub(super) fn into_error(self, limits: &QueryLimits) -> ServerError {
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
pub(super) struct Measure {
    pub(super) depth: usize,
    pub(super) complexity: usize,
    pub(super) aliases: usize,
}

/// Checks the operation `operation_name` names (every operation when none is named).
pub(super) fn check(
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
            self.visit(selection)?;
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
                            self.enter(name, spread.pos)?;
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

    /// Counts a visited selection (field, spread or inline fragment) and
    /// its alias.
    fn visit(&mut self, selection: &Positioned<Selection>) -> Result<(), Breach> {
        self.visits += 1;
        if self.visits > MAX_VISITS {
            return Err(Breach::TooComplex(selection.pos));
        }
        if let Selection::Field(field) = &selection.node {
            if field.node.alias.is_some() {
                self.aliases += 1;
                if self.aliases > self.limits.max_aliases {
                    return Err(Breach::TooManyAliases(field.pos));
                }
            }
        }
        Ok(())
    }

    /// Starts expanding fragment `name`. The parser bounds how deeply
    /// selections nest in the text, but not how long a chain of fragments
    /// spreading each other is: without this bound a long chain would
    /// overflow the stack.
    fn enter(&mut self, name: &'a str, pos: Pos) -> Result<(), Breach> {
        if self.fragments.len() >= MAX_FRAGMENT_NESTING {
            return Err(Breach::TooDeep(pos));
        }
        self.fragments.push(name);
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
            self.visit(selection)?;
            match &selection.node {
                Selection::Field(field) => {
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
                            self.enter(name, spread.pos)?;
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
