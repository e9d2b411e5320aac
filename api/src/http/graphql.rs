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

use async_graphql::{ServerError, Value};
use axum::body::Bytes;
use axum::extract::{FromRequest, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

use super::metrics::OperationName;
use super::reply::{self, Media};
use super::{answers, AppState, RequestId};
use crate::auth::Principal;
use crate::graphql::limits::{GRAPHQL_VALIDATION_FAILED, REQUEST_ERROR_CODES};
use crate::graphql::prepared::Prepared;

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
    if state
        .gate
        .document(&graphql.query)
        .is_mutation(graphql.operation_name.as_deref())
    {
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

/// Answers `graphql`, labelled with its operation's name for the metrics.
/// The gate checks it first (once per query text), and hands it its parsed
/// document so that the schema does not parse it again.
async fn execute(
    state: &AppState,
    headers: &HeaderMap,
    principal: Option<Principal>,
    mut graphql: async_graphql::Request,
) -> Response {
    let (name, mut response) = match state.gate.admit(&mut graphql) {
        Ok(document) => {
            let name = document.operation_name(graphql.operation_name.as_deref());
            let aggregate_only = document.parsed().is_some_and(|parsed| {
                answers::is_aggregate_only(parsed, graphql.operation_name.as_deref())
            });
            // Pages load their relations ahead for queries only: a mutation's
            // answer must not read rows loaded before its write.
            if !document.is_mutation(graphql.operation_name.as_deref()) {
                graphql = graphql.data(Prepared::default());
            }
            let reply = answer(state, headers, principal, graphql, aggregate_only).await;
            (name, reply)
        }
        Err(refusal) => {
            let name = state
                .gate
                .document(&graphql.query)
                .operation_name(graphql.operation_name.as_deref());
            let refused = async_graphql::Response::from_errors(vec![refusal]);
            (name, reply_with(refused, headers, None))
        }
    };
    response.extensions_mut().insert(OperationName(name));
    response
}

/// Runs an admitted request, or answers it from the kept answers when it is
/// `aggregate_only` (see [`answers`]).
async fn answer(
    state: &AppState,
    headers: &HeaderMap,
    principal: Option<Principal>,
    graphql: async_graphql::Request,
    aggregate_only: bool,
) -> Response {
    let media = Media::accepted(headers);
    let kept = if aggregate_only {
        match state.answers.key(&graphql, principal.as_ref()).await {
            Ok(key) => Some(key),
            Err(error) => {
                tracing::warn!(
                    ?error,
                    "cannot read the data version; answering without the cache"
                );
                None
            }
        }
    } else {
        None
    };
    let pending = match &kept {
        Some(key) => match state.answers.find(key).await {
            answers::Found::Kept(answer) => return ok_reply(answer.to_string(), media, None),
            answers::Found::Build(pending) => Some(pending),
        },
        None => None,
    };
    let request_id = reply::request_id(headers);
    let mut graphql = graphql.data(RequestId(request_id));
    if let Some(principal) = principal {
        graphql = graphql.data(principal);
    }
    let response = state.schema.execute(graphql).await;
    reply_with(response, headers, pending)
}

/// The HTTP reply carrying `response`, whose errors all leave with a code;
/// an answer without errors is kept by `pending`.
fn reply_with(
    mut response: async_graphql::Response,
    headers: &HeaderMap,
    pending: Option<answers::Pending<'_>>,
) -> Response {
    let media = Media::accepted(headers);
    let request_id = reply::request_id(headers);
    // Errors outside any field of an answer without data come from before
    // execution: from async-graphql's validation, the gate having done the rest.
    let before_execution =
        response.data == Value::Null && response.errors.iter().all(|error| error.path.is_empty());
    for error in &mut response.errors {
        give_code(error, &request_id, before_execution);
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
    if let (Some(pending), true) = (pending, response.errors.is_empty()) {
        pending.keep(body.as_str().into());
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
/// Errors without a code come from async-graphql itself: one raised
/// `before_execution` is its validation's; an argument that does not parse
/// (`Failed to parse "Date"...`, `Invalid value for argument...`) is the
/// caller's, and keeps its message; another error outside any field is the
/// request's; anything else from inside a resolver is a server fault, whose
/// text might name SQL, so it is logged and hidden.
fn give_code(error: &mut ServerError, request_id: &str, before_execution: bool) {
    let code = match code_of(error) {
        Some(code) => code,
        None if before_execution => GRAPHQL_VALIDATION_FAILED.to_owned(),
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
    fn uncoded_errors_get_codes_and_internal_ones_hide_their_text() {
        let mut parse = ServerError::new("Failed to parse \"Date\": expected YYYY-MM-DD", None);
        parse.path = vec![async_graphql::PathSegment::Field("contracts".to_owned())];
        give_code(&mut parse, "id-1", false);
        assert_eq!(code_of(&parse).as_deref(), Some("BAD_USER_INPUT"));

        let mut operation = ServerError::new("Unknown operation named \"X\"", None);
        give_code(&mut operation, "id-1", false);
        assert_eq!(code_of(&operation).as_deref(), Some("BAD_REQUEST"));

        // Before execution, only validation is left to report without a code,
        // whatever its message looks like.
        let mut invalid = ServerError::new(
            "Invalid value for argument \"first\", expected type \"Int\"",
            None,
        );
        give_code(&mut invalid, "id-1", true);
        assert_eq!(
            code_of(&invalid).as_deref(),
            Some("GRAPHQL_VALIDATION_FAILED")
        );
        let mut coded = with_code_for_test("QUERY_TOO_DEEP");
        give_code(&mut coded, "id-1", true);
        assert_eq!(code_of(&coded).as_deref(), Some("QUERY_TOO_DEEP"));

        let mut leak = ServerError::new(
            "error returned from database: syntax error near SELECT",
            None,
        );
        leak.path = vec![async_graphql::PathSegment::Field("contracts".to_owned())];
        give_code(&mut leak, "id-1", false);
        assert_eq!(leak.message, "internal error");
        assert_eq!(code_of(&leak).as_deref(), Some("INTERNAL"));
        let shown = serde_json::to_string(&leak).unwrap();
        assert!(
            shown.contains("id-1") && !shown.contains("SELECT"),
            "{shown}"
        );
    }

    fn with_code_for_test(code: &str) -> ServerError {
        let mut error = ServerError::new("refused", None);
        error
            .extensions
            .get_or_insert_with(Default::default)
            .set("code", code);
        error
    }
}
