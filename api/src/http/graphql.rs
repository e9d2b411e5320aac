//! `GET` and `POST /graphql`, following GraphQL over HTTP:
//!
//! - `POST` takes one JSON request (`Content-Type: application/json`; any
//!   other type is 415). A JSON array (a batch) is refused with 400
//!   `BATCH_NOT_SUPPORTED`: one request would otherwise carry any number of
//!   operations past the per-request limits. A body over the limit is 413.
//! - `GET` serves GraphiQL to a browser, or runs `?query=` for a client;
//!   a mutation over `GET` is 405 (a link or an image tag must never write).
//! - The answer is `application/graphql-response+json` when the client
//!   accepts it (then a request refused before execution is a 400), else
//!   `application/json`.
//! - Every error leaves with an `extensions.code`; internal errors, and any
//!   error without a code from inside a resolver, are shown only as
//!   "internal error" plus the request id, their detail logged.

use std::sync::Arc;

use async_graphql::parser::types::{DocumentOperations, OperationType};
use async_graphql::{ServerError, Value};
use axum::body::Bytes;
use axum::extract::{FromRequest, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

use super::metrics::OperationName;
use super::reply::{self, Media};
use super::{AppState, RequestId};
use crate::auth::Principal;
use crate::graphql::limits::REQUEST_ERROR_CODES;

/// Whether a `GET` asks for the GraphiQL page: a browser (`Accept:
/// text/html`) with no query in the URL.
pub fn wants_graphiql(headers: &HeaderMap, uri: &Uri) -> bool {
    let wants_html = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    let has_query = uri
        .query()
        .is_some_and(|q| q.split('&').any(|pair| pair.starts_with("query=")));
    wants_html && !has_query
}

/// `GET /graphql`: GraphiQL for a browser, or a query in the URL for a client.
pub async fn get(State(state): State<AppState>, request: Request) -> Response {
    if wants_graphiql(request.headers(), request.uri()) {
        return crate::graphiql::page("/graphql").into_response();
    }
    let media = Media::accepted(request.headers());
    let graphql =
        match async_graphql::http::parse_query_string(request.uri().query().unwrap_or_default()) {
            Ok(graphql) => graphql,
            Err(error) => {
                return reply::error(
                    StatusCode::BAD_REQUEST,
                    "BAD_REQUEST",
                    &format!("the URL does not hold a GraphQL request: {error}"),
                    None,
                    media,
                )
            }
        };
    if is_mutation(&graphql.query, graphql.operation_name.as_deref()) {
        tracing::warn!("request refused: mutation over GET");
        let mut response = reply::error(
            StatusCode::METHOD_NOT_ALLOWED,
            "METHOD_NOT_ALLOWED",
            "mutations must be sent with POST",
            None,
            media,
        );
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("POST"));
        return response;
    }
    execute(&state, request.headers(), principal_of(&request), graphql).await
}

/// `POST /graphql`: one GraphQL request as JSON.
pub async fn post(State(state): State<AppState>, request: Request) -> Response {
    let media = Media::accepted(request.headers());
    let headers = request.headers().clone();
    let principal = principal_of(&request);
    if !is_json(&headers) {
        return reply::error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UNSUPPORTED_MEDIA_TYPE",
            "send the request as JSON, with Content-Type: application/json",
            None,
            media,
        );
    }
    // `DefaultBodyLimit` (set on the router) bounds what this reads.
    let body = match Bytes::from_request(request, &()).await {
        Ok(body) => body,
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return reply::error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "PAYLOAD_TOO_LARGE",
                &format!("the body is over {} KiB", super::MAX_BODY_BYTES / 1024),
                None,
                media,
            )
        }
        Err(_) => {
            return reply::error(
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
                "the body could not be read",
                None,
                media,
            )
        }
    };
    if body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
        return reply::error(
            StatusCode::BAD_REQUEST,
            "BATCH_NOT_SUPPORTED",
            "batched requests are not supported: send one operation per request",
            None,
            media,
        );
    }
    match serde_json::from_slice::<async_graphql::Request>(&body) {
        Ok(graphql) => execute(&state, &headers, principal, graphql).await,
        Err(error) => reply::error(
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            &format!("the body is not a GraphQL request: {error}"),
            None,
            media,
        ),
    }
}

fn principal_of(request: &Request) -> Option<Principal> {
    request.extensions().get::<Principal>().cloned()
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"))
}

