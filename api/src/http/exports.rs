//! Open-data exports over HTTP, for analysts and above, behind the same
//! keys and rate limit as `/graphql`:
//!
//! - `GET /export/ocds.json?contract=REF&ocidPrefix=&asOf=&publishedDate=`
//! - `GET /export/360giving.json?programme=NAME&round=N&identifierPrefix=`
//! - `GET /export/360giving.csv?...` (the flat CSV)
//! - `GET /export/360giving-rounds.csv?...` (the round figures)
//!
//! Every refusal is JSON with a code in `extensions.code` (and the rule in
//! `extensions.rule` for bad input); exports only read.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::DatabaseConnection;

use super::reply::{self, Media};
use crate::auth::{allows, Permission, Principal};
use crate::error::AppError;
use crate::export::ocds::OcdsSettings;
use crate::export::stream;
use crate::export::{GivingFormat, GrantPrefix, OcidPrefix};
use crate::store::exports::{ContractScope, GrantScope};

/// The parameters each export accepts; any other is refused.
const OCDS_PARAMETERS: [&str; 4] = ["contract", "ocidPrefix", "asOf", "publishedDate"];
const GIVING_PARAMETERS: [&str; 3] = ["programme", "round", "identifierPrefix"];

/// The JSON error answer for `err`; internal detail is logged, never sent.
fn refusal(err: &AppError, headers: &HeaderMap) -> Response {
    reply::app_error(err, &reply::request_id(headers), Media::Json)
}

/// Exports are for analysts and above.
fn check_role(principal: &Principal) -> Result<(), AppError> {
    if allows(principal, Permission::ReadHistory) {
        return Ok(());
    }
    tracing::warn!(caller = %principal.name, "export refused: role");
    Err(AppError::Forbidden(if principal.key_id.is_none() {
        "exports need an API key of an analyst or above: send Authorization: Bearer <key>"
            .to_owned()
    } else {
        format!(
            "a {} key may not read exports; they need an analyst key or above",
            principal.role
        )
    }))
}

/// Refuses parameters the export does not know (a misspelt one would
/// otherwise be silently ignored).
fn known_only(query: &HashMap<String, String>, known: &[&str]) -> Result<(), AppError> {
    let mut unknown: Vec<&str> = query
        .keys()
        .map(String::as_str)
        .filter(|k| !known.contains(k))
        .collect();
    unknown.sort_unstable();
    match unknown.first() {
        None => Ok(()),
        Some(name) => Err(AppError::bad_input(
            "PARAMETER_UNKNOWN",
            format!(
                "{name}: unknown parameter; this export takes {}",
                known.join(", ")
            ),
        )),
    }
}

fn parse<T: std::str::FromStr>(
    query: &HashMap<String, String>,
    name: &str,
    rule: &'static str,
    expected: &str,
) -> Result<Option<T>, AppError> {
    query
        .get(name)
        .map(|text| {
            text.parse::<T>().map_err(|_| {
                AppError::bad_input(rule, format!("{name}: expected {expected}, got {text:?}"))
            })
        })
        .transpose()
}

fn ocds_settings(
    query: &HashMap<String, String>,
    default_prefix: &OcidPrefix,
) -> Result<(ContractScope, OcdsSettings), AppError> {
    known_only(query, &OCDS_PARAMETERS)?;
    let prefix = match query.get("ocidPrefix") {
        Some(text) => OcidPrefix::parse(text)?,
        None => default_prefix.clone(),
    };
    let as_of: Option<NaiveDate> = parse(query, "asOf", "DATE_MALFORMED", "a date YYYY-MM-DD")?;
    let published: Option<DateTime<Utc>> = parse(
        query,
        "publishedDate",
        "DATETIME_MALFORMED",
        "an RFC 3339 date-time such as 2024-04-01T00:00:00Z",
    )?;
    let scope = match query.get("contract") {
        Some(reference) => ContractScope::Reference(reference.clone()),
        None => ContractScope::All,
    };
    Ok((
        scope,
        OcdsSettings {
            prefix,
            as_of: as_of.unwrap_or_else(crate::graphql::today),
            published,
        },
    ))
}

