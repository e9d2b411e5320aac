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
use chrono::NaiveDate;
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, IdenStatic, ModelTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::{Deserialize, Serialize};

use crate::error::{AppError, AppResult};
use crate::graphql::filter::OrderDirection;
use crate::graphql::loaders::database;
use crate::store::fetch::count;

/// The default page size.
pub const DEFAULT_PAGE_SIZE: i32 = 20;
/// The largest page size.
pub const MAX_PAGE_SIZE: i32 = 100;

/// An opaque cursor: the sort-key values of the row an edge stands for, and
/// the ordering they belong to (a cursor only continues the ordering that
/// issued it). A page's cursors are encoded only when a client selects them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyCursor {
    /// A cursor as a client sent it.
    Text(String),
    /// A row's keys in an ordering (its signature), encoded when shown.
    Keys {
        /// The ordering's signature.
        signature: Arc<str>,
        /// The row's sort-key values.
        values: Vec<KeyValue>,
    },
}

/// A cursor this API did not issue, or one issued for another ordering.
#[derive(Debug)]
pub struct InvalidCursor;

impl std::fmt::Display for InvalidCursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("after: not a cursor returned by this API for this orderBy")
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
        Ok(KeyCursor::Text(s.to_owned()))
    }

    fn encode_cursor(&self) -> String {
        match self {
            KeyCursor::Text(text) => text.clone(),
            KeyCursor::Keys { signature, values } => encode(signature, values.clone()),
        }
    }
}

/// One value of a sort key, as carried in a cursor.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum KeyValue {
    /// An integer (ids, amounts in pence, years).
    I(i64),
    /// A text.
    S(String),
    /// A date.
    D(NaiveDate),
}

impl From<KeyValue> for sea_orm::Value {
    fn from(value: KeyValue) -> Self {
        match value {
            KeyValue::I(v) => v.into(),
            KeyValue::S(v) => v.into(),
            KeyValue::D(v) => v.into(),
        }
    }
}

impl KeyValue {
    /// A row's value of a sort column, as carried in a cursor; `None` for a
    /// column type that cannot be a sort key (sort columns are NOT NULL
    /// integers, texts or dates).
    pub fn of(value: sea_orm::Value) -> Option<KeyValue> {
        use sea_orm::Value as V;
        Some(match value {
            V::BigInt(Some(v)) => KeyValue::I(v),
            V::Int(Some(v)) => KeyValue::I(v.into()),
            V::SmallInt(Some(v)) => KeyValue::I(v.into()),
            V::String(Some(v)) => KeyValue::S(String::clone(&v)),
            V::ChronoDate(Some(v)) => KeyValue::D(NaiveDate::clone(&v)),
            _ => return None,
        })
    }
}

/// A column a list can be sorted by. Sort columns are NOT NULL, so that
/// keyset comparisons are total on both backends.
pub struct SortKey<E: EntityTrait> {
    /// The column.
    pub column: E::Column,
    /// The name used in cursors (the GraphQL enum value).
    pub name: &'static str,
}

impl<E: EntityTrait> Clone for SortKey<E> {
    fn clone(&self) -> Self {
        SortKey {
            column: self.column,
            name: self.name,
        }
    }
}

impl<E: EntityTrait> SortKey<E> {
    /// The row's value of the column.
    fn value(&self, row: &E::Model) -> AppResult<KeyValue> {
        KeyValue::of(row.get(self.column)).ok_or_else(|| {
            AppError::internal(format!(
                "sort key {} is not an integer, text or date",
                self.name
            ))
        })
    }
}

#[derive(Serialize, Deserialize)]
struct CursorBody {
    /// The ordering's signature.
    o: String,
    /// The sort-key values, in order; the last is the id.
    k: Vec<KeyValue>,
}

fn signature<E: EntityTrait>(order: &[(SortKey<E>, OrderDirection)]) -> String {
    order
        .iter()
        .map(|(key, direction)| {
            format!(
                "{}:{}",
                key.name,
                if *direction == OrderDirection::Asc {
                    "A"
                } else {
                    "D"
                }
            )
        })
        .collect::<Vec<_>>()
        .join(",")
}

fn encode(signature: &str, values: Vec<KeyValue>) -> String {
    let body = CursorBody {
        o: signature.to_owned(),
        k: values,
    };
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(&body).unwrap_or_default())
}

fn decode(cursor: &str, signature: &str, keys: usize) -> Result<Vec<KeyValue>, InvalidCursor> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| InvalidCursor)?;
    let body: CursorBody = serde_json::from_slice(&bytes).map_err(|_| InvalidCursor)?;
    if body.o != signature || body.k.len() != keys {
        return Err(InvalidCursor);
    }
    Ok(body.k)
}

