//! `POST /import/{kind}`: a CSV file as the request body (`text/csv`),
//! streamed into the import, never held whole in memory.
//!
//! Who may import: analysts and above (a viewer, or an anonymous caller on a
//! public-read server, is `FORBIDDEN`). An analyst may only check a file
//! (`?dryRun=true`), since analysts write nothing; a commit needs a
//! commissioner or admin key. Each row is then held to the same ownership
//! rule as its mutation: a commissioner imports only rows its organisation
//! owns (a spend line under its own contract...), any other row is that
//! row's `FORBIDDEN` error, and budgets are for admins. An analyst's dry
//! run skips the ownership rule, so that a file can be prepared for the
//! commissioner who will import it; every other check runs.
//!
//! Answers: 200 with the report when every row is good (committed, or
//! would be on a dry run); 422 with the same report when rows are bad
//! (nothing written); 400 with one coded error when the file as a whole is
//! refused (no header, unknown or missing columns, not UTF-8, unreadable);
//! 404 `IMPORT_KIND_UNKNOWN`; 413 over the limit ([`MAX_IMPORT_BYTES`] by default); 415 when the
//! body is not `text/csv` (UTF-8).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use futures::StreamExt;
use sea_orm::DatabaseConnection;
use serde_json::json;
use tokio_util::io::{StreamReader, SyncIoBridge};

use super::reply::{self, Media};
use crate::auth::{allows, Permission, Principal, Role};
use crate::error::AppError;
use crate::import::{FileError, Kind};
use crate::store::import::{import_from, ImportError};
use crate::store::writes::Actor;

/// The largest file accepted by default (a larger one is a 413, and what
/// was read of it is rolled back).
pub const MAX_IMPORT_BYTES: u64 = 200 * 1024 * 1024;
/// How long an import may run by default: a million spend lines took 59 s
/// on SQLite and about 5 minutes on PostgreSQL on the benchmark machine
/// (`bench/README.md`, "CSV import").
pub const IMPORT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(15 * 60);

/// What the import handler needs.
pub struct ImportState {
    /// The database.
    pub db: DatabaseConnection,
    /// The largest file accepted, in bytes.
    pub limit_bytes: u64,
}

