//! Unit tests of the OCDS mapping, on rows built in memory.

use chrono::NaiveDate;
use entity::enums::*;
use entity::{contract, extension_option, organisation};

use super::*;
use crate::store::liabilities::ShareColumns;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn organisation(id: i64, name: &str) -> organisation::Model {
    organisation::Model {
        id,
        name: name.to_owned(),
        short_name: None,
        kind: OrganisationKind::PublicBody,
        parent_id: None,
        description: None,
        source: None,
        is_illustrative: false,
        illustrative_fields: None,
        version: 1,
        archived_at: None,
        archive_reason: None,
    }
}

/// A 4-year contract from 2023-04-01 worth £1,000,000.00 a year, led by
/// organisation 1 and provided by 2.
fn contract() -> contract::Model {
    contract::Model {
        id: 10,
        reference: "REF-1".to_owned(),
        title: "A service".to_owned(),
        service_id: 5,
        provider_id: 2,
        lead_commissioner_id: 1,
        start_date: d(2023, 4, 1),
        initial_term_months: 48,
        initial_end_date: d(2027, 3, 31),
        current_end_date: d(2028, 3, 31),
        contractual_end_date: d(2029, 3, 31),
        annual_value_pence: Some(100_000_000),
        annual_value_qualifier: Some(Qualifier::Exact),
        annual_value_wording: None,
        total_value_pence: None,
        total_value_qualifier: None,
        total_value_wording: None,
        status: ContractRecordStatus::Awarded,
        procurement_route: ProcurementRoute::OpenProcedure,
        eia_status: EiaStatus::Completed,
        eia_review_date: None,
        cost_share_agreement: None,
        notes: None,
        source: None,
        is_illustrative: false,
        illustrative_fields: None,
        version: 1,
        archived_at: None,
        archive_reason: None,
    }
}

fn option(sequence: i32, decide_by: NaiveDate, state: OptionState) -> extension_option::Model {
    extension_option::Model {
        id: i64::from(sequence),
        contract_id: 10,
        sequence,
        length_months: 12,
        decide_by,
        state,
        decided_on: (state == OptionState::Exercised).then(|| d(2026, 10, 1)),
        decision_note: None,
        source: None,
        is_illustrative: false,
        illustrative_fields: None,
        version: 1,
    }
}

fn share(id: i64, organisation_id: i64, ppm: i32, position: i32) -> ShareColumns {
    ShareColumns {
        id,
        contract_id: 10,
        parent_id: None,
        organisation_id,
        share_ppm: ppm,
        position,
    }
}

/// The contract with one exercised and one available option, split 60/40
/// between organisations 1 and 3.
fn rows() -> ContractRows {
    ContractRows {
        contracts: vec![contract()],
        options: vec![
            option(1, d(2026, 12, 31), OptionState::Exercised),
            option(2, d(2027, 12, 31), OptionState::Available),
        ],
        shares: vec![share(1, 1, 600_000, 0), share(2, 3, 400_000, 1)],
        organisations: vec![
            organisation(1, "Lead"),
            organisation(2, "Provider"),
            organisation(3, "Partner"),
        ],
        ..ContractRows::default()
    }
}

fn settings(as_of: NaiveDate) -> OcdsSettings {
    OcdsSettings {
        prefix: OcidPrefix::default(),
        as_of,
        published: None,
    }
}

#[test]
fn options_become_renewals_milestones_and_amendments() {
    let rows = rows();
    let package = release_package(&rows, &ContractScope::All, &settings(d(2027, 6, 1))).unwrap();
    let release = &package.releases[0];
    assert_eq!(release.ocid, "ocds-commtrack-REF-1");
    let contract = &release.contracts[0];
    assert_eq!(contract.status, "active");
    assert_eq!(
        contract.period.end_date.as_deref(),
        Some("2028-03-31T23:59:59Z")
    );
    assert_eq!(
        contract.period.max_extent_date.as_deref(),
        Some("2029-03-31T23:59:59Z")
    );
    let renewal = contract.renewal.as_ref().unwrap();
    assert_eq!((renewal.minimum_renewals, renewal.maximum_renewals), (1, 2));
    let statuses: Vec<&str> = contract.milestones.iter().map(|m| m.status).collect();
    assert_eq!(statuses, ["met", "scheduled"]);
    assert_eq!(contract.amendments.len(), 1);
    assert_eq!(
        contract.amendments[0].description,
        "The term is extended to 2028-03-31."
    );
    assert_eq!(
        release.tag,
        ["planning", "award", "contract", "contractAmendment"]
    );

    // Past the second decide-by date, that option has lapsed.
    let package = release_package(&rows, &ContractScope::All, &settings(d(2028, 1, 1))).unwrap();
    let contract = &package.releases[0].contracts[0];
    assert_eq!(contract.renewal.as_ref().unwrap().maximum_renewals, 1);
    assert_eq!(contract.milestones[1].status, "notMet");
    assert_eq!(
        contract.period.max_extent_date.as_deref(),
        Some("2028-03-31T23:59:59Z")
    );
    // After the current end, the contract is over.
    let package = release_package(&rows, &ContractScope::All, &settings(d(2028, 4, 1))).unwrap();
    assert_eq!(package.releases[0].contracts[0].status, "terminated");
}

