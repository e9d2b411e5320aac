//! Replacing a contract's cost-sharing split, nested levels included.
//!
//! The whole split is given at once and replaces the old one: a split is
//! only meaningful whole (its levels sum to 100%), so there is no way to
//! edit one share and leave the split briefly wrong.

use std::collections::HashSet;

use entity::{contract, cost_share, organisation};
use rust_decimal::Decimal;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, DatabaseTransaction,
    EntityTrait, QueryFilter, QueryOrder,
};
use serde_json::{json, Value as Json};

use super::{
    audit, begin, check_not_archived, check_version, lock, row_json, Actor, AuditAction, Change,
    Checks, Patch, Rejection, WriteResult,
};
use crate::domain::{parse_percentage, text, validate_split, CostShareError, SplitNode};
use crate::store::aggregates::rebuild_spend_attributions;

/// The most shares one split may hold, all levels together: far more than
/// any collaboration agreement, and a bound on the work one request causes.
pub const MAX_SHARES: usize = 100;

/// One party's share in a new split.
pub struct ShareInput {
    /// The paying party.
    pub party_id: i64,
    /// Its percentage of the parent's cost.
    pub percentage: Decimal,
    /// How it splits its part further (empty: it pays it all).
    pub shares: Vec<ShareInput>,
}

/// A contract's new split.
pub struct SetCostShares {
    /// The contract.
    pub contract_id: i64,
    /// The contract's version the caller read.
    pub expected_version: i32,
    /// The name of the agreement behind the split, or cleared.
    pub agreement: Patch<String>,
    /// The top level of the split.
    pub shares: Vec<ShareInput>,
}

/// The input path of the share at `indexes` (`["shares", "1", "shares", "0"]`).
fn share_path(indexes: &[usize]) -> Vec<String> {
    indexes
        .iter()
        .flat_map(|i| ["shares".to_owned(), i.to_string()])
        .collect()
}

fn count(shares: &[ShareInput]) -> usize {
    shares.iter().map(|s| 1 + count(&s.shares)).sum()
}

/// Parses every percentage into the domain's split, collecting rejections.
fn plan(
    shares: &[ShareInput],
    at: &mut Vec<usize>,
    checks: &mut Checks,
    parties: &mut HashSet<i64>,
) -> Vec<SplitNode<i64>> {
    let mut level = Vec::with_capacity(shares.len());
    for (i, share) in shares.iter().enumerate() {
        at.push(i);
        parties.insert(share.party_id);
        let children = plan(&share.shares, at, checks, parties);
        match parse_percentage(&share.percentage.to_string()) {
            Ok(ppm) => level.push(SplitNode {
                party: share.party_id,
                share: ppm,
                children,
            }),
            Err(err) => {
                let mut path = share_path(at);
                path.push("percentage".to_owned());
                checks.reject(Rejection {
                    message: format!("percentage: {err}"),
                    field: Some(path),
                    code: err.code(),
                    current_version: None,
                });
            }
        }
        at.pop();
    }
    level
}

/// The rows to insert for `nodes`, in pre-order, each with its parent's
/// index in the list.
fn flatten(
    nodes: &[SplitNode<i64>],
    parent: Option<usize>,
    out: &mut Vec<(Option<usize>, usize, i64, u32)>,
) {
    for (position, node) in nodes.iter().enumerate() {
        out.push((parent, position, node.party, node.share.ppm()));
        let me = out.len() - 1;
        flatten(&node.children, Some(me), out);
    }
}

/// A stored split as JSON for the audit log: parties and percentages, nested.
fn split_json(rows: &[cost_share::Model], parent: Option<i64>) -> Json {
    rows.iter()
        .filter(|r| r.parent_id == parent)
        .map(|r| {
            let percentage = Decimal::new(i64::from(r.share_ppm), 4)
                .normalize()
                .to_string();
            json!({
                "organisation_id": r.organisation_id,
                "percentage": percentage,
                "shares": split_json(rows, Some(r.id)),
            })
        })
        .collect()
}

async fn shares_of(
    txn: &DatabaseTransaction,
    contract_id: i64,
) -> WriteResult<Vec<cost_share::Model>> {
    Ok(cost_share::Entity::find()
        .filter(cost_share::Column::ContractId.eq(contract_id))
        .order_by_asc(cost_share::Column::Position)
        .order_by_asc(cost_share::Column::Id)
        .all(txn)
        .await?)
}

