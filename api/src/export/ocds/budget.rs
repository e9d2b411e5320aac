//! A contract's budget breakdown: what each funder pays in each financial
//! year of the current term, worked out by exactly the rule of
//! `costShareLiabilities` (`domain::liabilities::contract_parts`), so the
//! two always agree to the penny.

use std::collections::HashMap;

use entity::enums::Qualifier;
use entity::{contract, organisation};

use super::types::{Budget, BudgetBreakdown, OrganizationReference, Period, Value};
use crate::domain::format_pounds;
use crate::domain::liabilities::{contract_parts, ContractInput, ContractValue};
use crate::domain::FinancialYear;
use crate::error::{AppError, AppResult};
use crate::export::{end_of, start_of};

/// The party id of organisation `id` in every release.
pub fn party_id(id: i64) -> String {
    format!("org-{id}")
}

/// A reference to organisation `id`, which must have been loaded.
pub fn reference(
    organisations: &HashMap<i64, &organisation::Model>,
    id: i64,
) -> AppResult<OrganizationReference> {
    let organisation = organisations
        .get(&id)
        .ok_or_else(|| AppError::internal(format!("organisation {id} was not loaded")))?;
    Ok(OrganizationReference {
        id: party_id(id),
        name: organisation.name.clone(),
    })
}

/// The financial years the term `input.start..=input.current_end` touches.
fn years(input: &ContractInput) -> impl Iterator<Item = FinancialYear> {
    let last = FinancialYear::containing(input.current_end);
    let mut next = Some(FinancialYear::containing(input.start));
    std::iter::from_fn(move || {
        let year = next?;
        next = (year < last).then(|| year.next());
        Some(year)
    })
}

fn qualifier_words(qualifier: Option<Qualifier>, wording: Option<&str>) -> Option<String> {
    let how = match qualifier? {
        Qualifier::Exact => return None,
        Qualifier::Approximate => "approximately",
        Qualifier::AtLeast => "at least",
        Qualifier::AtMost => "at most",
    };
    Some(match wording {
        Some(words) => format!("{how} (reported as \"{words}\")"),
        None => how.to_owned(),
    })
}

/// How the recorded value is known, in words, when not exactly.
fn value_note(contract: &contract::Model, value: ContractValue) -> String {
    let (pence, qualifier, wording, what) = match value {
        ContractValue::Annual(p) => (
            p,
            contract.annual_value_qualifier,
            contract.annual_value_wording.as_deref(),
            "annual value",
        ),
        ContractValue::Total(p) => (
            p,
            contract.total_value_qualifier,
            contract.total_value_wording.as_deref(),
            "total value",
        ),
        ContractValue::Unknown => {
            return " The contract records no value, so the lines give each funder's share \
                    and year without an amount."
                .to_owned()
        }
    };
    match qualifier_words(qualifier, wording) {
        Some(how) => format!(
            " The recorded {what} is {how} {}; the amounts take it as given.",
            format_pounds(pence)
        ),
        None => format!(" The recorded {what} is {}.", format_pounds(pence)),
    }
}

/// The budget of one contract, `None` when its term touches no year.
pub fn budget(
    ocid: &str,
    contract: &contract::Model,
    input: &ContractInput,
    organisations: &HashMap<i64, &organisation::Model>,
) -> AppResult<Option<Budget>> {
    let mut lines = Vec::new();
    let mut total: Option<i64> = match input.value {
        ContractValue::Unknown => None,
        _ => Some(0),
    };
    for year in years(input) {
        let parts = contract_parts(input, year).map_err(|e| AppError::internal(e.to_string()))?;
        for (party, part) in parts {
            let source = reference(organisations, party)?;
            let label = year.label();
            let mut description = format!(
                "{}: {}% of the contract's value for {label} ({} days of the term)",
                source.name,
                part.fraction.percentage(),
                part.days
            );
            if let Some(value) = part.value_for_year {
                description.push_str(&format!(", of {}", format_pounds(value)));
            }
            total = total.zip(part.amount).map(|(t, a)| t + a);
            lines.push(BudgetBreakdown {
                id: format!("{label}-{}", party_id(party)),
                description,
                amount: part.amount.map(Value::gbp),
                period: Period {
                    start_date: Some(start_of(year.start_date())),
                    end_date: Some(end_of(year.end_date())),
                    max_extent_date: None,
                },
                source_party: source,
            });
        }
    }
    if lines.is_empty() {
        return Ok(None);
    }
    let description = format!(
        "What each funder pays under the cost-sharing split, by financial year of the current \
         term: the contract's value for each year is apportioned by days, rounded half up to \
         the penny once per year, then divided down the split by largest remainder, so the \
         lines of a year add up exactly to its value (the rule of costShareLiabilities).{}",
        value_note(contract, input.value)
    );
    Ok(Some(Budget {
        id: format!("{ocid}-budget"),
        description,
        amount: total.map(Value::gbp),
        budget_breakdown: lines,
    }))
}
