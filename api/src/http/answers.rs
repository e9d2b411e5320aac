//! Whole answers to the aggregate queries dashboards repeat all day, kept
//! per data version (`store::data_version`): a dashboard asking again for
//! the same figures gets the same bytes back without the answer being built
//! field by field, and any write, through any instance, makes every kept
//! answer stale at once.
//!
//! Only operations made of nothing but aggregate root fields qualify (see
//! [`AGGREGATE_ROOTS`]); lists, lookups and mutations always run. An answer
//! is kept only when it carries no error, and is keyed by everything that
//! can change it: the data version, the caller's role and organisation, the
//! day in Europe/London (the calendar's default `asOf`), the operation, its
//! variables and its text.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use async_graphql::parser::types::{ExecutableDocument, OperationType, Selection};
use sea_orm::DatabaseConnection;

use crate::auth::Principal;
use crate::error::AppResult;
use crate::store::data_version;

/// The root fields whose answers depend only on the data, the caller and
/// the day.
pub const AGGREGATE_ROOTS: [&str; 6] = [
    "spendSummary",
    "reachSummary",
    "budgetUtilisation",
    "costPerOutcome",
    "costShareLiabilities",
    "renewalCalendar",
];

/// How many bytes of answers are kept at most; the least recently used go first.
pub const CAPACITY_BYTES: u64 = 32 * 1024 * 1024;

#[derive(Clone)]
struct Bytes;

impl quick_cache::Weighter<String, Arc<str>> for Bytes {
    fn weight(&self, key: &String, answer: &Arc<str>) -> u64 {
        (key.len() + answer.len()) as u64
    }
}

/// The kept answers.
pub struct Answers {
    db: DatabaseConnection,
    kept: quick_cache::sync::Cache<String, Arc<str>, Bytes>,
    /// The newest data version seen; older answers are dropped when it moves.
    latest: AtomicI64,
}

impl Answers {
    /// Answers over `db`, at most [`CAPACITY_BYTES`] of them.
    pub fn new(db: DatabaseConnection) -> Self {
        Answers {
            db,
            kept: quick_cache::sync::Cache::with_weighter(1024, CAPACITY_BYTES, Bytes),
            latest: AtomicI64::new(i64::MIN),
        }
    }

    /// The key of `request` (one [`is_aggregate_only`] admits) for
    /// `principal` at the current data version.
    pub async fn key(
        &self,
        request: &async_graphql::Request,
        principal: Option<&Principal>,
    ) -> AppResult<String> {
        let version = data_version::current(&self.db).await?;
        if self.latest.fetch_max(version, Ordering::AcqRel) < version {
            self.kept.clear();
        }
        let (role, organisation) =
            principal.map_or((None, None), |p| (Some(p.role), p.organisation_id));
        let variables = serde_json::to_string(&request.variables).unwrap_or_default();
        Ok(format!(
            "{version}\n{role:?}\n{organisation:?}\n{}\n{:?}\n{variables}\n{}",
            crate::graphql::today(),
            request.operation_name,
            request.query
        ))
    }

    /// The kept answer under `key`.
    pub fn get(&self, key: &str) -> Option<Arc<str>> {
        self.kept.get(key)
    }

    /// Keeps `answer` under `key`.
    pub fn keep(&self, key: String, answer: Arc<str>) {
        self.kept.insert(key, answer);
    }
}

/// Whether the operation `document` runs (named `operation_name`) is a query
/// whose every root selection is a plain aggregate field: no fragments, no
/// directives (whose `if` a variable may flip, which the key covers anyway,
/// but which keep the rule simple to check). The document is the one the
/// gate parsed and keeps for the query text.
pub fn is_aggregate_only(document: &ExecutableDocument, operation_name: Option<&str>) -> bool {
    let mut operations = document
        .operations
        .iter()
        .filter(|(name, _)| operation_name.is_none() || name.map(|n| n.as_str()) == operation_name);
    let (Some((_, operation)), None) = (operations.next(), operations.next()) else {
        return false;
    };
    operation.node.ty == OperationType::Query
        && operation.node.directives.is_empty()
        && operation
            .node
            .selection_set
            .node
            .items
            .iter()
            .all(|item| match &item.node {
                Selection::Field(field) => {
                    field.node.directives.is_empty()
                        && AGGREGATE_ROOTS.contains(&field.node.name.node.as_str())
                }
                _ => false,
            })
}

#[cfg(test)]
mod tests {
    /// Whether `query` (which must parse) is kept.
    fn is_aggregate_only(query: &str, operation_name: Option<&str>) -> bool {
        let document = async_graphql::parser::parse_query(query).expect("a query that parses");
        super::is_aggregate_only(&document, operation_name)
    }

    #[test]
    fn only_operations_of_aggregate_roots_are_kept() {
        assert!(is_aggregate_only(
            "{ spendSummary { totals { count } } }",
            None
        ));
        assert!(is_aggregate_only(
            "query A { a: reachSummary { totals { sum } } renewalCalendar { asOf } } query B { contracts { nodes { id } } }",
            Some("A")
        ));
        assert!(!is_aggregate_only(
            "query A { reachSummary { totals { sum } } } query B { contracts { nodes { id } } }",
            None
        ), "two operations and no name");
        assert!(!is_aggregate_only(
            "query B { contracts { nodes { id } } }",
            Some("B")
        ));
        assert!(!is_aggregate_only(
            "{ spendSummary { totals { count } } contracts { nodes { id } } }",
            None
        ));
        assert!(!is_aggregate_only("mutation { spendSummary }", None));
        assert!(!is_aggregate_only(
            "{ ...F } fragment F on QueryRoot { spendSummary { totals { count } } }",
            None
        ));
        assert!(!is_aggregate_only(
            "{ spendSummary @include(if: true) { totals { count } } }",
            None
        ));
    }
}