/// Rows strictly after `values` in the ordering `order`, written as
/// `k1 >= v1 AND (k1 > v1 OR <after the rest>)` (`<=`, `<` for descending
/// keys), and `k > v` for the last key. The bound on the leading key is what
/// lets both planners start the sort index's range at the cursor: the plain
/// `(k1 > v1) OR (k1 = v1 AND k2 > v2)` made later pages walk the index from
/// its start (PostgreSQL) or sort every remaining row (SQLite), up to a
/// second per page on a million rows (bench/EXPLAIN.md).
fn after_condition<E: EntityTrait>(
    order: &[(SortKey<E>, OrderDirection)],
    values: &[KeyValue],
) -> Condition {
    let (key, direction) = &order[0];
    let value = values[0].clone();
    let (strictly_after, from) = match direction {
        OrderDirection::Asc => (key.column.gt(value.clone()), key.column.gte(value)),
        OrderDirection::Desc => (key.column.lt(value.clone()), key.column.lte(value)),
    };
    if order.len() == 1 {
        return Condition::all().add(strictly_after);
    }
    Condition::all().add(from).add(
        Condition::any()
            .add(strictly_after)
            .add(after_condition(&order[1..], &values[1..])),
    )
}

type CountFuture = Pin<Box<dyn Future<Output = AppResult<u64>> + Send>>;

/// Fields every connection carries besides its edges.
pub struct ConnectionExtras {
    count: Arc<dyn Fn() -> CountFuture + Send + Sync>,
}

/// Fields every connection carries besides its edges.
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

/// A request for one page: filter, ordering, size and position.
pub struct PageRequest<E: EntityTrait> {
    /// Which rows.
    pub condition: Condition,
    /// The requested ordering (the id is appended as the final, unique key).
    pub order: Vec<(SortKey<E>, OrderDirection)>,
    /// `first`.
    pub first: Option<i32>,
    /// `after`.
    pub after: Option<String>,
}

/// A keyset-paginated page of `E` rows, each wrapped as `T`. `id` is the
/// unique key that ends every ordering.
pub async fn keyset_page<E, T>(
    ctx: &Context<'_>,
    id: SortKey<E>,
    request: PageRequest<E>,
    wrap: fn(Arc<E::Model>) -> T,
) -> AppResult<Page<T>>
where
    E: EntityTrait,
    E::Model: entity::model::Positional + Sync,
    T: OutputType,
{
    Ok(keyset_rows(ctx, id, request).await?.into_page(wrap))
}

/// The rows of one page, before they become a connection.
pub struct PageRows<E: EntityTrait> {
    /// The page's rows, in order, shared with whatever reads them.
    pub rows: Vec<Arc<E::Model>>,
    has_previous: bool,
    has_next: bool,
    /// Each row's sort-key values, for its cursor.
    keys: Vec<Vec<KeyValue>>,
    signature: Arc<str>,
    count: Arc<dyn Fn() -> CountFuture + Send + Sync>,
}

impl<E: EntityTrait> PageRows<E> {
    /// The connection of these rows, each wrapped as `T`.
    pub fn into_page<T: OutputType>(self, wrap: fn(Arc<E::Model>) -> T) -> Page<T> {
        let extras = ConnectionExtras { count: self.count };
        let mut connection =
            Connection::with_additional_fields(self.has_previous, self.has_next, extras);
        connection.edges.reserve(self.rows.len());
        for (row, values) in self.rows.into_iter().zip(self.keys) {
            let cursor = KeyCursor::Keys {
                signature: self.signature.clone(),
                values,
            };
            connection.edges.push(Edge::new(cursor, wrap(row)));
        }
        connection
    }
}

/// The rows of a keyset-paginated page of `E`: those matching the
/// request's condition, in its order then by `id`, the first `first` after
/// its cursor.
pub async fn keyset_rows<E>(
    ctx: &Context<'_>,
    id: SortKey<E>,
    request: PageRequest<E>,
) -> AppResult<PageRows<E>>
where
    E: EntityTrait,
    E::Model: entity::model::Positional + Sync,
{
    let limit = page_size(request.first)?;
    let mut order = request.order;
    if !order
        .iter()
        .any(|(key, _)| key.column.as_str() == id.column.as_str())
    {
        order.push((id, OrderDirection::Asc));
    }
    let signature = signature(&order);
    let after = match request.after.as_deref() {
        Some(cursor) => Some(decode(cursor, &signature, order.len())?),
        None => None,
    };
    let db = database(ctx)?.clone();
    let mut query = E::find().filter(request.condition.clone());
    if let Some(values) = &after {
        query = query.filter(after_condition(&order, values));
    }
    for (key, direction) in &order {
        query = match direction {
            OrderDirection::Asc => query.order_by_asc(key.column),
            OrderDirection::Desc => query.order_by_desc(key.column),
        };
    }
    let mut rows = crate::store::fetch::rows(query.limit(limit + 1), &db).await?;
    let has_next = rows.len() as u64 > limit;
    rows.truncate(limit as usize);
    let keys = rows
        .iter()
        .map(|row| {
            order
                .iter()
                .map(|(key, _)| key.value(row))
                .collect::<AppResult<Vec<_>>>()
        })
        .collect::<AppResult<Vec<_>>>()?;
    let condition = request.condition;
    Ok(PageRows {
        rows: rows.into_iter().map(Arc::new).collect(),
        has_previous: after.is_some(),
        has_next,
        keys,
        signature: signature.into(),
        count: Arc::new(move || {
            let db = db.clone();
            let condition = condition.clone();
            Box::pin(async move { count::<E>(&db, condition).await })
        }),
    })
}