/// Whether the operation a `GET` would run is a mutation. A query that does
/// not parse is left to the schema, which reports it with its code.
fn is_mutation(query: &str, operation_name: Option<&str>) -> bool {
    let Ok(document) = async_graphql::parser::parse_query(query) else {
        return false;
    };
    document.operations.iter().any(|(name, operation)| {
        let selected = operation_name.is_none() || name.map(|n| n.as_str()) == operation_name;
        selected && operation.node.ty == OperationType::Mutation
    })
}

/// Answers `graphql`, labelled with its operation's name for the metrics.
async fn execute(
    state: &AppState,
    headers: &HeaderMap,
    principal: Option<Principal>,
    graphql: async_graphql::Request,
) -> Response {
    let name = state.operation_names.of(&graphql);
    let mut response = answer(state, headers, principal, graphql).await;
    response.extensions_mut().insert(OperationName(name));
    response
}

/// Operation names by query text, so that naming a request costs a lookup
/// rather than a parse.
pub struct OperationNames(quick_cache::sync::Cache<String, Option<Arc<str>>>);

/// Query texts longer than this are parsed each time rather than kept.
const MAX_NAMED_QUERY_BYTES: usize = 16 * 1024;

impl Default for OperationNames {
    fn default() -> Self {
        OperationNames(quick_cache::sync::Cache::new(1024))
    }
}

impl OperationNames {
    /// The operation `request` runs: the one it names, else the name of its
    /// document's only operation (`None` when that is anonymous or the
    /// document does not parse).
    pub fn of(&self, request: &async_graphql::Request) -> Option<String> {
        if let Some(name) = &request.operation_name {
            return Some(name.clone());
        }
        if let Some(known) = self.0.get(&request.query) {
            return known.map(|name| name.to_string());
        }
        let name: Option<Arc<str>> = match async_graphql::parser::parse_query(&request.query) {
            Ok(document) => match document.operations {
                DocumentOperations::Multiple(named) if named.len() == 1 => {
                    named.keys().next().map(|name| Arc::from(name.as_str()))
                }
                _ => None,
            },
            Err(_) => None,
        };
        if request.query.len() <= MAX_NAMED_QUERY_BYTES {
            self.0.insert(request.query.clone(), name.clone());
        }
        name.map(|name| name.to_string())
    }
}

async fn answer(
    state: &AppState,
    headers: &HeaderMap,
    principal: Option<Principal>,
    graphql: async_graphql::Request,
) -> Response {
    let media = Media::accepted(headers);
    let request_id = reply::request_id(headers);
    let kept = match state.answers.key(&graphql, principal.as_ref()).await {
        Ok(key) => key,
        Err(error) => {
            tracing::warn!(
                ?error,
                "cannot read the data version; answering without the cache"
            );
            None
        }
    };
    if let Some(answer) = kept.as_deref().and_then(|key| state.answers.get(key)) {
        return ok_reply(answer.to_string(), media, None);
    }
    let mut graphql = graphql.data(RequestId(request_id.clone()));
    if let Some(principal) = principal {
        graphql = graphql.data(principal);
    }
    let mut response = state.schema.execute(graphql).await;
    for error in &mut response.errors {
        give_code(error, &request_id);
    }
    let refused_before_execution = !response.errors.is_empty()
        && response.errors.iter().all(|error| {
            code_of(error).is_some_and(|code| REQUEST_ERROR_CODES.contains(&code.as_str()))
        });
    // A request refused before execution has no `data` at all (GraphQL spec,
    // "Response Format"), and with GraphQL's media type it is a 400.
    let body = if refused_before_execution {
        serde_json::json!({ "errors": response.errors }).to_string()
    } else {
        serde_json::to_string(&response).unwrap_or_else(|_| {
            r#"{"errors":[{"message":"internal error","extensions":{"code":"INTERNAL"}}]}"#
                .to_owned()
        })
    };
    if refused_before_execution && media == Media::GraphqlResponse {
        let mut reply = (StatusCode::BAD_REQUEST, body).into_response();
        set_headers(&mut reply, media, Some(response.http_headers));
        return reply;
    }
    if let (Some(key), true) = (kept, response.errors.is_empty()) {
        state.answers.keep(key, body.as_str().into());
    }
    ok_reply(body, media, Some(response.http_headers))
}

fn ok_reply(body: String, media: Media, headers: Option<HeaderMap>) -> Response {
    let mut reply = (StatusCode::OK, body).into_response();
    set_headers(&mut reply, media, headers);
    reply
}

