//! `setCostShares`.

use async_graphql::{Context, InputObject, MaybeUndefined, Object, ID};

use super::{as_writer, patch, payload, refuse, settle, Ids};
use crate::graphql::loaders::database;
use crate::graphql::nodes::Contract;
use crate::graphql::scalars::DecimalScalar;
use crate::store::writes::cost_shares::{set_cost_shares, SetCostShares, ShareInput};

/// One party's share of its parent's cost.
#[derive(InputObject)]
pub struct CostShareInput {
    /// The paying party (an `Organisation` id), once per level.
    pub party_id: ID,
    /// Its share of the parent's cost as a percentage string with up to four
    /// decimals, more than 0 and at most 100 (`"17.5"`).
    pub percentage: DecimalScalar,
    /// How this party splits its part further, summing to exactly 100%;
    /// empty when it pays it all. At most four levels in all.
    #[graphql(default)]
    pub shares: Vec<CostShareInput>,
}

/// A contract's whole cost-sharing split, replacing the one recorded.
#[derive(InputObject)]
pub struct SetCostSharesInput {
    /// The contract.
    pub contract_id: ID,
    /// The contract's version you read; a stale one is refused with `CONFLICT`.
    pub expected_version: i32,
    /// The name of the agreement behind the split; left out, it stays.
    pub agreement: MaybeUndefined<String>,
    /// The top level of the split, summing to exactly 100% (at most 100 shares in all).
    pub shares: Vec<CostShareInput>,
}

payload!(
    /// The result of setting a contract's cost shares.
    CostSharesPayload { contract: Contract, "The contract with its new split (`costShares`); null when the change was refused." }
);

fn shares(input: Vec<CostShareInput>, at: &mut Vec<String>, ids: &mut Ids) -> Vec<ShareInput> {
    input
        .into_iter()
        .enumerate()
        .map(|(i, share)| {
            at.extend(["shares".to_owned(), i.to_string()]);
            let mut path: Vec<&str> = at.iter().map(String::as_str).collect();
            path.push("partyId");
            let party_id = ids.key(&share.party_id, "Organisation", &path);
            let children = shares(share.shares, at, ids);
            at.truncate(at.len() - 2);
            ShareInput {
                party_id,
                percentage: share.percentage.0,
                shares: children,
            }
        })
        .collect()
}

/// Mutations of cost-sharing splits.
#[derive(Default)]
pub struct CostShareMutations;

/// Mutations of cost-sharing splits.
#[Object]
impl CostShareMutations {
    /// Replaces a contract's cost-sharing split with a whole new one, nested
    /// levels included, and re-attributes its spend. Every level must sum
    /// to exactly 100%. The contract's lead commissioner, or admins.
    async fn set_cost_shares(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The change, with every field described on its type.")]
        input: SetCostSharesInput,
    ) -> async_graphql::Result<CostSharesPayload> {
        let mut ids = Ids::default();
        let contract_id = ids.key(&input.contract_id, "Contract", &["contractId"]);
        let shares = shares(input.shares, &mut Vec::new(), &mut ids);
        let set = match ids.finish(SetCostShares {
            contract_id,
            expected_version: input.expected_version,
            agreement: patch(input.agreement),
            shares,
        }) {
            Ok(set) => set,
            Err(rejections) => return refuse(rejections),
        };
        let db = database(ctx)?;
        let result = as_writer!(ctx, |actor| set_cost_shares(db, actor, set));
        settle(result, |(row, _)| {
            CostSharesPayload::done(Contract::from(row))
        })
    }
}
