//! What each paying organisation owes for a financial year under the
//! cost-sharing splits of its contracts.
//!
//! # The rule
//!
//! **A contract's value for a financial year.** The term runs from the start
//! date to the current end date (the initial term extended by every exercised
//! option, `contracts.current_end_date`).
//! - With an annual value: the term is cut into contract years, 12-month
//!   periods from the start date (year *k* runs from start + 12*k* months to
//!   the day before start + 12(*k*+1) months; the last one is cut at the
//!   current end date). For each contract year the financial year receives
//!   annual value × (days of that contract year inside both the financial year
//!   and the term) ÷ (days in that whole contract year, 365 or 366). So a
//!   contract year straddling 1 April is apportioned by days, and a term that
//!   ends part-way through a contract year is paid only for its days.
//! - With only a total value: the total is spread evenly over the days of the
//!   term, and the year receives total × (days of the term inside the year) ÷
//!   (days in the term).
//! - With an annual value and a total, the annual value is used.
//! - With neither, the value is unknown (`None`): such contracts are listed but
//!   add nothing to any total.
//!
//! **Rounding: once per contract and year.** The sum over contract years is
//! computed exactly as a fraction of integer pence (i128 pence × days), then
//! rounded half up to the penny once. A contract's figures for successive
//! years are each within half a penny of the exact figure, so they may differ
//! from its total by at most half a penny per year.
//!
//! **Allocation.** That amount is split down the contract's cost-sharing tree
//! with [`allocate_tree`] (largest remainder at every level), so the parts of
//! every contract add up exactly to its value for the year, and each part is
//! within a penny per level of its exact share. A contract with no cost shares
//! is paid wholly by its lead commissioner. A party that appears as a leaf in
//! several branches of one split receives the sum of its parts.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, Months, NaiveDate};
use rust_decimal::Decimal;

use super::cost_share::{allocate_tree, validate_split, SharePpm, SplitNode, MAX_SPLIT_DEPTH};
use super::financial_year::{overlap_days, FinancialYear};

/// Why liabilities could not be computed from stored contracts. Both mean
/// stored data broke a rule the write path enforces.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LiabilityError {
    /// A contract's cost shares do not form a valid split.
    #[error("contract {contract} has an invalid cost-sharing split: {detail}")]
    InvalidSplit {
        /// The contract's id.
        contract: i64,
        /// What is wrong with the split.
        detail: String,
    },
    /// An amount does not fit in 64-bit pence.
    #[error("contract {contract}'s value for the year is out of range")]
    OutOfRange {
        /// The contract's id.
        contract: i64,
    },
}

impl LiabilityError {
    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidSplit { .. } => "LIABILITY_INVALID_SPLIT",
            Self::OutOfRange { .. } => "LIABILITY_OUT_OF_RANGE",
        }
    }
}

/// How a contract's value is recorded, in pence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContractValue {
    /// A value per contract year.
    Annual(i64),
    /// Only a total over the term.
    Total(i64),
    /// No value is recorded.
    Unknown,
}

impl ContractValue {
    /// The value to apportion from the stored columns: the annual value when
    /// there is one, else the total.
    pub fn from_columns(annual_pence: Option<i64>, total_pence: Option<i64>) -> Self {
        match (annual_pence, total_pence) {
            (Some(annual), _) => ContractValue::Annual(annual),
            (None, Some(total)) => ContractValue::Total(total),
            (None, None) => ContractValue::Unknown,
        }
    }
}

/// An exact amount of pence as a fraction, denominator positive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExactPence {
    /// The numerator.
    pub numerator: i128,
    /// The denominator, always positive.
    pub denominator: i128,
}

impl ExactPence {
    const ZERO: ExactPence = ExactPence {
        numerator: 0,
        denominator: 1,
    };

    /// `pence × days ÷ out_of`, exactly.
    fn ratio(pence: i64, days: i64, out_of: i64) -> Self {
        ExactPence {
            numerator: i128::from(pence) * i128::from(days),
            denominator: i128::from(out_of.max(1)),
        }
        .reduced()
    }

    fn plus(self, other: ExactPence) -> Self {
        ExactPence {
            numerator: self.numerator * other.denominator + other.numerator * self.denominator,
            denominator: self.denominator * other.denominator,
        }
        .reduced()
    }

    fn reduced(self) -> Self {
        let g = gcd(self.numerator.abs(), self.denominator).max(1);
        ExactPence {
            numerator: self.numerator / g,
            denominator: self.denominator / g,
        }
    }

    /// Rounded half up (towards positive infinity) to a whole penny.
    pub fn rounded(self) -> i128 {
        (2 * self.numerator + self.denominator).div_euclid(2 * self.denominator)
    }
}

fn gcd(mut a: i128, mut b: i128) -> i128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// The first day of contract year `k` (0 for the first): start + 12k months,
/// or `None` beyond the calendar.
pub fn contract_year_start(start: NaiveDate, k: u32) -> Option<NaiveDate> {
    start.checked_add_months(Months::new(k.checked_mul(12)?))
}