fn set_headers(reply: &mut Response, media: Media, headers: Option<HeaderMap>) {
    let reply_headers = reply.headers_mut();
    if let Some(headers) = headers {
        reply_headers.extend(headers);
    }
    reply_headers.insert(header::CONTENT_TYPE, media.content_type());
    reply_headers.insert(header::VARY, HeaderValue::from_static("Accept"));
}

fn code_of(error: &ServerError) -> Option<String> {
    match error.extensions.as_ref()?.get("code")? {
        Value::String(code) => Some(code.clone()),
        _ => None,
    }
}

/// Makes sure `error` has a code, and that an internal one shows nothing but
/// "internal error" and the request id.
///
/// Errors without a code come from async-graphql itself: an argument that
/// does not parse (`Failed to parse "Date"...`, `Invalid value for
/// argument...`) is the caller's, and keeps its message; an error outside any
/// field (an unknown operation name) is the request's; anything else from
/// inside a resolver is a server fault, whose text might name SQL, so it is
/// logged and hidden.
fn give_code(error: &mut ServerError, request_id: &str) {
    let code = match code_of(error) {
        Some(code) => code,
        None if error.message.starts_with("Failed to parse")
            || error.message.starts_with("Invalid value") =>
        {
            "BAD_USER_INPUT".to_owned()
        }
        None if error.path.is_empty() => "BAD_REQUEST".to_owned(),
        None => {
            tracing::error!(detail = %error.message, path = ?error.path, "uncoded error from a resolver");
            error.message = "internal error".to_owned();
            "INTERNAL".to_owned()
        }
    };
    let extensions = error.extensions.get_or_insert_with(Default::default);
    extensions.set("code", code.as_str());
    if code == "INTERNAL" {
        extensions.set("requestId", request_id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_are_named_by_the_request_or_the_document() {
        let names = OperationNames::default();
        let named = |query: &str, name: Option<&str>| {
            let mut request = async_graphql::Request::new(query);
            request.operation_name = name.map(str::to_owned);
            names.of(&request)
        };
        assert_eq!(
            named("query Renewals { x }", None).as_deref(),
            Some("Renewals")
        );
        assert_eq!(
            named("query Renewals { x }", None).as_deref(),
            Some("Renewals")
        );
        assert_eq!(named("{ x }", None), None);
        assert_eq!(named("{ x", None), None);
        assert_eq!(named("query A { x } query B { y }", None), None);
        assert_eq!(
            named("query A { x } query B { y }", Some("B")).as_deref(),
            Some("B")
        );
    }

    #[test]
    fn mutations_are_recognised_whatever_the_operation_layout() {
        assert!(is_mutation("mutation { x }", None));
        assert!(!is_mutation("{ x }", None));
        assert!(!is_mutation("query Q { x }", Some("Q")));
        assert!(is_mutation("query Q { x } mutation M { y }", Some("M")));
        assert!(!is_mutation("query Q { x } mutation M { y }", Some("Q")));
        assert!(is_mutation("query Q { x } mutation M { y }", None));
        assert!(
            !is_mutation("mutation {", None),
            "left to the parser's error"
        );
    }

    #[test]
    fn uncoded_errors_get_codes_and_internal_ones_hide_their_text() {
        let mut parse = ServerError::new("Failed to parse \"Date\": expected YYYY-MM-DD", None);
        parse.path = vec![async_graphql::PathSegment::Field("contracts".to_owned())];
        give_code(&mut parse, "id-1");
        assert_eq!(code_of(&parse).as_deref(), Some("BAD_USER_INPUT"));

        let mut operation = ServerError::new("Unknown operation named \"X\"", None);
        give_code(&mut operation, "id-1");
        assert_eq!(code_of(&operation).as_deref(), Some("BAD_REQUEST"));

        let mut leak = ServerError::new(
            "error returned from database: syntax error near SELECT",
            None,
        );
        leak.path = vec![async_graphql::PathSegment::Field("contracts".to_owned())];
        give_code(&mut leak, "id-1");
        assert_eq!(leak.message, "internal error");
        assert_eq!(code_of(&leak).as_deref(), Some("INTERNAL"));
        let shown = serde_json::to_string(&leak).unwrap();
        assert!(
            shown.contains("id-1") && !shown.contains("SELECT"),
            "{shown}"
        );
    }
}
