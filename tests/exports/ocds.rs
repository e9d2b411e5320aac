//! `GET /export/ocds.json`: valid OCDS 1.1 with its extensions, on the demo
//! and on a generated dataset; the budget breakdown equal to the penny to
//! `costShareLiabilities`; options, renewals, amendments and metrics as the
//! domain rules say; stable `ocid`s and dates.

use std::collections::HashMap;

use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{json, Value};

use crate::common::TestApp;
use crate::{export, generated, schemas};

/// The budget lines of a package, with amounts as the exact text written.
#[derive(Deserialize)]
struct Package {
    releases: Vec<Release>,
}
#[derive(Deserialize)]
struct Release {
    ocid: String,
    planning: Option<Planning>,
}
#[derive(Deserialize)]
struct Planning {
    budget: Budget,
}
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Budget {
    budget_breakdown: Vec<Line>,
}
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Line {
    amount: Option<Amount>,
    period: Period,
    source_party: Party,
}
#[derive(Deserialize)]
struct Amount {
    amount: Box<RawValue>,
}
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Period {
    start_date: String,
}
#[derive(Deserialize)]
struct Party {
    name: String,
}

/// (ocid, funder, year start) → the amount's text (`None`: no value).
fn budget_lines(body: &str) -> HashMap<(String, String, String), Option<String>> {
    let package: Package = serde_json::from_str(body).expect("a package");
    let mut lines = HashMap::new();
    for release in package.releases {
        for line in release
            .planning
            .into_iter()
            .flat_map(|p| p.budget.budget_breakdown)
        {
            let key = (
                release.ocid.clone(),
                line.source_party.name,
                line.period.start_date,
            );
            let amount = line.amount.map(|a| a.amount.get().to_owned());
            assert!(
                lines.insert(key, amount).is_none(),
                "one line per funder and year"
            );
        }
    }
    lines
}

const LIABILITIES: &str = r#"query($year: FinancialYear!) {
  costShareLiabilities(financialYear: $year) {
    commissioners {
      commissioner { name }
      contracts { contract { reference } amount { amount } }
    }
  }
}"#;

/// Every figure of `costShareLiabilities` for `year` is a budget line of the
/// export with the same amount, and the export has no other line that year.
async fn agrees_with_liabilities(app: &TestApp, body: &str, year: &str) -> usize {
    let lines = budget_lines(body);
    let start = format!("{}-04-01T00:00:00Z", &year[..4]);
    let data = app.data(LIABILITIES, json!({ "year": year })).await;
    let mut matched = 0;
    for payer in data["costShareLiabilities"]["commissioners"]
        .as_array()
        .unwrap()
    {
        let name = payer["commissioner"]["name"].as_str().unwrap();
        for part in payer["contracts"].as_array().unwrap() {
            let reference = part["contract"]["reference"].as_str().unwrap();
            let key = (
                format!("ocds-commtrack-{reference}"),
                name.to_owned(),
                start.clone(),
            );
            let line = lines
                .get(&key)
                .unwrap_or_else(|| panic!("no budget line for {key:?}"));
            assert_eq!(
                line.as_deref(),
                part["amount"]["amount"].as_str(),
                "{key:?}"
            );
            matched += 1;
        }
    }
    let in_year = lines.keys().filter(|(_, _, s)| *s == start).count();
    assert_eq!(in_year, matched, "lines for {year} beyond the liabilities");
    matched
}

fn release<'a>(package: &'a Value, reference: &str) -> &'a Value {
    package["releases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ocid"] == format!("ocds-commtrack-{reference}"))
        .unwrap_or_else(|| panic!("no release for {reference}"))
}

