//! Cost-share liabilities: the example query's exact answer on the demo data,
//! and, on a random dataset, every figure checked against a naive fold
//! written separately here (day-by-day apportioning, its own largest-remainder
//! split), to the penny.

mod common;
#[path = "liabilities/random.rs"]
mod random;

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;

use common::TestApp;
use serde_json::{json, Value};

/// The demo data for 2024-25 (api/src/seed/demo.toml), worked by hand:
/// - SARC: £1,500,000.00 a year from 2023-04-01; 2024-25 is exactly its
///   second contract year (2024-04-01..2025-03-31), so the whole
///   £1,500,000.00. Split 50% NHS England (£750,000.00) and 50% YaTH PCCs,
///   who split their half 40/25/17.5/17.5: West Yorkshire £300,000.00 (20% of
///   the contract), South Yorkshire £187,500.00 (12.5%), North Yorkshire and
///   Humberside £131,250.00 each (8.75%).
/// - ISAC: only a total, £450,000.00, over 2022-12-01..2027-11-30 (36 months
///   plus an exercised 24-month option: 1,826 days); 2024-25 holds 365 of
///   them: 45,000,000p × 365 / 1,826 = 8,995,071.19p, rounded to £89,950.71.
/// - CARA: £250,000.00 a year from 2022-04-01, extended by two exercised
///   12-month options to 2027-03-31; 2024-25 is its third contract year.
/// - The VRP's three research contracts ended before 2024-25.
///
/// West Yorkshire Combined Authority pays 300,000.00 + 89,950.71 +
/// 250,000.00 = £639,950.71; everything together £1,839,950.71.
#[tokio::test]
async fn commissioner_liabilities_2024_25_on_the_demo_data() {
    let app = TestApp::demo().await;
    let data = app.example("commissioner_liabilities").await;
    let sarc = |percentage: &str, amount: &str| {
        json!({
            "contract": { "reference": "WYCA-SARC-2023" },
            "valueBasis": "ANNUAL_VALUE",
            "daysInYear": 365,
            "valueForYear": { "amount": "1500000.00" },
            "percentageOfContract": percentage,
            "amount": { "amount": amount }
        })
    };
    let payer = |name: &str, total: &str, contracts: Value| {
        json!({
            "commissioner": { "name": name },
            "total": { "amount": total, "currencyCode": "GBP" },
            "contracts": contracts
        })
    };
    let expected = json!({
        "financialYear": "2024-25",
        "total": { "amount": "1839950.71", "currencyCode": "GBP" },
        "commissioners": [
            payer("Humberside Police and Crime Commissioner", "131250.00",
                json!([sarc("8.75", "131250.00")])),
            payer("NHS England", "750000.00", json!([sarc("50", "750000.00")])),
            payer("North Yorkshire Police, Fire and Crime Commissioner", "131250.00",
                json!([sarc("8.75", "131250.00")])),
            payer("South Yorkshire Police and Crime Commissioner", "187500.00",
                json!([sarc("12.5", "187500.00")])),
            payer("West Yorkshire Combined Authority", "639950.71", json!([
                {
                    "contract": { "reference": "WYCA-CARA-2022" },
                    "valueBasis": "ANNUAL_VALUE",
                    "daysInYear": 365,
                    "valueForYear": { "amount": "250000.00" },
                    "percentageOfContract": "100",
                    "amount": { "amount": "250000.00" }
                },
                {
                    "contract": { "reference": "WYCA-ISAC-2022" },
                    "valueBasis": "TOTAL_VALUE",
                    "daysInYear": 365,
                    "valueForYear": { "amount": "89950.71" },
                    "percentageOfContract": "100",
                    "amount": { "amount": "89950.71" }
                },
                sarc("20", "300000.00"),
            ])),
        ]
    });
    assert_eq!(data["costShareLiabilities"], expected);
}

const QUERY: &str = r#"query($year: FinancialYear!, $commissioner: ID) {
  costShareLiabilities(financialYear: $year, commissioner: $commissioner) {
    total { amount }
    commissioners {
      commissioner { name }
      total { amount }
      contracts {
        contract { reference }
        valueBasis
        daysInYear
        valueForYear { amount }
        percentageOfContract
        amount { amount }
      }
    }
  }
}"#;

async fn organisation_id(app: &TestApp, name: &str) -> Value {
    let data = app
        .data(
            "query($name: String!) { organisation(name: $name) { id } }",
            json!({ "name": name }),
        )
        .await;
    data["organisation"]["id"].clone()
}

