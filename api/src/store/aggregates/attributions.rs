//! The derived `spend_attributions` table: each spend line under a contract,
//! split among the organisations that pay for it by the contract's cost
//! shares, penny-exact.
//!
//! SQL cannot give out leftover pennies by largest remainder, so the split
//! is done here with [`allocate_tree`] and stored; grouping spend by
//! commissioner is then a plain `GROUP BY` over the stored parts, and the
//! parts of every line add up exactly to the line.

use std::collections::{BTreeMap, HashMap};

use entity::{contract, cost_share, spend_line};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DeriveIden, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::domain::{allocate_tree, validate_split, SharePpm, SplitNode};
use crate::error::{AppError, AppResult};

/// The `spend_attributions` table and its columns.
#[derive(DeriveIden, Clone, Copy)]
pub(crate) enum SpendAttributions {
    /// The table.
    Table,
    /// The spend line attributed.
    SpendLineId,
    /// The paying organisation.
    OrganisationId,
    /// Its part of the line, in pence.
    AmountPence,
}

/// Rows per `INSERT`: three parameters each keeps a statement far below
/// SQLite's and PostgreSQL's parameter limits.
const INSERT_BATCH: usize = 300;

/// Recomputes the stored attributions of the spend lines under `contracts`
/// (every spend line when `None`), inside the caller's transaction.
///
/// Call it in the same transaction as every write to spend lines, contracts
/// or cost shares, naming every contract whose lines, lead commissioner or
/// split changed (a line moved to another contract is under the new one;
/// stale rows of lines no longer under any contract are always removed).
/// A line's amount is
/// split down the contract's cost-share tree to its leaves with
/// [`allocate_tree`]; a party that is a leaf in several branches gets one
/// row with the sum of its parts. A contract with no recorded split is borne
/// wholly by its lead commissioner. Lines with no contract get no rows: they
/// are unattributed.
pub async fn rebuild_spend_attributions(
    txn: &impl ConnectionTrait,
    contracts: Option<&[i64]>,
) -> AppResult<()> {
    let mut delete = Query::delete();
    delete.from_table(SpendAttributions::Table);
    if let Some(ids) = contracts {
        if ids.is_empty() {
            return Ok(());
        }
        // The lines under these contracts now, and any line no longer under
        // a contract at all (its former contract's rows are stale); a line
        // moved between contracts is under the new one, which the caller names.
        let lines = Query::select()
            .column(spend_line::Column::Id)
            .from(spend_line::Entity)
            .cond_where(
                Condition::any()
                    .add(spend_line::Column::ContractId.is_in(ids.iter().copied()))
                    .add(spend_line::Column::ContractId.is_null()),
            )
            .to_owned();
        delete.and_where(Expr::col(SpendAttributions::SpendLineId).in_subquery(lines));
    }
    txn.execute(&delete).await?;

    let mut lines = spend_line::Entity::find()
        .select_only()
        .columns([
            spend_line::Column::Id,
            spend_line::Column::ContractId,
            spend_line::Column::AmountPence,
        ])
        .filter(spend_line::Column::ContractId.is_not_null());
    let mut shares = cost_share::Entity::find();
    let mut leads = contract::Entity::find()
        .select_only()
        .columns([contract::Column::Id, contract::Column::LeadCommissionerId]);
    if let Some(ids) = contracts {
        lines = lines.filter(spend_line::Column::ContractId.is_in(ids.iter().copied()));
        shares = shares.filter(cost_share::Column::ContractId.is_in(ids.iter().copied()));
        leads = leads.filter(contract::Column::Id.is_in(ids.iter().copied()));
    }
    let lines: Vec<(i64, Option<i64>, i64)> = lines
        .order_by_asc(spend_line::Column::Id)
        .into_tuple()
        .all(txn)
        .await?;
    let leads: HashMap<i64, i64> = leads.into_tuple().all(txn).await?.into_iter().collect();
    let shares = shares
        .order_by_asc(cost_share::Column::Position)
        .order_by_asc(cost_share::Column::Id)
        .all(txn)
        .await?;
    let trees = split_trees(&shares)?;

    let mut rows: Vec<(i64, i64, i64)> = Vec::new();
    for (line, contract, amount) in lines {
        let Some(contract) = contract else { continue };
        rows.extend(parts_of(line, contract, amount, &trees, &leads)?);
    }
    insert_rows(txn, &rows).await
}

