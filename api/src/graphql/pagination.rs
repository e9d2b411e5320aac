//! Connections (`first`/`after`, `nodes`, `edges`, `pageInfo`, `totalCount`)
//! with keyset cursors: a page continues after the last row's key, never at an
//! OFFSET, so pages neither skip nor repeat rows when data changes between them.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use async_graphql::connection::{Connection, CursorType, Edge};
use async_graphql::{Context, Object, OutputType};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sea_orm::{Condition, EntityTrait};

use crate::error::{AppError, AppResult};
use crate::graphql::loaders::database;
use crate::store::fetch::{count, page_by_id, Keyed};

/// The default page size.
pub const DEFAULT_PAGE_SIZE: i32 = 20;
/// The largest page size.
pub const MAX_PAGE_SIZE: i32 = 100;

/// An opaque cursor: the key of the row an edge stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyCursor(pub i64);

/// A cursor this API did not issue.
#[derive(Debug)]
pub struct InvalidCursor;

impl std::fmt::Display for InvalidCursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("after: not a cursor returned by this API")
    }
}

impl From<InvalidCursor> for AppError {
    fn from(err: InvalidCursor) -> Self {
        AppError::bad_input("CURSOR_INVALID", err.to_string())
    }
}

impl CursorType for KeyCursor {
    type Error = InvalidCursor;

    fn decode_cursor(s: &str) -> Result<Self, Self::Error> {
        let bad = || InvalidCursor;
        let bytes = URL_SAFE_NO_PAD.decode(s).map_err(|_| bad())?;
        let text = String::from_utf8(bytes).map_err(|_| bad())?;
        text.strip_prefix("k:")
            .and_then(|key| key.parse().ok())
            .map(KeyCursor)
            .ok_or_else(bad)
    }

    fn encode_cursor(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!("k:{}", self.0))
    }
}

type CountFuture = Pin<Box<dyn Future<Output = AppResult<u64>> + Send>>;

/// Fields every connection carries besides its edges.
pub struct ConnectionExtras {
    count: Arc<dyn Fn() -> CountFuture + Send + Sync>,
}

#[Object]
impl ConnectionExtras {
    /// How many items match the query's filter, across all pages. Computed only
    /// when selected; the page size and cursor do not change it.
    async fn total_count(&self) -> async_graphql::Result<u64> {
        Ok((self.count)().await?)
    }
}

/// A page of `T`.
pub type Page<T> = Connection<KeyCursor, T, ConnectionExtras>;

/// Checks `first` (1 to 100, default 20).
pub fn page_size(first: Option<i32>) -> AppResult<u64> {
    let first = first.unwrap_or(DEFAULT_PAGE_SIZE);
    if (1..=MAX_PAGE_SIZE).contains(&first) {
        Ok(first as u64)
    } else {
        Err(AppError::bad_input(
            "PAGE_SIZE_OUT_OF_RANGE",
            format!("first: must be between 1 and {MAX_PAGE_SIZE}, got {first}"),
        ))
    }
}

/// A page of `E` rows matching `condition`, in id order, each wrapped as `T`.
pub async fn id_page<E, T>(
    ctx: &Context<'_>,
    id: E::Column,
    condition: Condition,
    first: Option<i32>,
    after: Option<String>,
    wrap: fn(E::Model) -> T,
) -> AppResult<Page<T>>
where
    E: EntityTrait,
    E::Model: Keyed + Sync,
    T: OutputType,
{
    let limit = page_size(first)?;
    let after = after.as_deref().map(KeyCursor::decode_cursor).transpose()?;
    let db = database(ctx)?.clone();
    let mut rows = page_by_id::<E>(&db, id, condition.clone(), after.map(|c| c.0), limit).await?;
    let has_next = rows.len() as u64 > limit;
    rows.truncate(limit as usize);
    let extras = ConnectionExtras {
        count: Arc::new(move || {
            let db = db.clone();
            let condition = condition.clone();
            Box::pin(async move { count::<E>(&db, condition).await })
        }),
    };
    let mut connection = Connection::with_additional_fields(after.is_some(), has_next, extras);
    connection.edges.extend(
        rows.into_iter()
            .map(|row| Edge::new(KeyCursor(row.key()), wrap(row))),
    );
    Ok(connection)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let cursor = KeyCursor(42);
        assert_eq!(
            KeyCursor::decode_cursor(&cursor.encode_cursor()).unwrap(),
            cursor
        );
        assert!(KeyCursor::decode_cursor("garbage!").is_err());
        assert!(KeyCursor::decode_cursor(&URL_SAFE_NO_PAD.encode("x:1")).is_err());
    }

    #[test]
    fn page_sizes_are_bounded() {
        assert_eq!(page_size(None).unwrap(), 20);
        assert_eq!(page_size(Some(100)).unwrap(), 100);
        assert!(page_size(Some(0)).is_err());
        assert!(page_size(Some(101)).is_err());
    }
}