/// 2022-23 on the demo data: the VRP's research contracts record no value,
/// so they are listed with null amounts and add nothing. Worked by hand:
/// ISAC 2022-12-01..2023-03-31 is 121 of its 1,826 days: 45,000,000p × 121 /
/// 1,826 = 2,981,927.71p → £29,819.28; CARA's first contract year is exactly
/// 2022-23: £250,000.00. The VRP contracts' days in the year: 2022-09-01..,
/// 2023-01-09.. and 2023-02-01..2023-03-31: 212, 82 and 59.
#[tokio::test]
async fn contracts_without_a_value_have_null_amounts_and_count_for_nothing() {
    let app = TestApp::demo().await;
    let data = app.data(QUERY, json!({ "year": "2022-23" })).await;
    let result = &data["costShareLiabilities"];
    assert_eq!(result["total"]["amount"], "279819.28");
    let payers = result["commissioners"].as_array().unwrap();
    let names: Vec<&str> = payers
        .iter()
        .map(|p| p["commissioner"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "West Yorkshire Combined Authority",
            "West Yorkshire Violence Reduction Partnership"
        ]
    );
    assert_eq!(payers[0]["total"]["amount"], "279819.28");
    let isac = &payers[0]["contracts"][1];
    assert_eq!(isac["contract"]["reference"], "WYCA-ISAC-2022");
    assert_eq!(isac["daysInYear"], 121);
    assert_eq!(isac["amount"]["amount"], "29819.28");
    let vrp = &payers[1];
    assert_eq!(vrp["total"]["amount"], "0.00");
    let listed: Vec<(&str, i64)> = vrp["contracts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            assert_eq!(c["valueBasis"], "NO_VALUE");
            assert_eq!(c["valueForYear"], Value::Null);
            assert_eq!(c["amount"], Value::Null);
            assert_eq!(c["percentageOfContract"], "100");
            (
                c["contract"]["reference"].as_str().unwrap(),
                c["daysInYear"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        listed,
        [
            ("VRP-HOUSING-2023", 82),
            ("VRP-ND-2022", 212),
            ("VRP-TOC-2023", 59)
        ]
    );
}

#[tokio::test]
async fn the_commissioner_argument_narrows_to_one_payer() {
    let app = TestApp::demo().await;
    let wyca = organisation_id(&app, "West Yorkshire Combined Authority").await;
    let data = app
        .data(QUERY, json!({ "year": "2024-25", "commissioner": wyca }))
        .await;
    let result = &data["costShareLiabilities"];
    assert_eq!(result["total"]["amount"], "639950.71");
    let payers = result["commissioners"].as_array().unwrap();
    assert_eq!(payers.len(), 1);
    assert_eq!(payers[0]["total"]["amount"], "639950.71");
    assert_eq!(payers[0]["contracts"].as_array().unwrap().len(), 3);

    // The regional PCCs pass their whole half on: they pay nothing themselves.
    let yath = organisation_id(
        &app,
        "Yorkshire and the Humber Police and Crime Commissioners",
    )
    .await;
    let data = app
        .data(QUERY, json!({ "year": "2024-25", "commissioner": yath }))
        .await;
    assert_eq!(
        data["costShareLiabilities"],
        json!({ "total": { "amount": "0.00" }, "commissioners": [] })
    );

    let contract_id = app
        .data(
            r#"{ contract(reference: "WYCA-SARC-2023") { id } }"#,
            json!({}),
        )
        .await["contract"]["id"]
        .clone();
    for (variables, rule) in [
        (
            json!({ "year": "2024-25", "commissioner": contract_id }),
            Some("ID_INVALID"),
        ),
        (json!({ "year": "2024-26" }), None),
    ] {
        let response = app.graphql(QUERY, variables).await;
        let error = &response["errors"][0];
        assert!(error.is_object(), "{response:#}");
        if let Some(rule) = rule {
            assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT");
            assert_eq!(error["extensions"]["rule"], rule);
        }
    }
}

/// Pence from a `Money` object (`{ "amount": "123.45" }`), `None` for null.
fn pence(money: &Value) -> Option<i64> {
    let amount = money.get("amount")?.as_str().expect("an amount string");
    let (pounds, pennies) = amount.split_once('.').expect("two decimals");
    assert_eq!(pennies.len(), 2, "{amount} has two decimals");
    Some(pounds.parse::<i64>().unwrap() * 100 + pennies.parse::<i64>().unwrap())
}

/// The API's answer in the fold's shape, checking on the way that payers
/// and contracts are sorted, that each payer's total adds up its amounts and
/// that the parts of every contract add up exactly to its value for the year.
fn answer_of(result: &Value) -> random::YearAnswer {
    let mut answer = random::YearAnswer {
        total: pence(&result["total"]).unwrap(),
        ..Default::default()
    };
    let mut parts: BTreeMap<String, i64> = BTreeMap::new();
    let mut previous_name = String::new();
    for payer in result["commissioners"].as_array().unwrap() {
        let name = payer["commissioner"]["name"].as_str().unwrap().to_owned();
        assert!(previous_name < name, "{previous_name:?} before {name:?}");
        previous_name = name.clone();
        let mut amounts = BTreeMap::new();
        let mut previous_reference = String::new();
        for line in payer["contracts"].as_array().unwrap() {
            let reference = line["contract"]["reference"].as_str().unwrap().to_owned();
            assert!(
                previous_reference < reference,
                "contracts of {name} by reference"
            );
            previous_reference = reference.clone();
            let figure = random::ContractFigure {
                value: pence(&line["valueForYear"]),
                days: line["daysInYear"].as_i64().unwrap(),
            };
            let amount = pence(&line["amount"]);
            assert_eq!(amount.is_some(), figure.value.is_some(), "{reference}");
            let same = answer
                .contracts
                .entry(reference.clone())
                .or_insert(figure.clone());
            assert_eq!(*same, figure, "{reference} has one figure for the year");
            *parts.entry(reference.clone()).or_default() += amount.unwrap_or(0);
            amounts.insert(reference, amount);
        }
        let total = pence(&payer["total"]).unwrap();
        assert_eq!(total, amounts.values().flatten().sum::<i64>(), "{name}");
        answer.payers.insert(name, (total, amounts));
    }
    for (reference, sum) in parts {
        let value = answer.contracts[&reference].value.unwrap_or(0);
        assert_eq!(sum, value, "the parts of {reference} add up to its value");
    }
    answer
}

/// A few thousand random rows (600 contracts with random starts, some on
/// 29 February, terms of 1 to 72 months, up to three options in every state,
/// annual, total, both or no values, and splits up to three levels deep with
/// parties repeated across branches): every figure of every financial year
/// the contracts touch equals the naive fold's, to the penny.
#[tokio::test]
async fn random_dataset_matches_a_naive_fold_to_the_penny() {
    let (app, statements) = TestApp::counting_statements().await;
    let data = random::Dataset::generate(0x5EED_2024_0425);
    assert!(data.rows() > 2_500, "{} rows", data.rows());
    data.insert(&app.db).await;
    let expected = random::fold(&data);
    assert!(expected.len() > 20, "{} years", expected.len());
    let mut checked = (0, 0);
    for (&year, want) in &expected {
        let label = format!("{year}-{:02}", (year + 1) % 100);
        statements.store(0, Ordering::SeqCst);
        let got = app.data(QUERY, json!({ "year": label })).await;
        // The data version (read for the kept answers and for the result
        // cache), then contracts, their shares, the paying organisations, and
        // the contracts shown, in one batch: whatever the number of contracts
        // (a handful to hundreds a year).
        assert_eq!(
            statements.load(Ordering::SeqCst),
            6,
            "{label}: SQL statements"
        );
        let got = answer_of(&got["costShareLiabilities"]);
        assert_eq!(got.total, want.total, "{label} total");
        assert_eq!(got.contracts, want.contracts, "{label} contracts");
        assert_eq!(got.payers, want.payers, "{label} payers");
        checked.0 += want.contracts.len();
        checked.1 += want.payers.values().map(|p| p.1.len()).sum::<usize>();
    }
    assert!(
        checked.0 > 2_000 && checked.1 > 5_000,
        "{checked:?} checked"
    );
    // Asked again with no write in between, a year's answer is the one kept:
    // one statement (the data version), and the same answer.
    let (&year, want) = expected.iter().next().unwrap();
    let label = format!("{year}-{:02}", (year + 1) % 100);
    statements.store(0, Ordering::SeqCst);
    let again = app.data(QUERY, json!({ "year": label })).await;
    assert_eq!(statements.load(Ordering::SeqCst), 1, "{label}: kept");
    assert_eq!(
        answer_of(&again["costShareLiabilities"]).payers,
        want.payers
    );

    // Narrowing to one commissioner gives exactly its entry of the whole.
    let busiest = expected
        .iter()
        .max_by_key(|(_, y)| y.contracts.len())
        .unwrap();
    let label = format!("{}-{:02}", busiest.0, (busiest.0 + 1) % 100);
    let whole = app.data(QUERY, json!({ "year": label })).await;
    for payer in whole["costShareLiabilities"]["commissioners"]
        .as_array()
        .unwrap()
        .iter()
        .take(6)
    {
        let name = payer["commissioner"]["name"].as_str().unwrap();
        let id = organisation_id(&app, name).await;
        let one = app
            .data(QUERY, json!({ "year": label, "commissioner": id }))
            .await;
        assert_eq!(
            one["costShareLiabilities"]["commissioners"],
            json!([payer]),
            "{name}"
        );
        assert_eq!(
            one["costShareLiabilities"]["total"], payer["total"],
            "{name}"
        );
    }
}