/// Attributes spend lines just inserted under contracts (they have no rows
/// yet), exactly as [`rebuild_spend_attributions`] would, without reading
/// the other lines of their contracts: CSV import calls it once per batch
/// of `(line id, contract id, amount in pence)`, so its memory stays bounded.
pub(crate) async fn attribute_new_lines(
    txn: &impl ConnectionTrait,
    lines: &[(i64, i64, i64)],
) -> AppResult<()> {
    if lines.is_empty() {
        return Ok(());
    }
    let ids: std::collections::BTreeSet<i64> = lines.iter().map(|&(_, c, _)| c).collect();
    let leads: HashMap<i64, i64> = contract::Entity::find()
        .select_only()
        .columns([contract::Column::Id, contract::Column::LeadCommissionerId])
        .filter(contract::Column::Id.is_in(ids.iter().copied()))
        .into_tuple()
        .all(txn)
        .await?
        .into_iter()
        .collect();
    let shares = cost_share::Entity::find()
        .filter(cost_share::Column::ContractId.is_in(ids.iter().copied()))
        .order_by_asc(cost_share::Column::Position)
        .order_by_asc(cost_share::Column::Id)
        .all(txn)
        .await?;
    let trees = split_trees(&shares)?;
    let mut rows = Vec::new();
    for &(line, contract, amount) in lines {
        rows.extend(parts_of(line, contract, amount, &trees, &leads)?);
    }
    insert_rows(txn, &rows).await
}

/// The attribution rows `(line, party, pence)` of one line.
fn parts_of(
    line: i64,
    contract: i64,
    amount: i64,
    trees: &HashMap<i64, Vec<SplitNode<i64>>>,
    leads: &HashMap<i64, i64>,
) -> AppResult<Vec<(i64, i64, i64)>> {
    let parts: BTreeMap<i64, i64> = match trees.get(&contract) {
        Some(tree) => allocate_tree(amount, tree).into_iter().fold(
            BTreeMap::new(),
            |mut by_party, (party, part)| {
                *by_party.entry(party).or_insert(0) += part;
                by_party
            },
        ),
        None => {
            let lead = leads.get(&contract).copied().ok_or_else(|| {
                AppError::internal(format!("spend line {line}: contract {contract} missing"))
            })?;
            BTreeMap::from([(lead, amount)])
        }
    };
    Ok(parts
        .into_iter()
        .map(|(party, part)| (line, party, part))
        .collect())
}

async fn insert_rows(txn: &impl ConnectionTrait, rows: &[(i64, i64, i64)]) -> AppResult<()> {
    for batch in rows.chunks(INSERT_BATCH) {
        let mut insert = Query::insert();
        insert.into_table(SpendAttributions::Table).columns([
            SpendAttributions::SpendLineId,
            SpendAttributions::OrganisationId,
            SpendAttributions::AmountPence,
        ]);
        for &(line, party, part) in batch {
            insert
                .values([line.into(), party.into(), part.into()])
                .map_err(AppError::internal)?;
        }
        txn.execute(&insert).await?;
    }
    Ok(())
}

/// Each contract's cost-share tree, with parties as organisation ids,
/// checked with [`validate_split`] so that the allocation adds up.
fn split_trees(shares: &[cost_share::Model]) -> AppResult<HashMap<i64, Vec<SplitNode<i64>>>> {
    // `shares` is in position order, so children come out in position order.
    let mut children: HashMap<Option<i64>, Vec<&cost_share::Model>> = HashMap::new();
    for share in shares {
        children.entry(share.parent_id).or_default().push(share);
    }
    fn build(
        share: &cost_share::Model,
        children: &HashMap<Option<i64>, Vec<&cost_share::Model>>,
        depth: usize,
    ) -> AppResult<SplitNode<i64>> {
        if depth > crate::domain::cost_share::MAX_SPLIT_DEPTH {
            return Err(AppError::internal(format!(
                "cost share {} is nested too deep",
                share.id
            )));
        }
        let ppm = u32::try_from(share.share_ppm).unwrap_or(0);
        let share_ppm = SharePpm::from_ppm(ppm)
            .map_err(|err| AppError::internal(format!("cost share {}: {err}", share.id)))?;
        let kids = children
            .get(&Some(share.id))
            .map(|kids| {
                kids.iter()
                    .map(|kid| build(kid, children, depth + 1))
                    .collect::<AppResult<Vec<_>>>()
            })
            .transpose()?
            .unwrap_or_default();
        Ok(SplitNode {
            party: share.organisation_id,
            share: share_ppm,
            children: kids,
        })
    }
    let mut trees: HashMap<i64, Vec<SplitNode<i64>>> = HashMap::new();
    for root in children.get(&None).into_iter().flatten() {
        let node = build(root, &children, 1)?;
        trees.entry(root.contract_id).or_default().push(node);
    }
    for (contract, tree) in &trees {
        validate_split(tree).map_err(|violations| {
            AppError::internal(format!(
                "contract {contract}'s cost split is invalid: {}",
                violations
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; ")
            ))
        })?;
    }
    Ok(trees)
}
