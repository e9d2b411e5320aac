//! Cost-share liabilities: what each commissioner owes for a financial year
//! under its contracts' cost-sharing splits. The rule (apportioning by days,
//! rounding, penny-exact allocation) is `domain::liabilities`; the reads are
//! `store::liabilities`.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::{Context, Enum, Object, ID};
use sea_orm::DatabaseConnection;

use crate::domain::liabilities::{year_liabilities, ContractPart, ContractValue};
use crate::domain::FinancialYear;
use crate::error::{AppError, AppResult};
use crate::graphql::filter::row_id;
use crate::graphql::loaders::cached;
use crate::graphql::nodes::{Contract, Organisation};
use crate::graphql::relations::load_required;
use crate::graphql::scalars::{DecimalScalar, FinancialYearScalar, Money};
use crate::store::liabilities::{contract_inputs, year_rows};

/// Which recorded value a contract's figure for the year comes from.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContractValueBasis {
    /// The annual value, apportioned contract year by contract year.
    AnnualValue,
    /// The total value (no annual value is recorded), spread over the
    /// current term by days.
    TotalValue,
    /// No value is recorded: the contract has no figure for the year.
    NoValue,
}

impl From<ContractValue> for ContractValueBasis {
    fn from(value: ContractValue) -> Self {
        match value {
            ContractValue::Annual(_) => Self::AnnualValue,
            ContractValue::Total(_) => Self::TotalValue,
            ContractValue::Unknown => Self::NoValue,
        }
    }
}

/// One contract behind a commissioner's liability for the year.
#[derive(Clone)]
pub struct ContractLiability(ContractPart);

/// One contract behind a commissioner's liability for the year.
#[Object]
impl ContractLiability {
    /// The contract.
    async fn contract(&self, ctx: &Context<'_>) -> async_graphql::Result<Contract> {
        Ok(Contract(
            load_required(ctx, |l| &l.contracts, self.0.contract).await?,
        ))
    }
    /// The whole contract's value for the financial year, rounded half up to
    /// the penny (see `costShareLiabilities`); null when the contract records
    /// no value.
    async fn value_for_year(&self) -> Option<Money> {
        self.0.value_for_year.map(Money::from_pence)
    }
    /// Which recorded value `valueForYear` comes from.
    async fn value_basis(&self) -> ContractValueBasis {
        self.0.basis.into()
    }
    /// Days of the contract's current term inside the financial year.
    async fn days_in_year(&self) -> i64 {
        self.0.days
    }
    /// This commissioner's share of the whole contract as a percentage,
    /// exact: the product of its share and the shares above it in the split
    /// (50% of 40% is `"20"`), added up over every branch where it pays; 100
    /// when the contract has no cost shares and it is the lead commissioner.
    async fn percentage_of_contract(&self) -> DecimalScalar {
        DecimalScalar(self.0.fraction.percentage())
    }
    /// What this commissioner pays of `valueForYear`; null when the contract
    /// records no value. Additive: the amounts of all the commissioners of one
    /// contract add up exactly to its `valueForYear`.
    async fn amount(&self) -> Option<Money> {
        self.0.amount.map(Money::from_pence)
    }
}

/// One paying organisation's figures, as computed (and cached) once.
struct Payer {
    organisation: entity::organisation::Model,
    total: i64,
    contracts: Vec<ContractLiability>,
}

/// A year's liabilities, as computed (and cached) once for every caller.
struct YearLiabilities {
    total: i64,
    payers: Vec<Payer>,
}

/// What one commissioner owes for the financial year.
pub struct CommissionerLiability {
    year: Arc<YearLiabilities>,
    index: usize,
}

impl CommissionerLiability {
    fn payer(&self) -> &Payer {
        &self.year.payers[self.index]
    }
}

/// What one commissioner owes for the financial year.
#[Object]
impl CommissionerLiability {
    /// The paying organisation.
    async fn commissioner(&self) -> Organisation {
        Organisation::from(self.payer().organisation.clone())
    }
    /// The sum of `amount` over its contracts (contracts with no value add
    /// nothing). Additive across commissioners.
    async fn total(&self) -> Money {
        Money::from_pence(self.payer().total)
    }
    /// The contracts behind the total, by reference.
    async fn contracts(&self) -> Vec<ContractLiability> {
        self.payer().contracts.clone()
    }
}

