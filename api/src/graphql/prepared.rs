//! Rows loaded ahead for a page.
//!
//! When a list resolves, it reads its page's selection once (async-graphql's
//! look-ahead) and loads every selected relation of the whole page, nested
//! ones included, with one statement per relation, before any field of a
//! row resolves ([`Prepare`]). The fields then find their rows in the
//! request's [`Prepared`] store, shared (`Arc`), with no DataLoader future
//! per row. What no page foresaw (a lone node, a relation no page prepares)
//! still goes through the shared loaders, which batch it.
//!
//! One store lives for one query request: mutations get none, so a write is
//! never answered with rows read before it.

use std::any::Any;
use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use async_graphql::dataloader::Loader;
use async_graphql::{Context, Lookahead};
use entity::model::Positional;
use futures::future::BoxFuture;
use rustc_hash::FxHashMap;
use sea_orm::EntityTrait;

use crate::error::AppResult;
use crate::graphql::loaders::{loaders, Children, Ids, Loaders};
use crate::store::fetch::Keyed;

/// A row, shared by every field and node that reads it.
pub type Row<E> = Arc<<E as EntityTrait>::Model>;
/// The children of one parent, in their loader's order.
pub type Rows<E> = Arc<[Row<E>]>;

/// The rows prepared for one request, per relation.
///
/// A relation is named by its shared loader (every relation has its own,
/// built once with the schema), so the store is keyed by the loader's address.
/// Its maps hash with Fx: a page reads them once per field of every row, and
/// their keys are addresses and row ids, not text a client chooses.
#[derive(Default)]
pub struct Prepared {
    relations: Mutex<FxHashMap<usize, Box<dyn Any + Send>>>,
}

fn relation_of<T>(loader: &T) -> usize {
    loader as *const T as usize
}

impl Prepared {
    fn read<V: Clone + 'static>(&self, relation: usize, key: i64) -> Option<V> {
        let relations = self.relations.lock().unwrap_or_else(|e| e.into_inner());
        let set = relations
            .get(&relation)?
            .downcast_ref::<FxHashMap<i64, V>>()?;
        set.get(&key).cloned()
    }

    fn write<V: Send + 'static>(
        &self,
        relation: usize,
        entries: impl IntoIterator<Item = (i64, V)>,
    ) {
        let mut relations = self.relations.lock().unwrap_or_else(|e| e.into_inner());
        let set = relations
            .entry(relation)
            .or_insert_with(|| Box::new(FxHashMap::<i64, V>::default()));
        if let Some(set) = set.downcast_mut::<FxHashMap<i64, V>>() {
            set.extend(entries);
        }
    }

    /// The prepared row of `id`, if a page loaded it through `loader`.
    pub fn row<E>(&self, loader: &Ids<E>, id: i64) -> Option<Row<E>>
    where
        E: EntityTrait,
        E::Model: Keyed + Clone + Send + Sync,
    {
        self.read::<Row<E>>(relation_of(loader), id)
    }

    /// The prepared children of `parent`, if a page loaded them through `loader`.
    pub fn children<E>(&self, loader: &Children<E>, parent: i64) -> Option<Rows<E>>
    where
        E: EntityTrait,
        E::Model: Clone + Send + Sync,
    {
        self.read::<Rows<E>>(relation_of(loader), parent)
    }
}

/// What prepares a page: the shared loaders and the request's store.
#[derive(Clone, Copy)]
pub struct Preparer<'a> {
    /// The schema's loaders.
    pub loaders: &'a Loaders,
    store: &'a Prepared,
}

