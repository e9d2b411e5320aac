//! The spend rollups: `spend_rollups`, spend lines by funding stream,
//! financial year and quarter. They depend on the lines' own columns only,
//! so only writes to spend lines change them.
//!
//! Commtrack only ever adds spend lines, so a writer adds the rollup rows of
//! the lines it inserted, computed from those lines alone, beside the rows
//! already there: rollups are read by adding and taking minima, so a key
//! split over several rows reads the same, and a write costs what it wrote
//! rather than a rebuild of every line of its stream and year. A key that
//! gathers more than [`MAX_ROWS_PER_YEAR`] rows is rebuilt into one row per
//! quarter.

use std::collections::BTreeSet;

use sea_orm::ConnectionTrait;

use super::{count_qualifier, execute, id_list, statement, Held, Rollup, CHUNK};
use crate::error::AppResult;

/// The spend rollups' state, locked for one writing transaction.
#[must_use = "refresh the rollups after writing, or they stay stale"]
pub struct SpendRollups(Held);

impl SpendRollups {
    /// Locks the state; call it before writing spend lines (see [`Held::lock`]).
    pub async fn lock(txn: &impl ConnectionTrait) -> AppResult<Self> {
        Ok(SpendRollups(Held::lock(txn, Rollup::Spend).await?))
    }

    /// Adds the rollup rows of `lines`, the spend lines this transaction
    /// inserted, compacts the keys that gathered too many rows, and marks the
    /// rollups current again if they were before the transaction wrote.
    pub async fn add_lines(self, txn: &impl ConnectionTrait, lines: &[i64]) -> AppResult<()> {
        for chunk in lines.chunks(CHUNK) {
            let only = format!("WHERE spend_lines.id IN ({})", id_list(chunk));
            execute(txn, insert_rollups(&only)).await?;
        }
        let crowded = txn
            .query_all_raw(statement(
                txn,
                format!(
                    "SELECT funding_stream_id, financial_year FROM spend_rollups \
                     GROUP BY funding_stream_id, financial_year HAVING COUNT(*) > {MAX_ROWS_PER_YEAR}"
                ),
            ))
            .await?;
        let crowded = crowded
            .iter()
            .map(|row| -> AppResult<(i64, i32)> {
                Ok((
                    row.try_get("", "funding_stream_id")?,
                    row.try_get("", "financial_year")?,
                ))
            })
            .collect::<AppResult<Vec<_>>>()?;
        rebuild_keys(txn, &crowded).await?;
        self.0.release(txn).await
    }
}

/// The most rollup rows one funding stream and year may gather from added
/// lines before they are rebuilt into one per quarter (at most five).
pub const MAX_ROWS_PER_YEAR: usize = 40;

/// Rebuilds the rollups of `keys` (funding stream id, financial year) from
/// their lines.
async fn rebuild_keys(txn: &impl ConnectionTrait, keys: &[(i64, i32)]) -> AppResult<()> {
    let keys: BTreeSet<(i64, i32)> = keys.iter().copied().collect();
    let keys: Vec<(i64, i32)> = keys.into_iter().collect();
    for chunk in keys.chunks(CHUNK) {
        let matching = |stream: &str, year: &str| {
            chunk
                .iter()
                .map(|(s, y)| format!("({stream} = {s} AND {year} = {y})"))
                .collect::<Vec<_>>()
                .join(" OR ")
        };
        execute(
            txn,
            format!(
                "DELETE FROM spend_rollups WHERE {}",
                matching("funding_stream_id", "financial_year")
            ),
        )
        .await?;
        execute(
            txn,
            insert_rollups(&format!(
                "WHERE {}",
                matching(
                    "spend_lines.funding_stream_id",
                    "spend_lines.financial_year"
                )
            )),
        )
        .await?;
    }
    Ok(())
}

/// Rebuilds the spend rollups from every line and marks them current.
pub async fn rebuild_all(txn: &impl ConnectionTrait) -> AppResult<()> {
    // Locks the state first (PostgreSQL), so no writer slips in between.
    let _state = Held::lock(txn, Rollup::Spend).await?;
    execute(txn, "DELETE FROM spend_rollups".to_owned()).await?;
    execute(txn, insert_rollups("")).await?;
    super::set_current(txn, Rollup::Spend).await
}

/// `INSERT INTO spend_rollups ... SELECT` of the lines matching `where_clause`
/// (`WHERE ...`, or empty for all).
fn insert_rollups(where_clause: &str) -> String {
    let count = |qualifier: &str| count_qualifier("spend_lines.qualifier", qualifier);
    format!(
        "INSERT INTO spend_rollups (funding_stream_id, financial_year, quarter, \
             amount_sum_pence, lines, amount_min_pence, amount_max_pence, \
             approximate, at_least, at_most, wording) \
         SELECT spend_lines.funding_stream_id, spend_lines.financial_year, spend_lines.quarter, \
             CAST(SUM(spend_lines.amount_pence) AS BIGINT), CAST(COUNT(*) AS BIGINT), \
             MIN(spend_lines.amount_pence), MAX(spend_lines.amount_pence), \
             {approximate}, {at_least}, {at_most}, MIN(spend_lines.wording) \
         FROM spend_lines {where_clause} \
         GROUP BY spend_lines.funding_stream_id, spend_lines.financial_year, spend_lines.quarter",
        approximate = count("approximate"),
        at_least = count("at_least"),
        at_most = count("at_most"),
    )
}