#[test]
fn budget_lines_split_each_year_to_the_penny() {
    let rows = rows();
    let package = release_package(&rows, &ContractScope::All, &settings(d(2024, 1, 1))).unwrap();
    let release = &package.releases[0];
    let budget = &release.planning.as_ref().unwrap().budget;
    // Five financial years (2023-24 to 2027-28), two funders each.
    assert_eq!(budget.budget_breakdown.len(), 10);
    let first: Vec<(&str, i64)> = budget.budget_breakdown[..2]
        .iter()
        .map(|l| {
            (
                l.source_party.name.as_str(),
                l.amount.as_ref().unwrap().amount.0,
            )
        })
        .collect();
    assert_eq!(first, [("Lead", 60_000_000), ("Partner", 40_000_000)]);
    let total: i64 = budget
        .budget_breakdown
        .iter()
        .map(|l| l.amount.as_ref().unwrap().amount.0)
        .sum();
    assert_eq!(total, 5 * 100_000_000);
    assert_eq!(budget.amount.as_ref().unwrap().amount.0, total);
    let roles: Vec<(&str, &[&str])> = release
        .parties
        .iter()
        .map(|p| (p.name.as_str(), p.roles.as_slice()))
        .collect();
    assert_eq!(
        roles,
        [
            (
                "Lead",
                &["buyer", "procuringEntity", "funder", "sourceParty"][..]
            ),
            ("Provider", &["supplier"][..]),
            ("Partner", &["funder", "sourceParty"][..]),
        ]
    );
}

#[test]
fn a_contract_without_a_value_has_shares_but_no_amounts() {
    let mut rows = rows();
    rows.contracts[0].annual_value_pence = None;
    let package = release_package(&rows, &ContractScope::All, &settings(d(2024, 1, 1))).unwrap();
    let release = &package.releases[0];
    let budget = &release.planning.as_ref().unwrap().budget;
    assert!(budget.amount.is_none());
    assert!(budget.budget_breakdown.iter().all(|l| l.amount.is_none()));
    assert!(release.contracts[0].value.is_none());
    assert!(budget.description.contains("records no value"));
}

#[test]
fn release_dates_follow_the_last_change() {
    let mut rows = rows();
    let package = release_package(&rows, &ContractScope::All, &settings(d(2024, 1, 1))).unwrap();
    // The exercised option was decided on 2026-10-01.
    assert_eq!(package.releases[0].date, "2026-10-01T00:00:00Z");
    assert_eq!(
        package.releases[0].id,
        "ocds-commtrack-REF-1-20261001T000000Z"
    );
    assert_eq!(package.published_date, "2026-10-01T00:00:00Z");
    let changed = "2026-11-23T10:00:00Z".parse().unwrap();
    rows.audited.insert(10, changed);
    let package = release_package(&rows, &ContractScope::All, &settings(d(2024, 1, 1))).unwrap();
    assert_eq!(package.releases[0].date, "2026-11-23T10:00:00Z");
}

#[test]
fn nothing_to_export_is_not_found() {
    let err = release_package(
        &ContractRows::default(),
        &ContractScope::All,
        &settings(d(2024, 1, 1)),
    )
    .unwrap_err();
    assert_eq!(err.code(), "NOT_FOUND");
}

#[test]
fn loose_figures_keep_their_qualifier_in_the_notes() {
    let observation = entity::observation::Model {
        id: 1,
        indicator_id: 1,
        period_start: d(2022, 4, 1),
        period_end: d(2023, 3, 31),
        value_e4: Some(300_000_000),
        qualifier: Some(Qualifier::AtLeast),
        wording: Some("just over".to_owned()),
        target_e4: None,
        baseline_e4: None,
        notes: Some("Young people.".to_owned()),
        source: None,
        is_illustrative: false,
        illustrative_fields: None,
        version: 1,
    };
    assert_eq!(
        metrics::notes(&observation).as_deref(),
        Some("AT_LEAST: reported as \"just over\". Young people.")
    );
    let exact = entity::observation::Model {
        qualifier: Some(Qualifier::Exact),
        wording: None,
        notes: None,
        ..observation
    };
    assert_eq!(metrics::notes(&exact), None);
}