#[tokio::test]
async fn the_demo_exports_valid_ocds_that_agrees_with_the_liabilities() {
    let app = TestApp::demo().await;
    let key = app.analyst_key().await;
    let body = export(&app, &key, "/export/ocds.json?asOf=2026-11-23").await;
    let package: Value = serde_json::from_str(&body).unwrap();
    schemas::assert_valid(&schemas::ocds_package(), &package, "the demo's OCDS");
    assert_eq!(package["version"], "1.1");
    assert_eq!(package["releases"].as_array().unwrap().len(), 6);
    assert_eq!(package["extensions"].as_array().unwrap().len(), 4);

    // NHS England's half of the SARC: £1.5m a year, so £750,000.00 in 2024-25.
    let lines = budget_lines(&body);
    let nhs = (
        "ocds-commtrack-WYCA-SARC-2023".to_owned(),
        "NHS England".to_owned(),
        "2024-04-01T00:00:00Z".to_owned(),
    );
    assert_eq!(lines[&nhs].as_deref(), Some("750000.00"));
    for year in ["2022-23", "2023-24", "2024-25", "2026-27"] {
        assert!(
            agrees_with_liabilities(&app, &body, year).await > 0,
            "{year}"
        );
    }

    let sarc = release(&package, "WYCA-SARC-2023");
    let contract = &sarc["contracts"][0];
    assert_eq!(sarc["buyer"]["name"], "West Yorkshire Combined Authority");
    assert_eq!(
        sarc["awards"][0]["suppliers"][0]["name"],
        "Mountain Healthcare"
    );
    assert_eq!(contract["status"], "active");
    assert_eq!(contract["period"]["startDate"], "2023-04-01T00:00:00Z");
    assert_eq!(contract["period"]["endDate"], "2027-03-31T23:59:59Z");
    assert_eq!(contract["period"]["maxExtentDate"], "2030-03-31T23:59:59Z");
    assert_eq!(contract["hasRenewal"], true);
    assert_eq!(contract["renewal"]["minimumRenewals"], 0);
    assert_eq!(contract["renewal"]["maximumRenewals"], 1);
    assert_eq!(contract["hasOptions"], true);
    assert!(contract["options"]["description"]
        .as_str()
        .unwrap()
        .contains("option 1: 36 months, to be decided by 2026-12-31: available"));
    assert_eq!(contract["milestones"][0]["status"], "scheduled");
    assert_eq!(contract["milestones"][0]["dueDate"], "2026-12-31T23:59:59Z");
    assert!(contract.get("amendments").is_none());
    // The policing half is split further; every payer is a funder party.
    let funders: Vec<&str> = sarc["parties"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| {
            p["roles"]
                .as_array()
                .unwrap()
                .contains(&json!("sourceParty"))
        })
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert!(
        funders.contains(&"NHS England") && funders.len() >= 3,
        "{funders:?}"
    );
    assert_eq!(
        sarc["planning"]["budget"]["amount"]["amount"].as_f64(),
        contract["value"]["amount"].as_f64()
    );

    // CARA's two exercised options are amendments, dated when decided.
    let cara = &release(&package, "WYCA-CARA-2022")["contracts"][0];
    let amendments = cara["amendments"].as_array().unwrap();
    assert_eq!(amendments.len(), 2);
    assert_eq!(amendments[0]["date"], "2024-10-01T00:00:00Z");
    assert_eq!(
        amendments[1]["description"],
        "The term is extended to 2027-03-31."
    );
    assert_eq!(cara["renewal"]["minimumRenewals"], 2);
    assert_eq!(cara["period"]["endDate"], "2027-03-31T23:59:59Z");
    assert!(release(&package, "WYCA-CARA-2022")["tag"]
        .as_array()
        .unwrap()
        .contains(&json!("contractAmendment")));
    // A release is dated by the contract's last change: CARA's last decision.
    assert_eq!(
        release(&package, "WYCA-CARA-2022")["date"],
        "2025-11-03T00:00:00Z"
    );
    assert_eq!(package["publishedDate"], "2025-11-03T00:00:00Z");
}

