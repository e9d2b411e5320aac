//! Answers made at the HTTP level: the response media type a client
//! accepts, and GraphQL-shaped error bodies (`{"errors": [{"message",
//! "extensions": {"code"}}]}`) for refusals made before GraphQL runs, so that
//! every error a client sees has a code.

use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::REQUEST_ID;
use crate::error::AppError;

/// The GraphQL-over-HTTP media type.
pub const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json; charset=utf-8";

/// The media type of a response body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Media {
    /// `application/json`: what clients get unless they ask otherwise.
    Json,
    /// `application/graphql-response+json`: for clients that accept it; with
    /// it, a request refused before execution is a 4xx (GraphQL over HTTP).
    GraphqlResponse,
}

impl Media {
    /// The media type `headers`' `Accept` prefers. GraphQL's own type wins a
    /// tie with `application/json`; a wildcard alone keeps plain JSON, which
    /// is what clients written before the GraphQL-over-HTTP spec expect.
    pub fn accepted(headers: &HeaderMap) -> Media {
        let (mut graphql, mut json) = (0.0f32, 0.0f32);
        for accept in headers.get_all(header::ACCEPT) {
            let Ok(accept) = accept.to_str() else {
                continue;
            };
            for range in accept.split(',') {
                let mut parts = range.split(';');
                let essence = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
                let q = parts
                    .filter_map(|p| p.trim().strip_prefix("q="))
                    .find_map(|q| q.trim().parse::<f32>().ok())
                    .unwrap_or(1.0);
                match essence.as_str() {
                    "application/graphql-response+json" => graphql = graphql.max(q),
                    "application/json" => json = json.max(q),
                    _ => {}
                }
            }
        }
        if graphql > 0.0 && graphql >= json {
            Media::GraphqlResponse
        } else {
            Media::Json
        }
    }

    /// The `Content-Type` header value.
    pub fn content_type(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            Media::Json => "application/json",
            Media::GraphqlResponse => GRAPHQL_RESPONSE_JSON,
        })
    }
}

/// The request id the request-id layer gave this request.
pub fn request_id(headers: &HeaderMap) -> String {
    headers
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// A GraphQL-shaped error response: one error with `message` and
/// `extensions.code`, and the request id when one is given.
pub fn error(
    status: StatusCode,
    code: &str,
    message: &str,
    request_id: Option<&str>,
    media: Media,
) -> Response {
    let mut extensions = json!({ "code": code });
    if let Some(id) = request_id {
        extensions["requestId"] = json!(id);
    }
    respond(status, message, extensions, media)
}

fn respond(
    status: StatusCode,
    message: &str,
    extensions: serde_json::Value,
    media: Media,
) -> Response {
    let body = json!({ "errors": [{ "message": message, "extensions": extensions }] });
    (
        status,
        [(header::CONTENT_TYPE, media.content_type())],
        body.to_string(),
    )
        .into_response()
}

/// An [`AppError`] as an HTTP answer outside GraphQL (feeds, exports):
/// the status that fits its code, the code in `extensions.code`, the rule of
/// a bad input in `extensions.rule`, and the request id. An internal error's
/// detail is logged here and never sent.
pub fn app_error(err: &AppError, request_id: &str, media: Media) -> Response {
    let status = match err {
        AppError::NotFound(_) => StatusCode::NOT_FOUND,
        AppError::BadInput { .. } => StatusCode::BAD_REQUEST,
        AppError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
        AppError::Forbidden(_) => StatusCode::FORBIDDEN,
        AppError::Internal(detail) => {
            tracing::error!(%detail, "internal error");
            StatusCode::INTERNAL_SERVER_ERROR
        }
    };
    let mut extensions = json!({ "code": err.code(), "requestId": request_id });
    if let AppError::BadInput { code: rule, .. } = err {
        extensions["rule"] = json!(rule);
    }
    respond(status, err.message(), extensions, media)
}

/// Middleware: a request still running after `limit` is abandoned with a 504
/// carrying `TIMEOUT` and the request id (the log holds what was running).
pub async fn enforce_timeout(
    State(limit): State<Duration>,
    request: Request,
    next: Next,
) -> Response {
    let id = request_id(request.headers());
    let media = Media::accepted(request.headers());
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(?limit, "request timed out");
            error(
                StatusCode::GATEWAY_TIMEOUT,
                "TIMEOUT",
                &format!("the request took longer than {} ms", limit.as_millis()),
                Some(&id),
                media,
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(value: &str) -> Media {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_str(value).unwrap());
        Media::accepted(&headers)
    }

    #[test]
    fn graphql_response_json_only_when_the_client_accepts_it() {
        assert_eq!(Media::accepted(&HeaderMap::new()), Media::Json);
        assert_eq!(accept("*/*"), Media::Json);
        assert_eq!(accept("application/json"), Media::Json);
        assert_eq!(
            accept("application/graphql-response+json"),
            Media::GraphqlResponse
        );
        assert_eq!(
            accept("application/graphql-response+json, application/json;q=0.9"),
            Media::GraphqlResponse
        );
        assert_eq!(
            accept("application/json, application/graphql-response+json;q=0.5"),
            Media::Json
        );
        assert_eq!(accept("application/graphql-response+json;q=0"), Media::Json);
    }

    #[tokio::test]
    async fn a_slow_request_is_a_504_with_a_code_and_the_request_id() {
        use axum::body::Body;
        use tower::Service;

        let mut router: axum::Router = axum::Router::new()
            .route(
                "/slow",
                axum::routing::get(|| async {
                    tokio::time::sleep(Duration::from_secs(5)).await;
                    "done"
                }),
            )
            .layer(axum::middleware::from_fn_with_state(
                Duration::from_millis(20),
                enforce_timeout,
            ));
        std::future::poll_fn(|cx| {
            Service::<axum::http::Request<Body>>::poll_ready(&mut router, cx)
        })
        .await
        .unwrap();
        let request = axum::http::Request::get("/slow")
            .header(REQUEST_ID, "req-7")
            .body(Body::empty())
            .unwrap();
        let response = router.call(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::GATEWAY_TIMEOUT);
        assert_eq!(response.headers()[header::CONTENT_TYPE], "application/json");
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body["errors"][0]["extensions"]["code"], "TIMEOUT");
        assert_eq!(body["errors"][0]["extensions"]["requestId"], "req-7");
    }
}