impl<'a> Preparer<'a> {
    /// The preparer of this request, if it prepares pages (queries do,
    /// mutations do not).
    pub fn of(ctx: &Context<'a>) -> AppResult<Option<Preparer<'a>>> {
        let Some(store) = ctx.data_opt::<Prepared>() else {
            return Ok(None);
        };
        Ok(Some(Preparer {
            loaders: loaders(ctx)?,
            store,
        }))
    }

    /// Loads the rows of `ids` with `loader`'s query (one statement, at once:
    /// a page knows all its keys, so it does not wait for the loader's batching
    /// window), keeps them for the fields, and returns them.
    pub async fn rows<E>(
        &self,
        loader: &Ids<E>,
        ids: impl IntoIterator<Item = i64>,
    ) -> AppResult<Vec<Row<E>>>
    where
        E: EntityTrait,
        E::Model: Positional + Keyed + Clone + Send + Sync,
    {
        let ids: Vec<i64> = ids
            .into_iter()
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let found = loader.loader().load(&ids).await?;
        let rows: Vec<(i64, Row<E>)> = found
            .into_iter()
            .map(|(id, row)| (id, Arc::new(row)))
            .collect();
        let list = rows.iter().map(|(_, row)| row.clone()).collect();
        self.store.write(relation_of(loader), rows);
        Ok(list)
    }

    /// Loads the children of `parents` with `loader`'s query (one statement,
    /// at once), keeps them per parent (an empty list for a parent without
    /// any), and returns them all.
    pub async fn children<E>(
        &self,
        loader: &Children<E>,
        parents: impl IntoIterator<Item = i64>,
    ) -> AppResult<Vec<Row<E>>>
    where
        E: EntityTrait,
        E::Model: Positional + Clone + Send + Sync,
    {
        let parents: Vec<i64> = parents
            .into_iter()
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        if parents.is_empty() {
            return Ok(Vec::new());
        }
        let mut found = loader.loader().load(&parents).await?;
        let mut all = Vec::new();
        let groups: Vec<(i64, Rows<E>)> = parents
            .into_iter()
            .map(|parent| {
                let rows: Rows<E> = found
                    .remove(&parent)
                    .unwrap_or_default()
                    .into_iter()
                    .map(Arc::new)
                    .collect();
                all.extend(rows.iter().cloned());
                (parent, rows)
            })
            .collect();
        self.store.write(relation_of(loader), groups);
        Ok(all)
    }
}

/// Nodes whose relations a page can load ahead.
pub trait Prepare {
    /// The table of the nodes' rows.
    type Entity: EntityTrait;

    /// Loads, one call per relation, what `selection` (the selection set of
    /// these nodes) selects of the relations of `rows`, and of theirs.
    fn prepare<'a, 's: 'a>(
        with: Preparer<'a>,
        rows: &'a [Row<Self::Entity>],
        selection: &'a Lookahead<'s>,
    ) -> BoxFuture<'a, AppResult<()>>;
}

/// Whether `selection` selects any of `fields`.
pub fn selects(selection: &Lookahead<'_>, fields: &[&str]) -> bool {
    fields.iter().any(|field| selection.field(field).exists())
}

/// The selection set of a connection's nodes: under `nodes` and under
/// `edges { node }` together.
pub fn node_selection<'a>(connection: &Lookahead<'a>) -> Option<Lookahead<'a>> {
    let mut fields = connection.field("nodes").selection_fields();
    fields.extend(connection.field("edges").field("node").selection_fields());
    Lookahead::try_from(fields.as_slice()).ok()
}

/// Lets each node type named be built from a row it does not share yet
/// (`Contract::from(model)`), beside the `Node(pub Row<entity>)` it is.
#[macro_export]
macro_rules! node_from_row {
    ($($node:ident => $module:ident),* $(,)?) => {
        $(impl From<entity::$module::Model> for $node {
            fn from(row: entity::$module::Model) -> Self {
                Self(std::sync::Arc::new(row))
            }
        })*
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_relation_keeps_what_every_page_prepared_and_nothing_of_another() {
        let store = Prepared::default();
        let (options, shares) = (1_usize, 2_usize);
        store.write(options, [(10, "a"), (11, "b")]);
        store.write(options, [(12, "c")]);
        assert_eq!(store.read::<&str>(options, 10), Some("a"));
        assert_eq!(store.read::<&str>(options, 12), Some("c"));
        assert_eq!(store.read::<&str>(options, 13), None);
        assert_eq!(store.read::<&str>(shares, 10), None);
        // A relation read as the wrong type is not prepared, not a panic.
        assert_eq!(store.read::<i32>(options, 10), None);
    }
}
