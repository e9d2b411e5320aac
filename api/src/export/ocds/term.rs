//! A contract's term in OCDS: its period and status on the day of the
//! export, its extension options as a renewal (renewal extension), as
//! options (options extension) and as decisions due (milestones), and each
//! exercised option as an amendment. Every date and state comes from
//! `domain::contract_term` and `domain::extension_option`.

use chrono::NaiveDate;
use entity::enums::ContractRecordStatus;
use entity::{contract, extension_option};

use super::types::{Amendment, Milestone, Options, Period, Renewal};
use crate::domain::{
    add_months_to_end, effective_state, ContractStatus, ContractTerm, OptionState, TermOption,
};
use crate::export::{day, end_of, start_of};
use crate::store::writes::terms::{recorded_state, term_option};

/// The term-related sections of one contract.
#[derive(Clone, Debug)]
pub struct TermSections {
    /// `pending`, `active` or `terminated`.
    pub status: &'static str,
    /// Start, current end, maximum end.
    pub period: Period,
    /// Initial term and contractual maximum (the award's period).
    pub award_period: Period,
    /// The renewal extension's object, when there are options.
    pub renewal: Option<Renewal>,
    /// The options extension's object, when there are options.
    pub options: Option<Options>,
    /// A decision milestone per option.
    pub milestones: Vec<Milestone>,
    /// An amendment per exercised option.
    pub amendments: Vec<Amendment>,
}

/// The OCDS contract status of a contract on `as_of`.
fn status(record: ContractRecordStatus, status: ContractStatus) -> &'static str {
    match (record, status) {
        (ContractRecordStatus::Terminated, _) => "terminated",
        (_, ContractStatus::NotStarted) => "pending",
        (_, ContractStatus::Active | ContractStatus::InExtension) => "active",
        // OCDS 1.1: "terminated" is a contract that was in force and has
        // come to a close, by completion or otherwise.
        (_, ContractStatus::Expired) => "terminated",
    }
}

fn period(start: NaiveDate, end: NaiveDate, max_extent: NaiveDate) -> Period {
    Period {
        start_date: Some(start_of(start)),
        end_date: Some(end_of(end)),
        max_extent_date: Some(end_of(max_extent)),
    }
}

/// One option in words, with its state on `as_of`.
fn described(option: &extension_option::Model, state: OptionState) -> String {
    let mut text = format!(
        "option {}: {} months, to be decided by {}: {}",
        option.sequence,
        option.length_months,
        day(option.decide_by),
        state
    );
    if let Some(on) = option.decided_on {
        text.push_str(&format!(" on {}", day(on)));
    }
    text
}

/// The term sections of `contract` with `options` (its own, any order), on `as_of`.
pub fn term_sections(
    contract: &contract::Model,
    options: &[&extension_option::Model],
    as_of: NaiveDate,
) -> TermSections {
    let mut options = options.to_vec();
    options.sort_by_key(|o| (o.sequence, o.id));
    let term = ContractTerm {
        start: contract.start_date,
        initial_term_months: contract.initial_term_months.max(0) as u32,
    };
    let term_options: Vec<TermOption> = options.iter().map(|o| term_option(o)).collect();
    let maximum = term.maximum_end(&term_options, as_of);
    let initial = contract.initial_end_date;
    let states: Vec<OptionState> = options
        .iter()
        .map(|o| effective_state(recorded_state(o.state), o.decide_by, as_of))
        .collect();
    let mut sections = TermSections {
        status: status(contract.status, term.status(&term_options, as_of)),
        period: period(contract.start_date, contract.current_end_date, maximum),
        award_period: period(contract.start_date, initial, contract.contractual_end_date),
        renewal: None,
        options: None,
        milestones: Vec::new(),
        amendments: Vec::new(),
    };
    if options.is_empty() {
        return sections;
    }
    let words: Vec<String> = options
        .iter()
        .zip(&states)
        .map(|(o, s)| described(o, *s))
        .collect();
    let summary = format!(
        "Extension options of the term, as of {}: {}.",
        day(as_of),
        words.join("; ")
    );
    let exercised = states
        .iter()
        .filter(|s| **s == OptionState::Exercised)
        .count() as u32;
    let available = states
        .iter()
        .filter(|s| **s == OptionState::Available)
        .count() as u32;
    sections.renewal = Some(Renewal {
        description: summary.clone(),
        minimum_renewals: exercised,
        maximum_renewals: exercised + available,
        period: Period {
            start_date: initial.succ_opt().map(start_of),
            end_date: Some(end_of(maximum)),
            max_extent_date: Some(end_of(contract.contractual_end_date)),
        },
    });
    let last_decision = options.iter().map(|o| o.decide_by).max();
    sections.options = Some(Options {
        description: summary,
        period: Period {
            start_date: Some(start_of(contract.start_date)),
            end_date: last_decision.map(end_of),
            max_extent_date: None,
        },
    });
    let mut end = initial;
    for (option, state) in options.iter().zip(&states) {
        sections.milestones.push(Milestone {
            id: format!("option-{}-decision", option.sequence),
            title: format!("Decision on extension option {}", option.sequence),
            kind: "approval",
            description: format!("Extension {}.", described(option, *state)),
            due_date: end_of(option.decide_by),
            date_met: option.decided_on.map(start_of),
            status: match state {
                OptionState::Available => "scheduled",
                OptionState::Exercised | OptionState::Declined => "met",
                OptionState::Lapsed => "notMet",
            },
        });
        if *state == OptionState::Exercised {
            let months = option.length_months.max(0) as u32;
            end = add_months_to_end(end, months);
            sections.amendments.push(Amendment {
                id: format!("option-{}", option.sequence),
                date: option.decided_on.map(start_of),
                rationale: format!(
                    "Extension option {} of {} months exercised",
                    option.sequence, option.length_months
                ),
                description: format!("The term is extended to {}.", day(end)),
            });
        }
    }
    sections
}
