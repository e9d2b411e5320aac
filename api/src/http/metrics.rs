//! `GET /metrics` in the Prometheus text format (written by
//! `prometheus-client`): requests and their latency by route, GraphQL
//! operation name and status; SQL statements sent; the connection pool's use.
//!
//! Operation names come from clients, so the label is bounded: the first
//! [`MAX_OPERATIONS`] names seen get their own series, later ones count as
//! `other`, and unnamed operations as `anonymous`.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use sea_orm::{DatabaseBackend, DatabaseConnection};

/// The most distinct operation names that get series of their own.
pub const MAX_OPERATIONS: usize = 200;

/// The GraphQL operation a response answered, set by the GraphQL handler
/// for the metrics to label it with.
#[derive(Clone, Debug)]
pub struct OperationName(pub Option<String>);

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    route: String,
    operation: String,
    status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct LatencyLabels {
    route: String,
    operation: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabels {
    state: &'static str,
}

/// The server's metrics and the registry that renders them.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<LatencyLabels, Histogram>,
    statements: Counter,
    pool: Family<PoolLabels, Gauge>,
    pool_max: Gauge,
    operations: Mutex<HashSet<String>>,
    db: DatabaseConnection,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

fn latency_histogram() -> Histogram {
    // 1 ms to about 16 s, doubling.
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

impl Metrics {
    /// Metrics of a server on `db`, whose statements it counts from now on.
    pub fn install(db: &mut DatabaseConnection) -> Arc<Metrics> {
        let mut registry = Registry::with_prefix("commtrack");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = Family::<LatencyLabels, Histogram>::new_with_constructor(
            latency_histogram as fn() -> Histogram,
        );
        let statements = Counter::default();
        let pool = Family::<PoolLabels, Gauge>::default();
        let pool_max = Gauge::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by route, GraphQL operation and status",
            requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to answer HTTP requests, by route and GraphQL operation",
            latency.clone(),
        );
        registry.register(
            "sql_statements",
            "SQL statements sent to the database",
            statements.clone(),
        );
        registry.register(
            "db_pool_connections",
            "Open database connections, by state (in_use, idle)",
            pool.clone(),
        );
        registry.register(
            "db_pool_max_connections",
            "The most connections the pool may open",
            pool_max.clone(),
        );
        let counter = statements.clone();
        db.set_metric_callback(move |_| {
            counter.inc();
        });
        Arc::new(Metrics {
            registry,
            requests,
            latency,
            statements,
            pool,
            pool_max,
            operations: Mutex::new(HashSet::new()),
            db: db.clone(),
        })
    }

    /// The operation label for `name`, bounded (see the module docs).
    fn operation_label(&self, name: Option<&str>) -> String {
        let Some(name) = name else {
            return "anonymous".to_owned();
        };
        let mut seen = self
            .operations
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if seen.contains(name) {
            return name.to_owned();
        }
        if seen.len() < MAX_OPERATIONS {
            seen.insert(name.to_owned());
            return name.to_owned();
        }
        "other".to_owned()
    }

    fn observe(&self, route: &str, operation: Option<Option<&str>>, status: StatusCode, secs: f64) {
        let operation = match operation {
            Some(name) => self.operation_label(name),
            // Not a GraphQL request.
            None => String::new(),
        };
        self.requests
            .get_or_create(&RequestLabels {
                route: route.to_owned(),
                operation: operation.clone(),
                status: status.as_u16().to_string(),
            })
            .inc();
        self.latency
            .get_or_create(&LatencyLabels {
                route: route.to_owned(),
                operation,
            })
            .observe(secs);
    }

    /// The SQL statements counted so far.
    pub fn statements(&self) -> u64 {
        self.statements.get()
    }

    /// The text exposition, with the pool read now.
    pub fn render(&self) -> String {
        let (size, idle, max) = match self.db.get_database_backend() {
            DatabaseBackend::Postgres => {
                let pool = self.db.get_postgres_connection_pool();
                (
                    pool.size(),
                    pool.num_idle(),
                    pool.options().get_max_connections(),
                )
            }
            DatabaseBackend::Sqlite => {
                let pool = self.db.get_sqlite_connection_pool();
                (
                    pool.size(),
                    pool.num_idle(),
                    pool.options().get_max_connections(),
                )
            }
            _ => (0, 0, 0),
        };
        let idle = i64::try_from(idle).unwrap_or(i64::MAX);
        self.pool
            .get_or_create(&PoolLabels { state: "idle" })
            .set(idle);
        self.pool
            .get_or_create(&PoolLabels { state: "in_use" })
            .set(i64::from(size) - idle);
        self.pool_max.set(i64::from(max));
        let mut text = String::new();
        match prometheus_client::encoding::text::encode(&mut text, &self.registry) {
            Ok(()) => text,
            Err(err) => {
                tracing::error!(%err, "cannot encode the metrics");
                String::new()
            }
        }
    }
}

/// `GET /metrics`.
pub async fn serve(State(metrics): State<Arc<Metrics>>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
        )],
        metrics.render(),
    )
        .into_response()
}

/// Middleware: times every request and counts it by route, operation and
/// status.
pub async fn track(State(metrics): State<Arc<Metrics>>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let started = Instant::now();
    let response = next.run(request).await;
    let operation = response
        .extensions()
        .get::<OperationName>()
        .map(|OperationName(name)| name.as_deref());
    metrics.observe(
        &route,
        operation,
        response.status(),
        started.elapsed().as_secs_f64(),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn operation_names_are_bounded() {
        let mut db = crate::store::open("sqlite::memory:").await.unwrap();
        let metrics = Metrics::install(&mut db);
        assert_eq!(metrics.operation_label(None), "anonymous");
        for n in 0..MAX_OPERATIONS {
            assert_eq!(
                metrics.operation_label(Some(&format!("Op{n}"))),
                format!("Op{n}")
            );
        }
        assert_eq!(metrics.operation_label(Some("Op0")), "Op0", "seen before");
        assert_eq!(metrics.operation_label(Some("OneTooMany")), "other");
    }

    #[tokio::test]
    async fn the_exposition_names_routes_operations_and_the_pool() {
        let mut db = crate::store::open("sqlite::memory:").await.unwrap();
        let metrics = Metrics::install(&mut db);
        metrics.observe("/graphql", Some(Some("Renewals")), StatusCode::OK, 0.003);
        metrics.observe("/healthz", None, StatusCode::OK, 0.0001);
        let text = metrics.render();
        for line in [
            "# TYPE commtrack_http_requests counter",
            r#"commtrack_http_requests_total{route="/graphql",operation="Renewals",status="200"} 1"#,
            r#"commtrack_http_requests_total{route="/healthz",operation="",status="200"} 1"#,
            r#"commtrack_http_request_duration_seconds_bucket{le="0.004",route="/graphql",operation="Renewals"} 1"#,
            r#"commtrack_http_request_duration_seconds_count{route="/graphql",operation="Renewals"} 1"#,
            "# TYPE commtrack_db_pool_connections gauge",
        ] {
            assert!(text.lines().any(|l| l == line), "{line:?} missing:\n{text}");
        }
        assert!(text.contains("commtrack_db_pool_max_connections "));
        assert!(text.contains("commtrack_sql_statements_total "));
    }
}