/// Days of the term `start..=current_end` inside the financial year.
pub fn term_days_in_year(start: NaiveDate, current_end: NaiveDate, year: FinancialYear) -> i64 {
    overlap_days(start, current_end, year.start_date(), year.end_date())
}

/// A contract's exact value for `year` under the rule of this module, or
/// `None` when it has no recorded value. Zero when the term misses the year.
pub fn exact_value_for_year(
    start: NaiveDate,
    current_end: NaiveDate,
    value: ContractValue,
    year: FinancialYear,
) -> Option<ExactPence> {
    let from = start.max(year.start_date());
    let to = current_end.min(year.end_date());
    match value {
        ContractValue::Unknown => None,
        _ if from > to => Some(ExactPence::ZERO),
        ContractValue::Total(total) => {
            let term_days = overlap_days(start, current_end, start, current_end);
            let days = overlap_days(from, to, from, to);
            Some(ExactPence::ratio(total, days, term_days))
        }
        ContractValue::Annual(annual) => {
            // Contract year k starts in calendar year start.year + k, so any
            // year before this one ends before 1 April of the financial year.
            let first = (year.start_year() - start.year() - 1).max(0) as u32;
            let mut sum = ExactPence::ZERO;
            for k in first.. {
                let (Some(begins), Some(next)) = (
                    contract_year_start(start, k),
                    contract_year_start(start, k + 1),
                ) else {
                    break;
                };
                if begins > to {
                    break;
                }
                let ends = next.pred_opt().unwrap_or(next);
                let days = overlap_days(begins, ends, from, to);
                let whole_year = (next - begins).num_days();
                sum = sum.plus(ExactPence::ratio(annual, days, whole_year));
            }
            Some(sum)
        }
    }
}

/// A share of a whole contract, exact: [`ContractFraction::WHOLE`] is 100%.
///
/// Shares are parts per million of their parent and splits nest at most
/// [`MAX_SPLIT_DEPTH`] levels, so a product of shares is a whole number of
/// 10^-(6 × depth) parts and fits this fixed scale exactly.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct ContractFraction(pub i128);

impl ContractFraction {
    /// 100% of the contract.
    pub const WHOLE: ContractFraction = ContractFraction(10i128.pow(6 * MAX_SPLIT_DEPTH as u32));

    /// As a percentage without trailing zeros, e.g. 20 or 8.75.
    pub fn percentage(self) -> Decimal {
        // WHOLE is 10^24 = 100%, so the percentage has scale 22.
        Decimal::from_i128_with_scale(self.0, 6 * MAX_SPLIT_DEPTH as u32 - 2).normalize()
    }
}

/// One stored cost share: a row of a split tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShareRow {
    /// The row's id.
    pub id: i64,
    /// The share it splits further, `None` at the top level.
    pub parent: Option<i64>,
    /// The paying (or passing-on) organisation.
    pub party: i64,
    /// Its share of the parent.
    pub share: SharePpm,
    /// Order among its siblings.
    pub position: i32,
}

/// A contract as liabilities need it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContractInput {
    /// The contract's id.
    pub contract: i64,
    /// Its lead commissioner, who pays when there are no cost shares.
    pub lead: i64,
    /// First day of the term.
    pub start: NaiveDate,
    /// Last day of the term as extended by exercised options.
    pub current_end: NaiveDate,
    /// Its recorded value.
    pub value: ContractValue,
    /// Its cost shares, all levels, in any order.
    pub shares: Vec<ShareRow>,
}

/// One party's part of one contract for the year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContractPart {
    /// The contract's id.
    pub contract: i64,
    /// The contract's value for the year (`None` when it has no value).
    pub value_for_year: Option<i64>,
    /// The recorded value the figure comes from.
    pub basis: ContractValue,
    /// Days of the term inside the year.
    pub days: i64,
    /// This party's share of the whole contract.
    pub fraction: ContractFraction,
    /// What this party pays (`None` when the contract has no value).
    pub amount: Option<i64>,
}

/// What one paying organisation owes for the year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PayerLiabilities {
    /// The paying organisation.
    pub party: i64,
    /// The sum of its known amounts.
    pub total: i64,
    /// Its parts, one per contract, in input order.
    pub parts: Vec<ContractPart>,
}