/// `POST /import/{kind}?dryRun=true`.
pub async fn post(
    State(state): State<Arc<ImportState>>,
    Path(kind): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    Extension(principal): Extension<Principal>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let media = Media::accepted(&headers);
    let request_id = reply::request_id(&headers);
    let refuse = |status, code, message: &str| reply::error(status, code, message, None, media);
    let kind = match kind.parse::<Kind>() {
        Ok(kind) => kind,
        Err(err) => return refuse(StatusCode::NOT_FOUND, err.code, &err.message),
    };
    let dry_run = match query.get("dryRun").map(String::as_str) {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => {
            return refuse(
                StatusCode::BAD_REQUEST,
                "BAD_USER_INPUT",
                "dryRun must be true or false",
            )
        }
    };
    if principal.role < Role::Analyst {
        let message = if principal.key_id.is_none() {
            "anonymous callers may only read: send Authorization: Bearer <key>"
        } else {
            "importing needs an analyst key or above"
        };
        tracing::warn!(caller = %principal.name, "import refused: role");
        return refuse(StatusCode::FORBIDDEN, "FORBIDDEN", message);
    }
    if principal.role == Role::Analyst && !dry_run {
        return refuse(
            StatusCode::FORBIDDEN,
            "FORBIDDEN",
            "an analyst key may check a file (dryRun=true); importing it needs a commissioner or admin key",
        );
    }
    if !is_csv(&headers) {
        return refuse(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UNSUPPORTED_MEDIA_TYPE",
            "send the file as UTF-8 CSV, with Content-Type: text/csv",
        );
    }
    let limit = state.limit_bytes;
    let too_large = || {
        refuse(
            StatusCode::PAYLOAD_TOO_LARGE,
            "PAYLOAD_TOO_LARGE",
            &format!(
                "the file is over {limit} bytes; import it in parts, or with `commtrack import`"
            ),
        )
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit) {
        return too_large();
    }
    // Counted as it streams: a body without a length (chunked) is cut off
    // at the limit too.
    let over = Arc::new(AtomicBool::new(false));
    let flag = over.clone();
    let mut seen = 0u64;
    let stream = body.into_data_stream().map(move |chunk| {
        let chunk = chunk.map_err(std::io::Error::other)?;
        seen += chunk.len() as u64;
        if seen > limit {
            flag.store(true, Ordering::SeqCst);
            return Err(std::io::Error::other("the body is over the limit"));
        }
        Ok(chunk)
    });
    let input = SyncIoBridge::new(StreamReader::new(Box::pin(stream)));

    let role = principal.role;
    let checks_owner = !(dry_run && role == Role::Analyst);
    let authorize = |owner: Option<i64>| {
        if !checks_owner || allows(&principal, Permission::WriteFor(owner)) {
            Ok(())
        } else if role == Role::Commissioner {
            Err(AppError::Forbidden(
                "a commissioner key may change only its own organisation's records".to_owned(),
            ))
        } else {
            Err(AppError::Forbidden(format!(
                "a {role} key may not change this record"
            )))
        }
    };
    let actor = Actor {
        name: principal.name.clone(),
        key_id: principal.key_id,
        organisation_id: principal.organisation_id,
        request_id: Some(request_id.clone()).filter(|id| !id.is_empty()),
        today: crate::graphql::today(),
        authorize: &authorize,
    };
    let result = import_from(&state.db, &actor, kind, dry_run, input).await;
    if over.load(Ordering::SeqCst) {
        return too_large();
    }
    match result {
        Ok(report) => {
            let status = if report.is_clean() {
                StatusCode::OK
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            tracing::info!(
                kind = %kind,
                dry_run,
                rows = report.rows_read,
                imported = report.rows_imported,
                errors = report.error_count,
                "import"
            );
            (status, axum::Json(report)).into_response()
        }
        Err(ImportError::File(err)) => file_error(&err, media),
        Err(ImportError::Failed(err)) => {
            let detail = match &err {
                AppError::Internal(detail) => detail.to_string(),
                other => other.message().to_owned(),
            };
            tracing::error!(%detail, "import failed");
            reply::error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "INTERNAL",
                "internal error",
                Some(&request_id),
                media,
            )
        }
    }
}

/// Whether the body is declared `text/csv` (in UTF-8, if a charset is given).
fn is_csv(headers: &HeaderMap) -> bool {
    let Some(value) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let mut parts = value.split(';');
    let essence = parts.next().unwrap_or_default().trim();
    if !essence.eq_ignore_ascii_case("text/csv") {
        return false;
    }
    parts.all(|p| {
        let (name, value) = p.split_once('=').unwrap_or((p, ""));
        !name.trim().eq_ignore_ascii_case("charset")
            || value.trim().trim_matches('"').eq_ignore_ascii_case("utf-8")
    })
}

/// A 400 for a file refused as a whole, with its code and line.
fn file_error(err: &FileError, media: Media) -> Response {
    let mut extensions = json!({ "code": err.code });
    if let Some(line) = err.line {
        extensions["line"] = json!(line);
    }
    let body = json!({ "errors": [{ "message": err.message, "extensions": extensions }] });
    (
        StatusCode::BAD_REQUEST,
        [(header::CONTENT_TYPE, media.content_type())],
        body.to_string(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_utf8_csv_is_accepted() {
        let with = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::CONTENT_TYPE, value.parse().unwrap());
            is_csv(&headers)
        };
        assert!(with("text/csv"));
        assert!(with("text/csv; charset=utf-8"));
        assert!(with("Text/CSV; header=present"));
        assert!(!with("text/csv; charset=windows-1252"));
        assert!(!with("application/json"));
        assert!(!with("text/plain"));
        assert!(!is_csv(&HeaderMap::new()));
    }
}
