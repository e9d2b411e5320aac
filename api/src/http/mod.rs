//! The HTTP layer: routes, middleware and the GraphQL handlers. Every HTTP
//! limit is set here, in [`router`]; GraphQL's own limits are set in
//! `crate::graphql::schema_builder`.
//!
//! - [`access`]: API keys (`Authorization: Bearer`), public read, the rate limit.
//! - [`graphql`]: `GET`/`POST /graphql`: media types, body limit, batches,
//!   mutations over `GET`, error codes on every error.
//! - [`reply`]: JSON error bodies for refusals made before GraphQL runs.

use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderName, Request, StatusCode};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use sea_orm::DatabaseConnection;
use tower::ServiceBuilder;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

use crate::graphql::limits::SchemaOptions;
use crate::graphql::{build_schema, CommtrackSchema};

pub mod access;
pub mod answers;
pub mod calendar;
pub mod exports;
pub mod graphql;
pub mod import;
pub mod metrics;
pub mod reply;

/// The header carrying the request id, set on every request and response.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
/// The largest request body accepted (a larger one is a 413).
pub const MAX_BODY_BYTES: usize = 256 * 1024;
/// How long a request may run by default (then a 504).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Requests per minute per key (per address for anonymous callers) by
/// default: ten a second sustained, with bursts up to the minute's allowance,
/// enough for a dashboard and too few for a scraper.
pub const DEFAULT_RATE_LIMIT_PER_MINUTE: u32 = 600;

/// The request id (`x-request-id`) in the GraphQL request data, so that
/// resolvers can record it (the audit log does).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestId(pub String);

/// Settings of the server beyond its database.
#[derive(Clone, Debug)]
pub struct ServerOptions {
    /// How long shared loaders collect keys before querying.
    pub loader_delay: Duration,
    /// Serve `GET /metrics` (Prometheus text format): requests and latency
    /// by route and operation, SQL statements, the connection pool. Counting
    /// statements takes the pool's metric callback (SeaORM keeps one).
    pub metrics: bool,
    /// The largest CSV file `POST /import/{kind}` accepts, in bytes.
    pub import_limit_bytes: u64,
    /// How long `POST /import/{kind}` may run: it reads and writes a whole
    /// file in one request, so it has a limit of its own.
    pub import_timeout: Duration,
    /// The `ocid` prefix of OCDS exports that name none.
    pub ocid_prefix: crate::export::OcidPrefix,
}

impl Default for ServerOptions {
    fn default() -> Self {
        ServerOptions {
            loader_delay: crate::graphql::DEFAULT_LOADER_DELAY,
            metrics: true,
            import_limit_bytes: import::MAX_IMPORT_BYTES,
            import_timeout: import::IMPORT_TIMEOUT,
            ocid_prefix: crate::export::OcidPrefix::default(),
        }
    }
}

/// Who may call the server, how often and for how long, and what the schema
/// tells about itself. The default is the production one: keys required,
/// introspection and suggestions off.
#[derive(Clone, Debug)]
pub struct SecurityOptions {
    /// Let requests without a key in as anonymous viewers (`serve --demo`,
    /// `--public-read`). A key that is sent must still be valid.
    pub public_read: bool,
    /// Introspection and "did you mean" suggestions.
    pub schema: SchemaOptions,
    /// Requests per minute per key (per address for anonymous callers);
    /// `None` turns the limit off.
    pub rate_limit_per_minute: Option<NonZeroU32>,
    /// How long a request may run.
    pub request_timeout: Duration,
}

impl Default for SecurityOptions {
    fn default() -> Self {
        SecurityOptions {
            public_read: false,
            schema: SchemaOptions::CLOSED,
            rate_limit_per_minute: NonZeroU32::new(DEFAULT_RATE_LIMIT_PER_MINUTE),
            request_timeout: REQUEST_TIMEOUT,
        }
    }
}

impl SecurityOptions {
    /// A demo server: anonymous read, introspection and suggestions on.
    pub fn demo() -> Self {
        SecurityOptions {
            public_read: true,
            schema: SchemaOptions::OPEN,
            ..SecurityOptions::default()
        }
    }
}

/// What the GraphQL handlers share.
#[derive(Clone)]
pub struct AppState {
    /// The schema, with its database and loaders.
    pub schema: CommtrackSchema,
    /// Kept answers to aggregate queries.
    pub answers: Arc<answers::Answers>,
    /// The database, for the routes outside GraphQL (feeds, exports).
    pub db: DatabaseConnection,
    /// Admits requests to the schema: parse, limits and introspection
    /// policy, kept per query text.
    pub gate: Arc<crate::graphql::limits::Gate>,
}