/// What commissioners owe for a financial year under their contracts'
/// cost-sharing splits.
pub struct CostShareLiabilities {
    financial_year: FinancialYearScalar,
    year: Arc<YearLiabilities>,
}

/// What commissioners owe for a financial year under their contracts'
/// cost-sharing splits.
#[Object]
impl CostShareLiabilities {
    /// The financial year.
    async fn financial_year(&self) -> FinancialYearScalar {
        self.financial_year
    }
    /// The sum of the listed commissioners' totals: with no `commissioner`
    /// argument, the value for the year of every contract that records one.
    async fn total(&self) -> Money {
        Money::from_pence(self.year.total)
    }
    /// Each paying commissioner, by name.
    async fn commissioners(&self) -> Vec<CommissionerLiability> {
        (0..self.year.payers.len())
            .map(|index| CommissionerLiability {
                year: Arc::clone(&self.year),
                index,
            })
            .collect()
    }
}

/// Queries about what commissioners owe.
#[derive(Default)]
pub struct LiabilityQuery;

/// Queries about what commissioners owe.
#[Object]
impl LiabilityQuery {
    /// What each commissioner owes for a financial year, following nested
    /// cost-sharing splits down to the organisations that pay, with the
    /// contracts behind each figure.
    ///
    /// A contract counts when its current term (start date to current end
    /// date: the initial term extended by every exercised option) overlaps the
    /// year; its recorded status is not considered. Its value for the year:
    /// with an annual value, for each contract year (12 months from the start
    /// date, the last one cut at the current end date), annual value × days of
    /// that contract year inside the financial year and the term ÷ days in the
    /// whole contract year (365 or 366), so a contract year straddling 1 April
    /// is apportioned by days; with only a total value, the total × days of
    /// the term inside the year ÷ days in the term. The sum is computed exactly
    /// and rounded half up to the penny once per contract and year. That
    /// amount is then split down the contract's cost shares by the largest
    /// remainder method at every level, so the amounts of every contract add
    /// up exactly to its value for the year. A contract with no cost shares is
    /// paid wholly by its lead commissioner. Contracts that record no value are
    /// listed with null amounts and excluded from every total.
    async fn cost_share_liabilities(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The financial year, e.g. \"2024-25\".")]
        financial_year: FinancialYearScalar,
        #[graphql(
            desc = "Only this paying organisation (an `Organisation` id). A party that passes its whole share on to others pays nothing itself and is not listed."
        )]
        commissioner: Option<ID>,
    ) -> async_graphql::Result<CostShareLiabilities> {
        let year = financial_year.0;
        let only = commissioner
            .map(|id| row_id("commissioner", &id, "Organisation"))
            .transpose()?;
        let key = format!("liabilities {year} {only:?}");
        let year = cached(ctx, key, move |db| async move {
            year_liabilities_of(&db, year, only).await
        })
        .await?;
        Ok(CostShareLiabilities {
            financial_year,
            year,
        })
    }
}

/// Works out a year's liabilities from the stored rows.
async fn year_liabilities_of(
    db: &DatabaseConnection,
    year: FinancialYear,
    only: Option<i64>,
) -> AppResult<YearLiabilities> {
    let rows = year_rows(db, year, only).await?;
    let payers = year_liabilities(year, &contract_inputs(&rows)?)
        .map_err(|err| AppError::internal(format!("{}: {err}", err.code())))?;
    let mut payers: HashMap<i64, _> = payers.into_iter().map(|p| (p.party, p)).collect();
    let mut total = 0i64;
    let mut listed = Vec::new();
    // Organisations come in name order; only those that pay are listed.
    for organisation in rows.organisations {
        let Some(payer) = payers.remove(&organisation.id) else {
            continue;
        };
        total = total.checked_add(payer.total).ok_or_else(too_large)?;
        listed.push(Payer {
            organisation,
            total: payer.total,
            contracts: payer.parts.into_iter().map(ContractLiability).collect(),
        });
    }
    if only.is_none() && !payers.is_empty() {
        return Err(AppError::internal("a paying organisation was not loaded"));
    }
    Ok(YearLiabilities {
        total,
        payers: listed,
    })
}

fn too_large() -> AppError {
    AppError::internal("the year's total liabilities do not fit in 64-bit pence")
}
