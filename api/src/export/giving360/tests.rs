//! Unit tests of the 360Giving mapping, on rows built in memory.

use chrono::NaiveDate;
use entity::enums::{OrganisationKind, Qualifier};
use entity::{grant_award, grant_programme, grant_round, organisation};

use super::flat::{header, write_grants, write_rounds};
use super::*;
use crate::export::Figure;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// Grant Round 4 as the report gives it: a £350k pot, "nearly 150"
/// applications for "over £850,000".
fn round_4() -> grant_round::Model {
    grant_round::Model {
        id: 4,
        programme_id: 1,
        number: 4,
        name: "Grant Round 4".to_owned(),
        pot_pence: Some(35_000_000),
        pot_qualifier: Some(Qualifier::Exact),
        pot_wording: Some("£350k".to_owned()),
        opens_on: None,
        closes_on: Some(d(2023, 6, 10)),
        awarded_on: None,
        applications_received: Some(150),
        applications_qualifier: Some(Qualifier::AtMost),
        applications_wording: Some("nearly".to_owned()),
        amount_requested_pence: Some(85_000_000),
        amount_requested_qualifier: Some(Qualifier::AtLeast),
        amount_requested_wording: Some("over".to_owned()),
        reported_awards_count: None,
        reported_awarded_pence: None,
        source: None,
        is_illustrative: false,
        illustrative_fields: None,
        version: 1,
    }
}

fn award(id: i64, recipient_id: i64, pence: i64, on: Option<NaiveDate>) -> grant_award::Model {
    grant_award::Model {
        id,
        round_id: 4,
        recipient_id,
        partner_id: None,
        project_name: format!("Project {id}"),
        description: None,
        amount_pence: pence,
        awarded_on: on,
        source: None,
        is_illustrative: false,
        illustrative_fields: None,
        version: 1,
    }
}

fn organisation(id: i64, name: &str) -> organisation::Model {
    organisation::Model {
        id,
        name: name.to_owned(),
        short_name: None,
        kind: OrganisationKind::Charity,
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

fn rows() -> GrantRows {
    GrantRows {
        programme: grant_programme::Model {
            id: 1,
            name: "The Fund".to_owned(),
            funder_id: 1,
            funding_stream_id: None,
            description: None,
            source: None,
            is_illustrative: false,
            illustrative_fields: None,
            version: 1,
        },
        rounds: vec![round_4()],
        awards: vec![
            award(7, 2, 728_000, None),
            award(8, 3, 742_400, Some(d(2023, 7, 1))),
        ],
        award_areas: vec![
            entity::grant_award_area::Model {
                award_id: 7,
                area_id: 1,
            },
            entity::grant_award_area::Model {
                award_id: 7,
                area_id: 2,
            },
        ],
        award_themes: Vec::new(),
        areas: vec![
            entity::area::Model {
                id: 1,
                name: "Calderdale".to_owned(),
                kind: entity::enums::AreaKind::District,
                parent_id: None,
            },
            entity::area::Model {
                id: 2,
                name: "Kirklees".to_owned(),
                kind: entity::enums::AreaKind::District,
                parent_id: None,
            },
        ],
        themes: Vec::new(),
        organisations: vec![
            organisation(1, "Funder"),
            organisation(2, "Happydays UK"),
            organisation(3, "Shine"),
        ],
        audited: None,
    }
}

#[test]
fn award_dates_fall_back_to_the_round_and_say_so() {
    let mut round = round_4();
    assert_eq!(
        award_date(Some(d(2023, 7, 1)), &round, 1).unwrap(),
        (d(2023, 7, 1), None)
    );
    let (date, source) = award_date(None, &round, 1).unwrap();
    assert_eq!(date, d(2023, 6, 10));
    assert!(source.unwrap().contains("closing date"));
    round.awarded_on = Some(d(2023, 7, 20));
    assert_eq!(award_date(None, &round, 1).unwrap().0, d(2023, 7, 20));
    round.awarded_on = None;
    round.closes_on = None;
    let err = award_date(None, &round, 1).unwrap_err();
    assert!(matches!(
        err,
        AppError::BadInput {
            code: "AWARD_DATE_UNKNOWN",
            ..
        }
    ));
}

#[test]
fn grants_carry_prefixed_identifiers_places_and_amounts() {
    let package = grant_package(&rows(), &GrantPrefix::default()).unwrap();
    assert_eq!(package.grants.len(), 2);
    let grant = &package.grants[0];
    assert_eq!(grant.id, "360G-commtrack-grant-7");
    assert_eq!(grant.recipient_organization[0].id, "360G-commtrack-org-2");
    assert_eq!(grant.funding_organization[0].name, "Funder");
    assert_eq!(grant.amount_awarded, Pounds(728_000));
    assert_eq!(grant.award_date, "2023-06-10");
    assert_eq!(grant.description, "Project 7 (The Fund, Grant Round 4)");
    assert_eq!(grant.beneficiary_location.len(), 2);
    assert_eq!(package.grants[1].award_date_source, None);
    assert_eq!(package.title, "The Fund: Grant Round 4");
    assert_eq!(package.modified, "2023-07-01T00:00:00Z");
}

#[test]
fn round_figures_give_demand_against_the_pot() {
    let package = grant_package(&rows(), &GrantPrefix::default()).unwrap();
    let figures = &package.round_figures[0];
    assert_eq!(figures.awards_recorded, 2);
    assert_eq!(figures.awarded_total, Pounds(1_470_400));
    assert_eq!(
        figures.oversubscription.map(Figure::text).as_deref(),
        Some("2.43")
    );
    assert_eq!(figures.oversubscription_qualifier, Some("APPROXIMATE"));
    assert_eq!(figures.applications_qualifier, Some("AT_MOST"));
    let mut out = Vec::new();
    write_rounds(&package.round_figures, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.starts_with("Programme,Round,Round Name,Pot,"),
        "{text}"
    );
    assert!(text.contains("The Fund,4,Grant Round 4,350000.00,EXACT,£350k,150,AT_MOST,nearly,850000.00,AT_LEAST,over,,,2,14704.00,2.43,APPROXIMATE"), "{text}");
}

#[test]
fn the_flat_csv_numbers_its_list_columns_from_zero() {
    assert_eq!(
        &header(2, 1)[12..16],
        [
            "Beneficiary Location:0:Name",
            "Beneficiary Location:0:Country Code",
            "Beneficiary Location:1:Name",
            "Beneficiary Location:1:Country Code",
        ]
    );
    let package = grant_package(&rows(), &GrantPrefix::default()).unwrap();
    let mut out = Vec::new();
    write_grants(&package, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    let mut lines = text.lines();
    assert!(lines.next().unwrap().starts_with(
        "Identifier,Title,Description,Currency,Amount Awarded,Award Date,Recipient Org:Identifier"
    ));
    let first = lines.next().unwrap();
    assert!(
        first.starts_with("360G-commtrack-grant-7,Project 7,"),
        "{first}"
    );
    assert!(first.contains(",GBP,7280.00,2023-06-10,"), "{first}");
    assert!(first.contains(",Calderdale,GB,Kirklees,GB,"), "{first}");
}
