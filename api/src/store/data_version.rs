//! The data version: a counter in `data_version` that triggers on every data
//! table raise in the writing transaction (migration `000005`), whoever
//! writes: commtrack's mutations, the loaders, or anyone with a SQL prompt.
//! It only ever grows, in commit order (the writer holds the row until it
//! commits), so a result read after seeing version `v` is at least as new as
//! `v`, and any later write makes `v` stale for every server instance at once.

use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::ConnectionTrait;

use crate::error::{AppError, AppResult};

/// The current version.
pub async fn current(db: &impl ConnectionTrait) -> AppResult<i64> {
    let query = Query::select()
        .column(Alias::new("version"))
        .from(Alias::new("data_version"))
        .and_where(Expr::col(Alias::new("id")).eq(1))
        .to_owned();
    let row = db
        .query_one(&query)
        .await?
        .ok_or_else(|| AppError::internal("data_version has no row"))?;
    Ok(row.try_get("", "version")?)
}