#[tokio::test]
async fn option_states_follow_the_day_of_the_export() {
    let app = TestApp::demo().await;
    let key = app.analyst_key().await;
    // After its decide-by date, the SARC option has lapsed.
    let body = export(
        &app,
        &key,
        "/export/ocds.json?contract=WYCA-SARC-2023&asOf=2027-01-15",
    )
    .await;
    let package: Value = serde_json::from_str(&body).unwrap();
    schemas::assert_valid(&schemas::ocds_package(), &package, "one contract");
    assert_eq!(package["releases"].as_array().unwrap().len(), 1);
    let contract = &package["releases"][0]["contracts"][0];
    assert_eq!(contract["period"]["maxExtentDate"], "2027-03-31T23:59:59Z");
    assert_eq!(contract["renewal"]["maximumRenewals"], 0);
    assert_eq!(contract["milestones"][0]["status"], "notMet");
    assert!(contract["renewal"]["description"]
        .as_str()
        .unwrap()
        .contains(": lapsed"));
    // The same request gives the same bytes; a prefix changes only the ids.
    let again = export(
        &app,
        &key,
        "/export/ocds.json?contract=WYCA-SARC-2023&asOf=2027-01-15",
    )
    .await;
    assert_eq!(body, again);
    let prefixed = export(
        &app,
        &key,
        "/export/ocds.json?contract=WYCA-SARC-2023&asOf=2027-01-15&ocidPrefix=ocds-213czf",
    )
    .await;
    let prefixed: Value = serde_json::from_str(&prefixed).unwrap();
    assert_eq!(
        prefixed["releases"][0]["ocid"],
        "ocds-213czf-WYCA-SARC-2023"
    );
    let published = export(
        &app,
        &key,
        "/export/ocds.json?contract=WYCA-SARC-2023&publishedDate=2027-02-01T09:30:00Z",
    )
    .await;
    let published: Value = serde_json::from_str(&published).unwrap();
    assert_eq!(published["publishedDate"], "2027-02-01T09:30:00Z");
}

