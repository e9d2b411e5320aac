//! How a field reads a relation: the rows its page prepared (see
//! [`prepared`](crate::graphql::prepared)), else through the relation's
//! shared loader, which batches it with every other field asking.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::Context;
use entity::model::Positional;

use crate::error::{AppError, AppResult};
use crate::graphql::loaders::{loaders, Children, Ids, Loaders};
use crate::graphql::prepared::{Prepared, Row, Rows};

/// The row of `id` of the relation `pick` names: prepared by the page, else
/// through its shared loader. `None` when no such row exists.
pub async fn load_one<E, F>(ctx: &Context<'_>, pick: F, id: i64) -> AppResult<Option<Row<E>>>
where
    E: sea_orm::EntityTrait,
    E::Model: crate::store::fetch::Keyed + Positional + Clone + Send + Sync,
    F: FnOnce(&Loaders) -> &Ids<E>,
{
    let loader = pick(loaders(ctx)?);
    if let Some(row) = ctx.data_opt::<Prepared>().and_then(|p| p.row(loader, id)) {
        return Ok(Some(row));
    }
    Ok(loader.load_one(id).await?.map(Arc::new))
}

/// The row of `id` of the relation `pick` names, which must exist (a
/// foreign key guarantees it).
pub async fn load_required<E, F>(ctx: &Context<'_>, pick: F, id: i64) -> AppResult<Row<E>>
where
    E: sea_orm::EntityTrait,
    E::Model: crate::store::fetch::Keyed + Positional + Clone + Send + Sync,
    F: FnOnce(&Loaders) -> &Ids<E>,
{
    load_one(ctx, pick, id)
        .await?
        .ok_or_else(|| AppError::internal(format!("dangling reference to id {id}")))
}

/// The children of `parent` in the relation `pick` names (empty when it has
/// none): prepared by the page, else through its shared loader.
pub async fn load_children<E, F>(ctx: &Context<'_>, pick: F, parent: i64) -> AppResult<Rows<E>>
where
    E: sea_orm::EntityTrait,
    E::Model: Positional + Clone + Send + Sync,
    F: FnOnce(&Loaders) -> &Children<E>,
{
    let loader = pick(loaders(ctx)?);
    if let Some(rows) = ctx
        .data_opt::<Prepared>()
        .and_then(|p| p.children(loader, parent))
    {
        return Ok(rows);
    }
    let rows = loader.load_one(parent).await?.unwrap_or_default();
    Ok(rows.into_iter().map(Arc::new).collect())
}

/// Many rows by id through the loader `pick` names, in the order of `ids`,
/// skipping missing ones.
pub async fn load_many<E, F>(
    ctx: &Context<'_>,
    pick: F,
    ids: impl IntoIterator<Item = i64>,
) -> AppResult<Vec<Row<E>>>
where
    E: sea_orm::EntityTrait,
    E::Model: crate::store::fetch::Keyed + Positional + Clone + Send + Sync,
    F: FnOnce(&Loaders) -> &Ids<E>,
{
    let loader = pick(loaders(ctx)?);
    let ids: Vec<i64> = ids.into_iter().collect();
    let prepared = ctx.data_opt::<Prepared>();
    let mut found: HashMap<i64, Row<E>> = HashMap::with_capacity(ids.len());
    if let Some(prepared) = prepared {
        found.extend(
            ids.iter()
                .filter_map(|&id| prepared.row(loader, id).map(|row| (id, row))),
        );
    }
    let missing: Vec<i64> = ids
        .iter()
        .copied()
        .filter(|id| !found.contains_key(id))
        .collect();
    if !missing.is_empty() {
        let loaded = loader.load_many(missing).await?;
        found.extend(loaded.into_iter().map(|(id, row)| (id, Arc::new(row))));
    }
    Ok(ids.iter().filter_map(|id| found.get(id).cloned()).collect())
}

/// The rows a join table links `parent` to: its link rows in the relation
/// `links` names, then the rows they point to (`target` of each link) in the
/// relation `rows` names, in the links' order.
pub async fn load_linked<L, E, FL, FR>(
    ctx: &Context<'_>,
    links: FL,
    parent: i64,
    target: fn(&L::Model) -> i64,
    rows: FR,
) -> AppResult<Vec<Row<E>>>
where
    L: sea_orm::EntityTrait,
    L::Model: Positional + Clone + Send + Sync,
    E: sea_orm::EntityTrait,
    E::Model: crate::store::fetch::Keyed + Positional + Clone + Send + Sync,
    FL: FnOnce(&Loaders) -> &Children<L>,
    FR: FnOnce(&Loaders) -> &Ids<E>,
{
    let links = load_children(ctx, links, parent).await?;
    load_many(ctx, rows, links.iter().map(|link| target(link))).await
}
