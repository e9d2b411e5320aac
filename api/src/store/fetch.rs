//! Batched reads shared by every area: load many rows by id, or the children
//! of many parents, in one `IN (...)` query. The GraphQL loaders are built on
//! these, so a page of 100 contracts costs one query per relation, not 100.

use std::collections::HashMap;
use std::marker::PhantomData;

use async_graphql::dataloader::Loader;
use entity::model::{Decoded, Positional};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Select,
};

use crate::error::{AppError, AppResult};

/// The most keys one statement binds: `load_many` hands a loader every key
/// at once (a national renewal calendar asks for the options of thousands of
/// contracts), and SQLite refuses more than 32,766 bound values.
pub const MAX_KEYS: usize = 1_000;

/// A row with a 64-bit surrogate id.
pub trait Keyed {
    /// The row's id.
    fn key(&self) -> i64;
}

macro_rules! keyed {
    ($($module:ident),* $(,)?) => {
        $(impl Keyed for entity::$module::Model {
            fn key(&self) -> i64 {
                self.id
            }
        })*
    };
}

keyed!(
    organisation,
    area,
    theme,
    funding_stream,
    service,
    contract,
    extension_option,
    cost_share,
    grant_programme,
    grant_round,
    grant_award,
    budget,
    spend_line,
    indicator,
    observation,
);

/// The rows `query` (a `find()` of whole rows) selects, read by position
/// (`entity::model`): no column looked up by name, no text made for a NULL.
pub async fn rows<E>(query: Select<E>, db: &impl ConnectionTrait) -> AppResult<Vec<E::Model>>
where
    E: EntityTrait,
    E::Model: Positional,
{
    let rows = query.into_model::<Decoded<E::Model>>().all(db).await?;
    Ok(rows.into_iter().map(|Decoded(row)| row).collect())
}

/// Loads rows of `E` by a key: their id, or, for [`ById::last_of`], the
/// parent whose last row each is.
pub struct ById<E: EntityTrait> {
    db: DatabaseConnection,
    id: E::Column,
    key_of: fn(&E::Model) -> i64,
    only: Option<Condition>,
}

impl<E: EntityTrait> ById<E> {
    /// A loader of `E` keyed by its `id` column.
    pub fn new(db: DatabaseConnection, id: E::Column) -> Self
    where
        E::Model: Keyed,
    {
        ById {
            db,
            id,
            key_of: Keyed::key,
            only: None,
        }
    }

    /// A loader of the last row of `E` of each parent (the foreign key
    /// `parent`, read back from a row with `parent_of`): the row with the
    /// greatest `order`, then the greatest `id`, keyed by the parent. One
    /// statement whatever the parents' rows, decoding one row per parent
    /// (an indicator's latest observation of its 40 quarters).
    pub fn last_of(
        db: DatabaseConnection,
        parent: E::Column,
        parent_of: fn(&E::Model) -> i64,
        order: E::Column,
        id: E::Column,
    ) -> Self {
        use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
        let later = Alias::new("later");
        let table = E::default();
        let is_later = Expr::col((later.clone(), order))
            .gt(Expr::col((table, order)))
            .or(Expr::col((later.clone(), order))
                .eq(Expr::col((table, order)))
                .and(Expr::col((later.clone(), id)).gt(Expr::col((table, id)))));
        let mut later_rows = Query::select();
        later_rows
            .expr(Expr::val(1))
            .from_as(table, later.clone())
            .and_where(Expr::col((later, parent)).eq(Expr::col((table, parent))))
            .and_where(is_later);
        ById {
            db,
            id: parent,
            key_of: parent_of,
            only: Some(Condition::all().add(Expr::exists(later_rows).not())),
        }
    }
}

impl<E> Loader<i64> for ById<E>
where
    E: EntityTrait,
    E::Model: Positional + Clone + Send + Sync,
{
    type Value = E::Model;
    type Error = AppError;

    async fn load(&self, keys: &[i64]) -> AppResult<HashMap<i64, E::Model>> {
        let mut found = HashMap::with_capacity(keys.len());
        for chunk in keys.chunks(MAX_KEYS) {
            let mut query = E::find().filter(self.id.is_in(chunk.iter().copied()));
            if let Some(only) = &self.only {
                query = query.filter(only.clone());
            }
            let rows = rows(query, &self.db).await?;
            found.extend(rows.into_iter().map(|row| ((self.key_of)(&row), row)));
        }
        Ok(found)
    }
}

/// Loads the rows of `E` that belong to each of many parents, in a stable order.
pub struct ByParent<E: EntityTrait> {
    db: DatabaseConnection,
    parent: E::Column,
    parent_of: fn(&E::Model) -> Option<i64>,
    order: Vec<E::Column>,
    _entity: PhantomData<E>,
}

impl<E: EntityTrait> ByParent<E> {
    /// A loader of `E` grouped by the foreign key `parent` (read back from a
    /// row with `parent_of`), each group ordered by `order`.
    pub fn new(
        db: DatabaseConnection,
        parent: E::Column,
        parent_of: fn(&E::Model) -> Option<i64>,
        order: Vec<E::Column>,
    ) -> Self {
        ByParent {
            db,
            parent,
            parent_of,
            order,
            _entity: PhantomData,
        }
    }
}

impl<E> Loader<i64> for ByParent<E>
where
    E: EntityTrait,
    E::Model: Positional + Clone + Send + Sync,
{
    type Value = Vec<E::Model>;
    type Error = AppError;

    async fn load(&self, keys: &[i64]) -> AppResult<HashMap<i64, Vec<E::Model>>> {
        let mut groups: HashMap<i64, Vec<E::Model>> = HashMap::new();
        // A parent's children all come from the chunk holding it, in order.
        for chunk in keys.chunks(MAX_KEYS) {
            let mut query = E::find().filter(self.parent.is_in(chunk.iter().copied()));
            for column in &self.order {
                query = query.order_by_asc(*column);
            }
            for row in rows(query, &self.db).await? {
                if let Some(parent) = (self.parent_of)(&row) {
                    groups.entry(parent).or_default().push(row);
                }
            }
        }
        Ok(groups)
    }
}

/// How many rows of `E` match `condition`.
pub async fn count<E>(db: &DatabaseConnection, condition: Condition) -> AppResult<u64>
where
    E: EntityTrait,
    E::Model: Sync,
{
    use sea_orm::PaginatorTrait;
    Ok(E::find().filter(condition).count(db).await?)
}

/// The one row of `E` matching `condition` (a unique key), if any.
pub async fn one_where<E: EntityTrait>(
    db: &DatabaseConnection,
    condition: impl sea_orm::sea_query::IntoCondition,
) -> AppResult<Option<E::Model>> {
    Ok(E::find().filter(condition).one(db).await?)
}