#[tokio::test]
async fn reach_figures_are_metrics_and_loose_ones_keep_their_qualifier() {
    let app = TestApp::demo().await;
    let key = app.analyst_key().await;
    let sarc = entity::contract::Entity::find()
        .filter(entity::contract::Column::Reference.eq("WYCA-SARC-2023"))
        .one(&app.db)
        .await
        .unwrap()
        .expect("the SARC contract")
        .id;
    let indicator = entity::indicator::ActiveModel {
        code: Set("SARC-REFERRALS".to_owned()),
        name: Set("Referrals to the Adult SARC".to_owned()),
        unit: Set(entity::enums::IndicatorUnit::Referrals),
        aggregation: Set(entity::enums::Aggregation::Sum),
        contract_id: Set(Some(sarc)),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    let date = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
    entity::observation::ActiveModel {
        indicator_id: Set(indicator.id),
        period_start: Set(date(2023, 4, 1)),
        period_end: Set(date(2024, 3, 31)),
        value_e4: Set(Some(1_200 * 10_000)),
        qualifier: Set(Some(entity::enums::Qualifier::Approximate)),
        wording: Set(Some("around".to_owned())),
        target_e4: Set(Some(1_500 * 10_000)),
        is_illustrative: Set(true),
        version: Set(1),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    let body = export(&app, &key, "/export/ocds.json?contract=WYCA-SARC-2023").await;
    let package: Value = serde_json::from_str(&body).unwrap();
    schemas::assert_valid(&schemas::ocds_package(), &package, "with metrics");
    let contract = &package["releases"][0]["contracts"][0];
    let metric = &contract["implementation"]["metrics"][0];
    assert_eq!(metric["id"], "SARC-REFERRALS");
    let observation = &metric["observations"][0];
    assert_eq!(observation["measure"], 1200);
    assert_eq!(observation["unit"]["name"], "referrals");
    assert_eq!(observation["period"]["endDate"], "2024-03-31T23:59:59Z");
    assert_eq!(observation["notes"], "APPROXIMATE: reported as \"around\".");
    assert_eq!(
        contract["agreedMetrics"][0]["observations"][0]["measure"],
        1500
    );
    assert!(package["releases"][0]["tag"]
        .as_array()
        .unwrap()
        .contains(&json!("implementation")));
}

#[tokio::test]
async fn a_generated_dataset_exports_valid_ocds_that_agrees_with_the_liabilities() {
    let app = generated().await;
    let key = app.analyst_key().await;
    let body = export(&app, &key, "/export/ocds.json?asOf=2026-11-23").await;
    let package: Value = serde_json::from_str(&body).unwrap();
    schemas::assert_valid(
        &schemas::ocds_package(),
        &package,
        "a generated dataset's OCDS",
    );
    assert_eq!(package["releases"].as_array().unwrap().len(), 80);
    let metrics = package["releases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["contracts"][0].get("implementation").is_some())
        .count();
    assert!(metrics > 0, "service figures appear as metrics");
    for year in ["2018-19", "2021-22", "2024-25"] {
        assert!(
            agrees_with_liabilities(&app, &body, year).await > 0,
            "{year}"
        );
    }
}

/// What a broken document breaks, and how.
type Breakage = (&'static str, fn(&mut Value));

/// The validators are real: a document breaking the core schema, or an
/// extension merged into it, is refused.
#[tokio::test]
async fn the_validators_refuse_what_the_standards_forbid() {
    let app = TestApp::demo().await;
    let key = app.analyst_key().await;
    let body = export(&app, &key, "/export/ocds.json?contract=WYCA-SARC-2023").await;
    let package: Value = serde_json::from_str(&body).unwrap();
    let validator = schemas::ocds_package();
    schemas::assert_valid(&validator, &package, "the SARC");
    let broken: [Breakage; 5] = [
        ("no ocid", |p| {
            p["releases"][0].as_object_mut().unwrap().remove("ocid");
        }),
        ("a date that is not a date-time", |p| {
            p["releases"][0]["date"] = json!("2023-04-01");
        }),
        ("a budget line amount as text (budget breakdown)", |p| {
            p["releases"][0]["planning"]["budget"]["budgetBreakdown"][0]["amount"]["amount"] =
                json!("750000.00");
        }),
        ("a renewal count as text (renewal)", |p| {
            p["releases"][0]["contracts"][0]["renewal"]["maximumRenewals"] = json!("one");
        }),
        ("a metric without an id (metrics)", |p| {
            p["releases"][0]["contracts"][0]["implementation"] =
                json!({ "metrics": [{ "title": "no id" }] });
        }),
    ];
    for (what, breaks) in broken {
        let mut document = package.clone();
        breaks(&mut document);
        assert!(!validator.is_valid(&document), "{what} passed");
    }

    let body = export(
        &app,
        &key,
        "/export/360giving.json?programme=Mayor%27s%20Safer%20Communities%20Fund",
    )
    .await;
    let package: Value = serde_json::from_str(&body).unwrap();
    let validator = schemas::giving_package();
    schemas::assert_valid(&validator, &package, "the fund");
    let broken: [Breakage; 3] = [
        ("an award date in words", |p| {
            p["grants"][0]["awardDate"] = json!("10 June 2023");
        }),
        ("no recipient", |p| {
            p["grants"][0]["recipientOrganization"] = json!([]);
        }),
        ("an amount as text", |p| {
            p["grants"][0]["amountAwarded"] = json!("7280.00");
        }),
    ];
    for (what, breaks) in broken {
        let mut document = package.clone();
        breaks(&mut document);
        assert!(!validator.is_valid(&document), "{what} passed");
    }
}

/// Every table is read once per export, whatever the number of contracts
/// or awards: a query per row would cost at least 80 statements here.
#[tokio::test]
async fn an_export_reads_each_table_once() {
    use std::sync::atomic::Ordering;
    let (app, statements) = TestApp::counting_statements().await;
    let scale = api::seed::generate::Scale {
        organisations: 30,
        services: 25,
        contracts: 80,
        spend_lines: 50,
        observations: 400,
        grant_awards: 60,
    };
    api::seed::generate::generate(&app.db, scale, 11)
        .await
        .expect("a small generated dataset");
    let key = app.analyst_key().await;
    let programme = entity::grant_programme::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .expect("a programme");
    let name: String = programme
        .name
        .bytes()
        .map(|b| format!("%{b:02X}"))
        .collect();
    for path in [
        "/export/ocds.json".to_owned(),
        format!("/export/360giving.json?programme={name}"),
    ] {
        statements.store(0, Ordering::SeqCst);
        let body = export(&app, &key, &path).await;
        assert!(body.len() > 1000, "{path}");
        let count = statements.load(Ordering::SeqCst);
        // Eight or nine tables, and the key's lookup.
        assert!((8..=12).contains(&count), "{path}: {count} statements");
    }
}