/// A page of items computed and sorted in memory (the renewal calendar's
/// events), with the same keyset cursors as database pages: `key` gives an
/// item's sort key (`keys` values long), unique and ascending across
/// `items`, and `signature` names the ordering. A page continues strictly after the cursor's key, so
/// it neither skips nor repeats items when the list changes between pages.
pub fn sorted_page<T>(
    items: &[T],
    key: impl Fn(&T) -> Vec<KeyValue>,
    (signature, keys): (&str, usize),
    first: Option<i32>,
    after: Option<&str>,
) -> AppResult<Page<T>>
where
    T: OutputType + Clone,
{
    let limit = page_size(first)? as usize;
    let start = match after {
        Some(cursor) => {
            let values = decode(cursor, signature, keys)?;
            items.partition_point(|item| key(item) <= values)
        }
        None => 0,
    };
    let end = items.len().min(start + limit);
    let total = items.len() as u64;
    let extras = ConnectionExtras {
        count: Arc::new(move || Box::pin(async move { Ok(total) })),
    };
    let mut connection = Connection::with_additional_fields(start > 0, end < items.len(), extras);
    connection.edges.extend(
        items[start..end]
            .iter()
            .map(|item| Edge::new(KeyCursor::Text(encode(signature, key(item))), item.clone())),
    );
    Ok(connection)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage_or_another_ordering() {
        let values = vec![
            KeyValue::D(NaiveDate::from_ymd_opt(2023, 4, 1).unwrap()),
            KeyValue::I(42),
        ];
        let cursor = encode("START_DATE:A,ID:A", values.clone());
        assert_eq!(decode(&cursor, "START_DATE:A,ID:A", 2).unwrap(), values);
        assert!(decode(&cursor, "START_DATE:D,ID:A", 2).is_err());
        assert!(decode("garbage!", "ID:A", 1).is_err());
        assert!(decode(&URL_SAFE_NO_PAD.encode("{}"), "ID:A", 1).is_err());
    }

    #[test]
    fn sorted_pages_continue_after_the_cursor_key() {
        let items: Vec<i32> = (1..=45).map(|n| n * 2).collect();
        let key = |n: &i32| vec![KeyValue::I(i64::from(*n))];
        let first = sorted_page(&items, key, ("N:A", 1), Some(20), None).unwrap();
        assert_eq!(first.edges.len(), 20);
        assert!(first.has_next_page && !first.has_previous_page);
        let cursor = first.edges.last().unwrap().cursor.encode_cursor();
        let second = sorted_page(&items, key, ("N:A", 1), Some(20), Some(&cursor)).unwrap();
        assert_eq!(second.edges.first().unwrap().node, 42);
        // The item under the cursor is gone: the next page still starts after it.
        let fewer: Vec<i32> = items.iter().copied().filter(|&n| n != 40).collect();
        let third = sorted_page(&fewer, key, ("N:A", 1), Some(100), Some(&cursor)).unwrap();
        assert_eq!(third.edges.first().unwrap().node, 42);
        assert_eq!(third.edges.len(), 25);
        assert!(!third.has_next_page && third.has_previous_page);
        assert!(sorted_page(&items, key, ("M:A", 1), None, Some(&cursor)).is_err());
        assert!(sorted_page(&items, key, ("N:A", 1), Some(0), None).is_err());
    }

    #[test]
    fn sort_key_values_are_read_off_integer_text_and_date_columns() {
        let day = NaiveDate::from_ymd_opt(2024, 3, 31).unwrap();
        assert_eq!(KeyValue::of(7_i64.into()), Some(KeyValue::I(7)));
        assert_eq!(KeyValue::of(2023_i32.into()), Some(KeyValue::I(2023)));
        assert_eq!(KeyValue::of(3_i16.into()), Some(KeyValue::I(3)));
        assert_eq!(
            KeyValue::of("CT-001".to_owned().into()),
            Some(KeyValue::S("CT-001".to_owned()))
        );
        assert_eq!(KeyValue::of(day.into()), Some(KeyValue::D(day)));
        // Nullable columns cannot be sort keys: no value to compare.
        assert_eq!(KeyValue::of(sea_orm::Value::BigInt(None)), None);
        assert_eq!(KeyValue::of(true.into()), None);
    }

    #[test]
    fn page_sizes_are_bounded() {
        assert_eq!(page_size(None).unwrap(), 20);
        assert_eq!(page_size(Some(100)).unwrap(), 100);
        assert!(page_size(Some(0)).is_err());
        assert!(page_size(Some(101)).is_err());
    }
}