/// Replaces a contract's split (its lead commissioner, or admins) and
/// re-attributes its spend by the new split.
pub async fn set_cost_shares(
    db: &DatabaseConnection,
    actor: &Actor<'_>,
    input: SetCostShares,
) -> WriteResult<(contract::Model, Vec<cost_share::Model>)> {
    let txn = begin(db).await?;
    let current =
        lock::<contract::Entity>(&txn, input.contract_id, &["contractId"], "contract").await?;
    actor.may_write(Some(current.lead_commissioner_id))?;
    check_not_archived(current.archived_at)?;
    check_version(current.version, input.expected_version)?;
    let mut checks = Checks::default();
    let agreement = checks.text_patch("agreement", input.agreement, text::NAME);
    if count(&input.shares) > MAX_SHARES {
        checks.reject_at(
            &["shares"],
            "SPLIT_TOO_LARGE",
            format!("shares: a split may hold at most {MAX_SHARES} shares"),
        );
        return Err(checks.into_error());
    }
    let mut parties = HashSet::new();
    let tree = plan(&input.shares, &mut Vec::new(), &mut checks, &mut parties);
    let known: HashSet<i64> = organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(parties.iter().copied()))
        .all(&txn)
        .await?
        .into_iter()
        .filter(|o| o.archived_at.is_none())
        .map(|o| o.id)
        .collect();
    report_unknown_parties(&input.shares, &mut Vec::new(), &known, &mut checks);
    // Sums are only meaningful once every percentage parsed.
    if checks.is_clean() {
        if let Err(violations) = validate_split(&tree) {
            for v in violations {
                let mut path = share_path(&v.path);
                match &v.kind {
                    CostShareError::NotPositive(_) => path.push("percentage".to_owned()),
                    CostShareError::DuplicateParty { .. } => path.push("partyId".to_owned()),
                    // A level's rule: point at the level's list.
                    _ => path.push("shares".to_owned()),
                }
                checks.reject(Rejection {
                    message: v.to_string(),
                    field: Some(path),
                    code: v.code(),
                    current_version: None,
                });
            }
        }
    }
    let (Some(agreement), true) = (agreement, checks.is_clean()) else {
        return Err(checks.into_error());
    };
    let before_rows = shares_of(&txn, current.id).await?;
    // One statement: both backends check the self-reference at its end.
    cost_share::Entity::delete_many()
        .filter(cost_share::Column::ContractId.eq(current.id))
        .exec(&txn)
        .await?;
    let mut planned = Vec::new();
    flatten(&tree, None, &mut planned);
    let mut ids: Vec<i64> = Vec::with_capacity(planned.len());
    for (parent, position, party, ppm) in planned {
        let row = cost_share::ActiveModel {
            contract_id: Set(current.id),
            parent_id: Set(parent.map(|p| ids[p])),
            organisation_id: Set(party),
            share_ppm: Set(ppm as i32),
            position: Set(position as i32),
            is_illustrative: Set(false),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        ids.push(row.id);
    }
    let mut row: contract::ActiveModel = current.clone().into();
    row.cost_share_agreement = Set(agreement.apply(current.cost_share_agreement.clone()));
    row.version = Set(current.version + 1);
    let updated = row.update(&txn).await?;
    rebuild_spend_attributions(&txn, Some(&[updated.id])).await?;
    let after_rows = shares_of(&txn, current.id).await?;
    let mut before = row_json(&current);
    before["cost_shares"] = split_json(&before_rows, None);
    let mut after = row_json(&updated);
    after["cost_shares"] = split_json(&after_rows, None);
    let change = Change {
        entity_type: "Contract",
        entity_id: updated.id,
        action: AuditAction::CostSharesSet,
        reason: None,
        before: Some(before),
        after: Some(after),
    };
    audit(&txn, actor, change).await?;
    txn.commit().await?;
    Ok((updated, after_rows))
}

fn report_unknown_parties(
    shares: &[ShareInput],
    at: &mut Vec<usize>,
    known: &HashSet<i64>,
    checks: &mut Checks,
) {
    for (i, share) in shares.iter().enumerate() {
        at.push(i);
        if !known.contains(&share.party_id) {
            let mut path = share_path(at);
            path.push("partyId".to_owned());
            checks.reject(Rejection {
                field: Some(path),
                code: "NOT_FOUND",
                message: "partyId: no organisation (that is not archived) has this id".to_owned(),
                current_version: None,
            });
        }
        report_unknown_parties(&share.shares, at, known, checks);
        at.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_interleave_levels() {
        assert_eq!(share_path(&[1, 0]), vec!["shares", "1", "shares", "0"]);
        assert!(share_path(&[]).is_empty());
    }

    #[test]
    fn flattening_keeps_parents_before_children() {
        let leaf = |party| SplitNode {
            party,
            share: parse_percentage("50").unwrap(),
            children: vec![],
        };
        let tree = vec![
            leaf(1),
            SplitNode {
                party: 2,
                share: parse_percentage("50").unwrap(),
                children: vec![leaf(3), leaf(4)],
            },
        ];
        let mut out = Vec::new();
        flatten(&tree, None, &mut out);
        let shape: Vec<(Option<usize>, usize, i64)> = out.iter().map(|r| (r.0, r.1, r.2)).collect();
        assert_eq!(
            shape,
            vec![(None, 0, 1), (None, 1, 2), (Some(1), 0, 3), (Some(1), 1, 4)]
        );
    }
}
