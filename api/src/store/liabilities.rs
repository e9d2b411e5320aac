//! The rows behind cost-share liabilities: the contracts whose term overlaps
//! a financial year, their cost shares and the organisations that may pay.
//! Three queries, whatever the number of contracts; the apportioning and the
//! penny-exact split are pure rules in `domain::liabilities`.

use std::collections::HashMap;

use chrono::NaiveDate;
use entity::{contract, cost_share, organisation};
use futures::TryStreamExt;
use sea_orm::sea_query::{Query, SelectStatement};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, FromQueryResult, QueryFilter,
    QueryOrder, QuerySelect, SelectModel, Selector,
};

use crate::domain::liabilities::{ContractInput, ContractValue, ShareRow};
use crate::domain::{FinancialYear, SharePpm};
use crate::error::{AppError, AppResult};

/// The columns of a contract the liabilities rule reads: a national year
/// holds tens of thousands of contracts, so only these are loaded.
#[derive(Clone, Debug, FromQueryResult)]
pub struct ContractRow {
    /// The contract's id.
    pub id: i64,
    /// Its reference, the order of every list of contracts.
    pub reference: String,
    /// Who pays when there is no split.
    pub lead_commissioner_id: i64,
    /// The first day of the term.
    pub start_date: NaiveDate,
    /// The last day of the term, exercised options included.
    pub current_end_date: NaiveDate,
    /// The annual value, pence.
    pub annual_value_pence: Option<i64>,
    /// The total value, pence.
    pub total_value_pence: Option<i64>,
}

/// The columns of a cost share the liabilities rule reads.
#[derive(Clone, Debug, FromQueryResult)]
pub struct ShareColumns {
    /// The share's id.
    pub id: i64,
    /// Its contract.
    pub contract_id: i64,
    /// The share it splits further, if any.
    pub parent_id: Option<i64>,
    /// The paying (or passing-on) organisation.
    pub organisation_id: i64,
    /// Its share of the parent, parts per million.
    pub share_ppm: i32,
    /// Its order among its siblings.
    pub position: i32,
}

/// Everything needed to work out a year's liabilities.
#[derive(Clone, Debug, Default)]
pub struct YearRows {
    /// Contracts whose term (start to current end) overlaps the year, by
    /// reference (compared as Unicode code points).
    pub contracts: Vec<ContractRow>,
    /// Their cost shares, all levels, by contract then position.
    pub shares: Vec<ShareColumns>,
    /// The organisations that may pay: every party to those shares and every
    /// lead commissioner (or only `commissioner`, when one is asked for), by
    /// name (compared as Unicode code points).
    pub organisations: Vec<organisation::Model>,
}

/// Contracts, not archived, whose term overlaps `year` and, if
/// `commissioner` is given, in which it holds a share or which it leads.
fn contracts_condition(year: FinancialYear, commissioner: Option<i64>) -> Condition {
    use contract::Column as C;
    // The stored current end counts every recorded exercise of an option.
    // Archived contracts are deleted as far as users are concerned.
    let mut condition = Condition::all()
        .add(C::StartDate.lte(year.end_date()))
        .add(C::CurrentEndDate.gte(year.start_date()))
        .add(C::ArchivedAt.is_null());
    if let Some(party) = commissioner {
        let holding = Query::select()
            .column(cost_share::Column::ContractId)
            .from(cost_share::Entity)
            .and_where(cost_share::Column::OrganisationId.eq(party))
            .to_owned();
        condition = condition.add(
            Condition::any()
                .add(C::LeadCommissionerId.eq(party))
                .add(C::Id.in_subquery(holding)),
        );
    }
    condition
}

/// The share columns of the contracts `contracts` selects (a subquery of
/// contract ids), contract by contract in split order.
pub fn shares_of(contracts: SelectStatement) -> Selector<SelectModel<ShareColumns>> {
    use cost_share::Column as S;
    cost_share::Entity::find()
        .select_only()
        .columns([
            S::Id,
            S::ContractId,
            S::ParentId,
            S::OrganisationId,
            S::SharePpm,
            S::Position,
        ])
        .filter(S::ContractId.in_subquery(contracts))
        .order_by_asc(S::ContractId)
        .order_by_asc(S::Position)
        .order_by_asc(S::Id)
        .into_model::<ShareColumns>()
}

/// Loads the rows for `year`, optionally narrowed to one paying organisation.
pub async fn year_rows(
    db: &DatabaseConnection,
    year: FinancialYear,
    commissioner: Option<i64>,
) -> AppResult<YearRows> {
    let matching = || {
        Query::select()
            .column(contract::Column::Id)
            .from(contract::Entity)
            .cond_where(contracts_condition(year, commissioner))
            .to_owned()
    };
    use contract::Column as C;
    let mut contracts = contract::Entity::find()
        .select_only()
        .columns([
            C::Id,
            C::Reference,
            C::LeadCommissionerId,
            C::StartDate,
            C::CurrentEndDate,
            C::AnnualValuePence,
            C::TotalValuePence,
        ])
        .filter(contracts_condition(year, commissioner))
        .into_model::<ContractRow>()
        .stream(db)
        .await?
        .try_collect::<Vec<_>>()
        .await?;
    // Ordered here, not by SQL: PostgreSQL's collation would order text
    // differently from SQLite's, and answers must not depend on the backend.
    contracts.sort_by(|a, b| a.reference.cmp(&b.reference));
    if contracts.is_empty() {
        return Ok(YearRows::default());
    }
    // Subqueries rather than a list of ids: no bound on the number of
    // parameters, and the database plans the join.
    let shares = shares_of(matching())
        .stream(db)
        .await?
        .try_collect::<Vec<_>>()
        .await?;
    let payers = match commissioner {
        Some(party) => Condition::all().add(organisation::Column::Id.eq(party)),
        None => {
            let sharing = Query::select()
                .column(cost_share::Column::OrganisationId)
                .from(cost_share::Entity)
                .and_where(cost_share::Column::ContractId.in_subquery(matching()))
                .to_owned();
            let leading = Query::select()
                .column(contract::Column::LeadCommissionerId)
                .from(contract::Entity)
                .cond_where(contracts_condition(year, None))
                .to_owned();
            Condition::any()
                .add(organisation::Column::Id.in_subquery(sharing))
                .add(organisation::Column::Id.in_subquery(leading))
        }
    };
    let mut organisations = organisation::Entity::find().filter(payers).all(db).await?;
    organisations.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    Ok(YearRows {
        contracts,
        shares,
        organisations,
    })
}

/// The domain's view of the loaded contracts, in the same order.
pub fn contract_inputs(rows: &YearRows) -> AppResult<Vec<ContractInput>> {
    let mut shares: HashMap<i64, Vec<ShareRow>> = HashMap::new();
    for share in &rows.shares {
        let ppm = u32::try_from(share.share_ppm).unwrap_or(0);
        let parsed = SharePpm::from_ppm(ppm).map_err(|err| {
            AppError::internal(format!("stored cost share {} is invalid: {err}", share.id))
        })?;
        shares.entry(share.contract_id).or_default().push(ShareRow {
            id: share.id,
            parent: share.parent_id,
            party: share.organisation_id,
            share: parsed,
            position: share.position,
        });
    }
    Ok(rows
        .contracts
        .iter()
        .map(|c| ContractInput {
            contract: c.id,
            lead: c.lead_commissioner_id,
            start: c.start_date,
            current_end: c.current_end_date,
            value: ContractValue::from_columns(c.annual_value_pence, c.total_value_pence),
            shares: shares.remove(&c.id).unwrap_or_default(),
        })
        .collect())
}