/// The application's router over a database.
pub fn router(
    db: DatabaseConnection,
    options: &ServerOptions,
    security: &SecurityOptions,
) -> Router {
    let mut db = db;
    let metrics = options.metrics.then(|| metrics::Metrics::install(&mut db));
    let schema = build_schema(db.clone(), options.loader_delay, security.schema);
    let gate = Arc::new(crate::graphql::gate(&schema, security.schema));
    let answers = Arc::new(answers::Answers::new(db.clone()));
    let importing = Arc::new(import::ImportState {
        db: db.clone(),
        limit_bytes: options.import_limit_bytes,
    });
    let exports = exports::ExportState {
        db: db.clone(),
        ocid_prefix: options.ocid_prefix.clone(),
    };
    let access = Arc::new(access::Access::new(db.clone(), security));
    let export_routes = exports::routes(exports, access.clone());
    let timeout = |limit: Duration| middleware::from_fn_with_state(limit, reply::enforce_timeout);
    // CSV files are streamed under their own size and time limits.
    let import_routes = Router::new()
        .route("/import/{kind}", axum::routing::post(import::post))
        .route_layer(middleware::from_fn_with_state(
            access.clone(),
            access::authenticate,
        ))
        .layer(DefaultBodyLimit::max(
            usize::try_from(options.import_limit_bytes).unwrap_or(usize::MAX),
        ))
        .layer(timeout(options.import_timeout))
        .with_state(importing);
    let graphql_routes = Router::new()
        .route("/graphql", get(graphql::get).post(graphql::post))
        .route_layer(middleware::from_fn_with_state(
            access.clone(),
            access::authenticate,
        ));
    let feed_routes = Router::new()
        .route("/calendar.ics", get(calendar::feed))
        .route_layer(middleware::from_fn_with_state(
            access,
            access::authenticate_feed,
        ));
    let mut app = Router::new()
        .merge(graphql_routes)
        .merge(feed_routes)
        .merge(export_routes)
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .merge(crate::graphiql::assets_router())
        .merge(crate::dashboard::router())
        .layer(timeout(security.request_timeout))
        .merge(import_routes);
    if let Some(metrics) = metrics {
        app = app
            .route("/metrics", get(metrics::serve).with_state(metrics.clone()))
            .layer(middleware::from_fn_with_state(metrics, metrics::track));
    }
    app
        .with_state(AppState {
            schema,
            answers,
            db,
            gate,
        })
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
                .layer(TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
                    let id = request
                        .headers()
                        .get(REQUEST_ID)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("-");
                    tracing::info_span!("request", request_id = %id, method = %request.method(), path = %request.uri().path())
                }))
                .layer(PropagateRequestIdLayer::new(REQUEST_ID))
                .layer(DefaultBodyLimit::max(MAX_BODY_BYTES)),
        )
}

/// Serves the application on `listener` until Ctrl-C or SIGTERM.
pub async fn serve(
    listener: tokio::net::TcpListener,
    db: DatabaseConnection,
    options: ServerOptions,
    security: SecurityOptions,
) -> std::io::Result<()> {
    // Peer addresses key the rate limit of anonymous callers.
    let app = router(db, &options, &security).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}

/// How long `/readyz` waits for the database.
const READY_TIMEOUT: Duration = Duration::from_secs(2);

/// `GET /readyz`: whether the server can answer now, i.e. the database
/// answers a ping within [`READY_TIMEOUT`]; 503 otherwise (the reason is
/// logged, not shown). `/healthz` says only that the process is alive.
async fn readyz(State(state): State<AppState>) -> Response {
    let ping = tokio::time::timeout(READY_TIMEOUT, state.db.ping()).await;
    let reason = match ping {
        Ok(Ok(())) => return (StatusCode::OK, "ready").into_response(),
        Ok(Err(err)) => err.to_string(),
        Err(_) => format!("no answer within {READY_TIMEOUT:?}"),
    };
    tracing::warn!(%reason, "not ready: the database does not answer");
    (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
}

/// `GET /healthz`: the process is alive and its schema executes.
async fn healthz(State(state): State<AppState>) -> Response {
    match state.schema.execute("{ __typename }").await.is_ok() {
        true => (StatusCode::OK, "ok").into_response(),
        false => (StatusCode::SERVICE_UNAVAILABLE, "unavailable").into_response(),
    }
}
