//! `GET /calendar.ics`: the renewal calendar as an iCalendar feed. The
//! rules are in `crate::feed`; the events come from
//! `store::calendar::events`, as `renewalCalendar`'s do.

use std::collections::HashMap;

use async_graphql::dataloader::Loader;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use entity::grant_programme;

use super::reply::{self, Media};
use super::AppState;
use crate::error::AppResult;
use crate::feed::{self, EntryFacts, FeedRequest};
use crate::store::calendar::{self, Subject};
use crate::store::fetch::ById;

/// The feed, for any caller the feed's door let in (see `access`).
pub async fn feed(State(state): State<AppState>, request: Request) -> Response {
    let request_id = reply::request_id(request.headers());
    let query = request.uri().query().unwrap_or_default();
    let ics = match FeedRequest::parse(query, crate::graphql::today()) {
        Ok(feed) => render(&state, &feed).await,
        Err(err) => Err(err),
    };
    match ics {
        Ok(text) => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/calendar; charset=utf-8"),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    HeaderValue::from_static("inline; filename=\"commtrack-renewals.ics\""),
                ),
                // The URL carries a key: keep it out of shared caches.
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("private, no-cache"),
                ),
            ],
            text,
        )
            .into_response(),
        Err(err) => reply::app_error(&err, &request_id, Media::Json),
    }
}

async fn render(state: &AppState, feed: &FeedRequest) -> AppResult<String> {
    let events =
        calendar::events(&state.db, feed.as_of, feed.window, &feed.kinds, &feed.scope).await?;
    let programme_ids: Vec<i64> = events
        .iter()
        .filter_map(|e| match &e.subject {
            Subject::Round(round) => Some(round.programme_id),
            Subject::Contract(_) => None,
        })
        .collect();
    let programmes: HashMap<i64, grant_programme::Model> = if programme_ids.is_empty() {
        HashMap::new()
    } else {
        ById::<grant_programme::Entity>::new(state.db.clone(), grant_programme::Column::Id)
            .load(&programme_ids)
            .await?
    };
    let entries: Vec<feed::Entry> = events
        .iter()
        .map(|dated| {
            let subject = match &dated.subject {
                Subject::Contract(contract) => contract.reference.clone(),
                Subject::Round(round) => match programmes.get(&round.programme_id) {
                    Some(programme) => format!("{}, {}", programme.name, round.name),
                    None => round.name.clone(),
                },
            };
            feed::entry(
                &dated.event,
                &EntryFacts {
                    as_of: feed.as_of,
                    subject: &subject,
                    option_months: dated.option.as_ref().map(|o| o.length_months.max(0) as u32),
                    ends: dated.ends,
                },
            )
        })
        .collect();
    Ok(feed::ics::render(&entries, feed.alarm_days, Utc::now()))
}
