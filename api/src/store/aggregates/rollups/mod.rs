//! Aggregate rollups (migration `000008`): derived tables that answer the
//! common summaries from a few thousand rows instead of every row.
//!
//! - [`reach`]: observed values by effective service, financial year, unit
//!   and aggregation (`reach_rollups`), and those once more by each area of
//!   the service (`reach_area_rollups`), for summaries by year, service,
//!   district, theme or unit.
//! - [`spend`]: spend lines by funding stream, financial year and quarter
//!   (`spend_rollups`).
//!
//! They are kept in the writing transaction: a writer locks a rollup's state
//! ([`Held`]) before writing its inputs, then rebuilds the rows of the keys
//! it touched, which is exact whatever changed (a rebuilt row is a plain
//! `GROUP BY` of the key's rows, so minima, maxima and wordings never go
//! stale on a delete). Triggers mark a rollup stale on every change to its
//! inputs; a writer that rebuilt what it touched puts the mark back as it
//! found it. A write that bypassed this (a SQL prompt) leaves the rollup
//! stale: summaries then read the rows, exact but slower, until [`repair`]
//! rebuilds it (when the database is opened).

use sea_orm::{ConnectionTrait, DatabaseConnection, Statement, TransactionTrait};

use crate::error::AppResult;

pub mod reach;
pub mod spend;

pub use reach::ReachRollups;
pub use spend::SpendRollups;

/// Keys (services, indicators, streams) per statement: far below both
/// backends' limits on statement size.
const CHUNK: usize = 500;

/// A rollup, by its name in `aggregate_rollups`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rollup {
    /// The reach rollups.
    Reach,
    /// The spend rollups.
    Spend,
}

impl Rollup {
    fn name(self) -> &'static str {
        match self {
            Rollup::Reach => "reach",
            Rollup::Spend => "spend",
        }
    }
}

/// Whether `rollup` matches its inputs now.
pub async fn is_current(db: &impl ConnectionTrait, rollup: Rollup) -> AppResult<bool> {
    read_state(db, rollup, "").await
}

/// Whether the reach rollups match the observations now.
pub async fn reach_current(db: &impl ConnectionTrait) -> AppResult<bool> {
    is_current(db, Rollup::Reach).await
}

async fn read_state(db: &impl ConnectionTrait, rollup: Rollup, lock: &str) -> AppResult<bool> {
    let row = db
        .query_one_raw(statement(
            db,
            format!(
                "SELECT current FROM aggregate_rollups WHERE name = '{}'{lock}",
                rollup.name()
            ),
        ))
        .await?;
    match row {
        Some(row) => Ok(row.try_get("", "current")?),
        None => Ok(false),
    }
}

/// A rollup's state, locked for one writing transaction.
#[must_use = "rebuild what was written and release, or the rollup stays stale"]
pub struct Held {
    rollup: Rollup,
    was_current: bool,
}

impl Held {
    /// Locks `rollup`'s state until the transaction ends (PostgreSQL;
    /// SQLite's writer holds the whole database) and notes whether it is
    /// current: call it before writing anything the rollup is derived from.
    pub async fn lock(txn: &impl ConnectionTrait, rollup: Rollup) -> AppResult<Self> {
        let lock = match txn.get_database_backend() {
            sea_orm::DatabaseBackend::Postgres => " FOR UPDATE",
            _ => "",
        };
        Ok(Held {
            rollup,
            was_current: read_state(txn, rollup, lock).await?,
        })
    }

    /// After rebuilding what the transaction touched: marks the rollup
    /// current again if it was before the transaction wrote.
    async fn release(self, txn: &impl ConnectionTrait) -> AppResult<()> {
        if self.was_current {
            set_current(txn, self.rollup).await?;
        }
        Ok(())
    }
}

/// Rebuilds every rollup inside the caller's transaction and marks them
/// current: for bulk loads, and to repair stale rollups.
pub async fn rebuild_all(txn: &impl ConnectionTrait) -> AppResult<()> {
    reach::rebuild_all(txn).await?;
    spend::rebuild_all(txn).await
}

/// Rebuilds each stale rollup; returns whether any was.
pub async fn repair(db: &DatabaseConnection) -> AppResult<bool> {
    let mut repaired = false;
    for rollup in [Rollup::Reach, Rollup::Spend] {
        if is_current(db, rollup).await? {
            continue;
        }
        let txn = db.begin().await?;
        match rollup {
            Rollup::Reach => reach::rebuild_all(&txn).await?,
            Rollup::Spend => spend::rebuild_all(&txn).await?,
        }
        txn.commit().await?;
        repaired = true;
    }
    if repaired && db.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        // Planner statistics for the rebuilt tables: without them PostgreSQL
        // takes them for nearly empty and a rebuild per key scans them.
        execute(
            db,
            "ANALYZE reach_rollups, reach_area_rollups, spend_rollups".to_owned(),
        )
        .await?;
    }
    Ok(repaired)
}

fn statement(db: &impl ConnectionTrait, sql: String) -> Statement {
    Statement::from_string(db.get_database_backend(), sql)
}

async fn execute(txn: &impl ConnectionTrait, sql: String) -> AppResult<()> {
    txn.execute_raw(statement(txn, sql)).await?;
    Ok(())
}

async fn set_current(txn: &impl ConnectionTrait, rollup: Rollup) -> AppResult<()> {
    execute(
        txn,
        format!(
            "UPDATE aggregate_rollups SET current = TRUE WHERE name = '{}'",
            rollup.name()
        ),
    )
    .await
}

fn id_list(ids: &[i64]) -> String {
    ids.iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// `CAST(SUM(CASE WHEN <column> = '<qualifier>' THEN 1 ELSE 0 END) AS BIGINT)`.
fn count_qualifier(column: &str, qualifier: &str) -> String {
    format!("CAST(SUM(CASE WHEN {column} = '{qualifier}' THEN 1 ELSE 0 END) AS BIGINT)")
}