/// Builds a contract's split tree from its stored rows, siblings in position
/// order, and checks it with [`validate_split`].
pub fn split_tree(contract: i64, rows: &[ShareRow]) -> Result<Vec<SplitNode<i64>>, LiabilityError> {
    let invalid = |detail: String| LiabilityError::InvalidSplit { contract, detail };
    let mut by_parent: HashMap<Option<i64>, Vec<&ShareRow>> = HashMap::new();
    for row in rows {
        by_parent.entry(row.parent).or_default().push(row);
    }
    for siblings in by_parent.values_mut() {
        siblings.sort_by_key(|r| (r.position, r.id));
    }
    fn build(
        parent: Option<i64>,
        by_parent: &HashMap<Option<i64>, Vec<&ShareRow>>,
        depth: usize,
        used: &mut usize,
    ) -> Vec<SplitNode<i64>> {
        // Deeper levels are refused by validate_split; stopping here also
        // stops a cycle of parent ids from recursing for ever.
        if depth > MAX_SPLIT_DEPTH + 1 {
            return Vec::new();
        }
        let Some(rows) = by_parent.get(&parent) else {
            return Vec::new();
        };
        rows.iter()
            .map(|row| {
                *used += 1;
                SplitNode {
                    party: row.party,
                    share: row.share,
                    children: build(Some(row.id), by_parent, depth + 1, used),
                }
            })
            .collect()
    }
    let mut used = 0;
    let tree = build(None, &by_parent, 1, &mut used);
    if used != rows.len() {
        return Err(invalid(format!(
            "{} of its {} shares are not reachable from the top level",
            rows.len() - used,
            rows.len()
        )));
    }
    validate_split(&tree).map_err(|violations| {
        let list: Vec<String> = violations.iter().map(ToString::to_string).collect();
        invalid(list.join("; "))
    })?;
    Ok(tree)
}

/// Each leaf's share of the whole contract, in the depth-first order of
/// [`allocate_tree`].
fn leaf_fractions(nodes: &[SplitNode<i64>], scale: i128, out: &mut Vec<(i64, ContractFraction)>) {
    let whole_share = i128::from(SharePpm::WHOLE.ppm());
    for node in nodes {
        // `scale` is the parent's fraction; each level divides by 10^6 exactly
        // because WHOLE holds a factor 10^6 per level.
        let fraction = scale / whole_share * i128::from(node.share.ppm());
        if node.children.is_empty() {
            out.push((node.party, ContractFraction(fraction)));
        } else {
            leaf_fractions(&node.children, fraction, out);
        }
    }
}

/// One contract's parts for the year, one per paying party (parties listed
/// twice in the split merged), in first-appearance order; empty when the term
/// misses the year.
pub fn contract_parts(
    input: &ContractInput,
    year: FinancialYear,
) -> Result<Vec<(i64, ContractPart)>, LiabilityError> {
    let days = term_days_in_year(input.start, input.current_end, year);
    if days == 0 {
        return Ok(Vec::new());
    }
    let out_of_range = || LiabilityError::OutOfRange {
        contract: input.contract,
    };
    let value_for_year = exact_value_for_year(input.start, input.current_end, input.value, year)
        .map(|exact| i64::try_from(exact.rounded()).map_err(|_| out_of_range()))
        .transpose()?;
    let tree = if input.shares.is_empty() {
        vec![SplitNode {
            party: input.lead,
            share: SharePpm::WHOLE,
            children: Vec::new(),
        }]
    } else {
        split_tree(input.contract, &input.shares)?
    };
    let mut fractions = Vec::new();
    leaf_fractions(&tree, ContractFraction::WHOLE.0, &mut fractions);
    let amounts: Vec<Option<i64>> = match value_for_year {
        Some(value) => allocate_tree(value, &tree)
            .into_iter()
            .map(|(_, amount)| Some(amount))
            .collect(),
        None => vec![None; fractions.len()],
    };
    let mut parts: Vec<(i64, ContractPart)> = Vec::new();
    for ((party, fraction), amount) in fractions.into_iter().zip(amounts) {
        if let Some((_, part)) = parts.iter_mut().find(|(p, _)| *p == party) {
            part.fraction.0 += fraction.0;
            // Parts of one contract sum to its value, so no overflow here.
            part.amount = part.amount.zip(amount).map(|(a, b)| a + b);
            continue;
        }
        parts.push((
            party,
            ContractPart {
                contract: input.contract,
                value_for_year,
                basis: input.value,
                days,
                fraction,
                amount,
            },
        ));
    }
    Ok(parts)
}

/// What every paying organisation owes for `year`, in party id order, each
/// with its parts in the order of `contracts`. Contracts whose term misses
/// the year are left out; those with no value are listed with no amount and
/// add nothing to the totals.
pub fn year_liabilities(
    year: FinancialYear,
    contracts: &[ContractInput],
) -> Result<Vec<PayerLiabilities>, LiabilityError> {
    let mut payers: BTreeMap<i64, (i128, Vec<ContractPart>)> = BTreeMap::new();
    for input in contracts {
        for (party, part) in contract_parts(input, year)? {
            let entry = payers.entry(party).or_default();
            entry.0 += i128::from(part.amount.unwrap_or(0));
            entry.1.push(part);
        }
    }
    payers
        .into_iter()
        .map(|(party, (total, parts))| {
            let total = i64::try_from(total).map_err(|_| LiabilityError::OutOfRange {
                contract: parts.last().map_or(0, |p| p.contract),
            })?;
            Ok(PayerLiabilities {
                party,
                total,
                parts,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests;
