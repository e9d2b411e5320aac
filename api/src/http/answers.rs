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
//! variables and its text. Requests for an answer not kept yet wait for
//! the first of them to build it (one answer built, not one per request: a
//! dashboard's panels all ask again right after a write).

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

type Kept = quick_cache::sync::Cache<String, Arc<str>, Bytes>;

/// The kept answers.
pub struct Answers {
    db: DatabaseConnection,
    kept: Kept,
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

    /// The answer kept under `key`, or the duty to build it: until the
    /// returned [`Pending`] keeps an answer or is dropped, other requests
    /// for `key` wait here (a dropped one hands the duty to one of them).
    pub async fn find(&self, key: &str) -> Found<'_> {
        match self.kept.get_value_or_guard_async(key).await {
            Ok(answer) => Found::Kept(answer),
            Err(guard) => Found::Build(Pending(guard)),
        }
    }
}

/// What a request finds under its key.
pub enum Found<'a> {
    /// The answer, built by an earlier request.
    Kept(Arc<str>),
    /// Nothing yet: this request builds it.
    Build(Pending<'a>),
}

/// An answer being built: other requests for it wait until it is kept or
/// this is dropped.
pub struct Pending<'a>(
    quick_cache::sync::PlaceholderGuard<
        'a,
        String,
        Arc<str>,
        Bytes,
        quick_cache::DefaultHashBuilder,
        quick_cache::sync::DefaultLifecycle<String, Arc<str>>,
    >,
);

impl Pending<'_> {
    /// Keeps `answer` and hands it to the requests waiting for it.
    pub fn keep(self, answer: Arc<str>) {
        // Refused only when the key was replaced meanwhile: nothing to keep then.
        let _ = self.0.insert(answer);
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
    use std::sync::Arc;
    use std::time::Duration;

    use super::{Answers, Found};

    #[tokio::test]
    async fn requests_for_an_answer_being_built_wait_for_it() {
        let answers = Answers::new(sea_orm::DatabaseConnection::default());
        let Found::Build(pending) = answers.find("key").await else {
            panic!("nothing is kept yet");
        };
        let waiting = async {
            match answers.find("key").await {
                Found::Kept(answer) => answer,
                Found::Build(_) => panic!("a second request would build the answer again"),
            }
        };
        let building = async {
            tokio::time::sleep(Duration::from_millis(20)).await;
            pending.keep(Arc::from("{\"data\":{}}"));
        };
        let (answer, ()) = tokio::join!(waiting, building);
        assert_eq!(&*answer, "{\"data\":{}}");
    }

    #[tokio::test]
    async fn an_answer_not_kept_passes_the_duty_to_a_waiting_request() {
        let answers = Answers::new(sea_orm::DatabaseConnection::default());
        let Found::Build(pending) = answers.find("key").await else {
            panic!("nothing is kept yet");
        };
        let waiting = async { matches!(answers.find("key").await, Found::Build(_)) };
        let failing = async {
            tokio::time::sleep(Duration::from_millis(20)).await;
            // An answer with errors is not kept.
            drop(pending);
        };
        let (builds, ()) = tokio::join!(waiting, failing);
        assert!(builds, "the waiting request builds the answer itself");
    }

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