/// What the export handlers share.
#[derive(Clone)]
pub struct ExportState {
    /// The database.
    pub db: DatabaseConnection,
    /// The `ocid` prefix when a request names none.
    pub ocid_prefix: OcidPrefix,
}

/// `GET /export/ocds.json`.
pub async fn ocds(
    State(state): State<ExportState>,
    Extension(principal): Extension<Principal>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let answer = async {
        check_role(&principal)?;
        let (scope, settings) = ocds_settings(&query, &state.ocid_prefix)?;
        // Refusals are decided before the body starts, with one cheap read;
        // the rows are read as the body is written, so that a national
        // package is not held up by the request timeout.
        crate::store::exports::check_contracts(&state.db, &scope).await?;
        Ok((scope, settings))
    }
    .await;
    match answer {
        Ok((scope, settings)) => {
            let request_id = reply::request_id(&headers);
            let runtime = tokio::runtime::Handle::current();
            let db = state.db.clone();
            let body = stream::body(move |out| {
                runtime
                    .block_on(crate::store::exports::contract_rows(&db, &scope))
                    .and_then(|rows| {
                        crate::export::ocds::write_package(&rows, &scope, &settings, out)
                    })
                    .inspect_err(|err| {
                        let detail = match err {
                            AppError::Internal(detail) => detail.as_ref(),
                            other => other.message(),
                        };
                        tracing::error!(%detail, %request_id, "export failed mid-stream");
                    })
            });
            (
                [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
                body,
            )
                .into_response()
        }
        Err(err) => refusal(&err, &headers),
    }
}

async fn giving360(
    state: ExportState,
    principal: Principal,
    headers: HeaderMap,
    query: HashMap<String, String>,
    format: GivingFormat,
) -> Response {
    let answer = async {
        check_role(&principal)?;
        known_only(&query, &GIVING_PARAMETERS)?;
        let prefix = match query.get("identifierPrefix") {
            Some(text) => GrantPrefix::parse(text)?,
            None => GrantPrefix::default(),
        };
        let programme = query.get("programme").cloned().ok_or_else(|| {
            AppError::bad_input(
                "PROGRAMME_REQUIRED",
                "programme: name the grant programme to export (its exact name)",
            )
        })?;
        let round: Option<i32> = parse(&query, "round", "ROUND_MALFORMED", "a round number")?;
        let scope = GrantScope { programme, round };
        crate::export::giving360_document(&state.db, &scope, &prefix, format).await
    }
    .await;
    let media = match format {
        GivingFormat::Json => "application/json; charset=utf-8",
        GivingFormat::Csv | GivingFormat::RoundsCsv => "text/csv; charset=utf-8",
    };
    match answer {
        Ok(bytes) => ([(header::CONTENT_TYPE, media)], bytes).into_response(),
        Err(err) => refusal(&err, &headers),
    }
}

/// `GET /export/360giving.json`.
pub async fn giving360_json(
    State(state): State<ExportState>,
    Extension(principal): Extension<Principal>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    giving360(state, principal, headers, query, GivingFormat::Json).await
}

/// `GET /export/360giving.csv`.
pub async fn giving360_csv(
    State(state): State<ExportState>,
    Extension(principal): Extension<Principal>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    giving360(state, principal, headers, query, GivingFormat::Csv).await
}

/// `GET /export/360giving-rounds.csv`.
pub async fn giving360_rounds_csv(
    State(state): State<ExportState>,
    Extension(principal): Extension<Principal>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    giving360(state, principal, headers, query, GivingFormat::RoundsCsv).await
}

/// The export routes, behind `access` (keys, public read, rate limit).
pub fn routes<S: Clone + Send + Sync + 'static>(
    state: ExportState,
    access: std::sync::Arc<super::access::Access>,
) -> axum::Router<S> {
    use axum::routing::get;
    axum::Router::new()
        .route("/export/ocds.json", get(ocds))
        .route("/export/360giving.json", get(giving360_json))
        .route("/export/360giving.csv", get(giving360_csv))
        .route("/export/360giving-rounds.csv", get(giving360_rounds_csv))
        .route_layer(axum::middleware::from_fn_with_state(
            access,
            super::access::authenticate,
        ))
        .with_state(state)
}
