//! The HTTP layer: routes, middleware (request ids, tracing, body limit,
//! timeout) and the GraphQL handlers.

use std::time::Duration;

use async_graphql::ServerError;
use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderName, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use sea_orm::DatabaseConnection;
use tower::ServiceBuilder;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::graphql::{build_schema, CommtrackSchema};

/// The header carrying the request id, set on every request and response.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
/// The largest request body accepted.
pub const MAX_BODY_BYTES: usize = 256 * 1024;
/// How long a request may run.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The application's router over a database.
pub fn router(db: DatabaseConnection) -> Router {
    let schema = build_schema(db);
    Router::new()
        .route("/graphql", get(graphql_get).post(graphql_post))
        .route("/healthz", get(healthz))
        .merge(crate::graphiql::assets_router())
        .with_state(schema)
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
                .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
                .layer(TimeoutLayer::with_status_code(StatusCode::GATEWAY_TIMEOUT, REQUEST_TIMEOUT)),
        )
}

/// Serves the application on `listener` until Ctrl-C or SIGTERM.
pub async fn serve(
    listener: tokio::net::TcpListener,
    db: DatabaseConnection,
) -> std::io::Result<()> {
    axum::serve(listener, router(db))
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

async fn healthz(State(schema): State<CommtrackSchema>) -> Response {
    match schema.execute("{ __typename }").await.is_ok() {
        true => (StatusCode::OK, "ok").into_response(),
        false => (StatusCode::SERVICE_UNAVAILABLE, "unavailable").into_response(),
    }
}

/// `GET /graphql`: GraphiQL for a browser, or a query in the URL for a client.
async fn graphql_get(
    State(schema): State<CommtrackSchema>,
    headers: HeaderMap,
    uri: axum::http::Uri,
    request: GraphQLRequest,
) -> Response {
    let wants_html = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    let has_query = uri
        .query()
        .is_some_and(|q| q.split('&').any(|pair| pair.starts_with("query=")));
    if wants_html && !has_query {
        return crate::graphiql::page("/graphql").into_response();
    }
    execute(&schema, &headers, request).await
}

/// `POST /graphql`: a GraphQL request as JSON.
async fn graphql_post(
    State(schema): State<CommtrackSchema>,
    headers: HeaderMap,
    request: GraphQLRequest,
) -> Response {
    execute(&schema, &headers, request).await
}

async fn execute(
    schema: &CommtrackSchema,
    headers: &HeaderMap,
    request: GraphQLRequest,
) -> Response {
    let request_id = headers
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let mut response = schema.execute(request.into_inner()).await;
    for error in &mut response.errors {
        attach_request_id(error, &request_id);
    }
    GraphQLResponse::from(response).into_response()
}

/// Internal errors carry only the request id, which finds their detail in the log.
fn attach_request_id(error: &mut ServerError, request_id: &str) {
    let is_internal = error
        .extensions
        .as_ref()
        .and_then(|ext| ext.get("code"))
        .is_some_and(|code| *code == async_graphql::Value::from("INTERNAL"));
    if is_internal {
        error
            .extensions
            .get_or_insert_with(Default::default)
            .set("requestId", request_id);
    }
}
