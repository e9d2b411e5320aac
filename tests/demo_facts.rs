//! The facts of the West Yorkshire reports, read back through GraphQL exactly
//! as the example queries in `examples/queries/` ask for them.

mod common;

use common::TestApp;
use serde_json::{json, Value};

fn names(list: &Value) -> Vec<&str> {
    list.as_array()
        .expect("a list")
        .iter()
        .map(|item| item["name"].as_str().expect("a name"))
        .collect()
}

#[tokio::test]
async fn sarc_contract_terms_dates_option_and_nested_split() {
    let app = TestApp::demo().await;
    let data = app.example("sarc_contract").await;
    let c = &data["contract"];
    assert_eq!(c["reference"], "WYCA-SARC-2023");
    assert_eq!(c["service"]["code"], "SARC");
    assert_eq!(
        c["service"]["areas"],
        json!([{ "name": "Yorkshire and the Humber", "kind": "REGION" }])
    );
    assert_eq!(c["provider"]["name"], "Mountain Healthcare");
    assert_eq!(c["startDate"], "2023-04-01");
    assert_eq!(c["initialTermMonths"], 48);
    assert_eq!(c["initialEndDate"], "2027-03-31");
    assert_eq!(c["currentEndDate"], "2027-03-31");
    assert_eq!(c["maximumEndDate"], "2030-03-31");
    assert_eq!(c["contractualMaximumEndDate"], "2030-03-31");
    assert_eq!(c["nextDecisionDate"], "2026-12-31");
    assert_eq!(c["status"], "ACTIVE");
    assert_eq!(c["costShareAgreement"], "Collaboration agreement");
    assert_eq!(
        c["extensionOptions"],
        json!([{
            "sequence": 1,
            "lengthMonths": 36,
            "decideBy": "2026-12-31",
            "state": "AVAILABLE",
            "provenance": { "isIllustrative": false, "illustrativeFields": ["decideBy"] }
        }])
    );

    let shares = c["costShares"].as_array().expect("cost shares");
    assert_eq!(shares.len(), 2);
    assert_eq!(
        shares[0]["party"]["name"],
        "Yorkshire and the Humber Police and Crime Commissioners"
    );
    assert_eq!(shares[0]["percentage"], "50");
    assert_eq!(shares[1]["party"]["name"], "NHS England");
    assert_eq!(shares[1]["percentage"], "50");
    assert_eq!(shares[1]["shares"], json!([]));
    let policing: Vec<(&str, &str, &str)> = shares[0]["shares"]
        .as_array()
        .expect("the policing half is split")
        .iter()
        .map(|s| {
            assert_eq!(
                s["provenance"]["isIllustrative"], true,
                "the regional split is illustrative"
            );
            (
                s["party"]["name"].as_str().unwrap(),
                s["percentage"].as_str().unwrap(),
                s["percentageOfContract"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        policing,
        vec![
            ("West Yorkshire Combined Authority", "40", "20"),
            (
                "South Yorkshire Police and Crime Commissioner",
                "25",
                "12.5"
            ),
            (
                "North Yorkshire Police, Fire and Crime Commissioner",
                "17.5",
                "8.75"
            ),
            ("Humberside Police and Crime Commissioner", "17.5", "8.75"),
        ]
    );
    let illustrative = c["provenance"]["illustrativeFields"].as_array().unwrap();
    assert!(
        illustrative.contains(&json!("annualValue")),
        "the SARC value is not in the reports"
    );
}

#[tokio::test]
async fn sarc_option_lapses_when_its_decide_by_date_passes() {
    let app = TestApp::demo().await;
    let data = app
        .data(
            r#"query { contract(reference: "WYCA-SARC-2023") {
                before: extensionOptions { state(asOf: "2026-12-31") }
                after: extensionOptions { state(asOf: "2027-01-01") }
                maximumEndDate(asOf: "2027-01-01")
                nextDecisionDate(asOf: "2027-01-01")
                status(asOf: "2027-04-01")
            } }"#,
            json!({}),
        )
        .await;
    let c = &data["contract"];
    assert_eq!(c["before"][0]["state"], "AVAILABLE");
    assert_eq!(c["after"][0]["state"], "LAPSED");
    assert_eq!(
        c["maximumEndDate"], "2027-03-31",
        "a lapsed option no longer extends the term"
    );
    assert_eq!(c["nextDecisionDate"], Value::Null);
    assert_eq!(c["status"], "EXPIRED");
}

#[tokio::test]
async fn isac_shows_over_450k_from_the_mayor() {
    let app = TestApp::demo().await;
    let data = app.example("isac_service").await;
    let s = &data["service"];
    assert_eq!(s["name"], "Independent Stalking Advocacy service");
    assert_eq!(names(&s["themes"]), vec!["Stalking and Harassment"]);
    let contract = &s["contracts"][0];
    assert_eq!(contract["provider"]["name"], "Victim Support");
    assert_eq!(
        contract["leadCommissioner"]["name"],
        "West Yorkshire Combined Authority"
    );
    assert_eq!(
        contract["totalValue"],
        json!({
            "money": { "amount": "450000.00", "currencyCode": "GBP" },
            "qualifier": "AT_LEAST",
            "wording": "over"
        })
    );
}

#[tokio::test]
async fn safer_communities_fund_rounds_1_and_4() {
    let app = TestApp::demo().await;
    let data = app.example("safer_communities_fund").await;
    let programme = &data["grantProgramme"];
    assert_eq!(
        programme["funder"]["name"],
        "West Yorkshire Combined Authority"
    );
    let rounds = programme["rounds"].as_array().expect("rounds");
    assert_eq!(rounds.len(), 2);

    let r1 = &rounds[0];
    assert_eq!(r1["number"], 1);
    assert_eq!(r1["awardedOn"], "2022-03-01");
    assert_eq!(r1["reportedAwardsCount"], 39);
    assert_eq!(
        r1["reportedAwardedTotal"],
        json!({ "amount": "208254.93", "currencyCode": "GBP" })
    );
    assert_eq!(names(&r1["themes"]).len(), 7);
    assert!(names(&r1["themes"]).contains(&"So-called \"Honour\" Based Abuse"));

    let r4 = &rounds[1];
    assert_eq!(r4["number"], 4);
    assert_eq!(r4["closesOn"], "2023-06-10");
    assert_eq!(r4["pot"]["money"]["amount"], "350000.00");
    assert_eq!(r4["pot"]["qualifier"], "EXACT");
    assert_eq!(
        r4["applicationsReceived"],
        json!({ "value": 150, "qualifier": "AT_MOST", "wording": "nearly" })
    );
    assert_eq!(
        r4["amountRequested"],
        json!({ "money": { "amount": "850000.00" }, "qualifier": "AT_LEAST", "wording": "over" })
    );
    assert_eq!(
        r4["awards"],
        json!([
            {
                "recipient": { "name": "Happydays UK" },
                "partner": { "name": "West Yorkshire Police" },
                "projectName": "Supported resident psychotherapy",
                "amount": { "amount": "7280.00", "currencyCode": "GBP" },
                "areas": [{ "name": "Calderdale" }, { "name": "Kirklees" }]
            },
            {
                "recipient": { "name": "Shine (West Bowling)" },
                "partner": null,
                "projectName": "Shine",
                "amount": { "amount": "7424.00", "currencyCode": "GBP" },
                "areas": [{ "name": "Bradford" }]
            },
            {
                "recipient": { "name": "Yorkshire & Humber Regional Organised Crime Unit" },
                "partner": null,
                "projectName": "County Lines Fearless Campaign",
                "amount": { "amount": "6000.00", "currencyCode": "GBP" },
                "areas": [{ "name": "West Yorkshire" }]
            }
        ])
    );
}

#[tokio::test]
async fn vrp_reach_2022_23_and_spend_2023_24() {
    let app = TestApp::demo().await;
    let data = app.example("vrp_reach_and_spend").await;
    let s = &data["service"];
    assert_eq!(s["fundingStream"]["name"], "Violence Reduction Unit");
    let reach = &s["indicators"][0];
    assert_eq!(reach["code"], "VRP-YOUNG-PEOPLE-REACHED");
    assert_eq!(reach["unit"], "PEOPLE");
    assert_eq!(reach["aggregation"], "SUM");
    assert_eq!(
        reach["observations"],
        json!([{
            "financialYear": "2022-23",
            "periodStart": "2022-04-01",
            "periodEnd": "2023-03-31",
            "value": { "value": "30000", "qualifier": "AT_LEAST", "wording": "just over" }
        }])
    );
    assert_eq!(
        s["spendLines"],
        json!([{
            "financialYear": "2023-24",
            "quarter": null,
            "amount": {
                "money": { "amount": "2300000.00", "currencyCode": "GBP" },
                "qualifier": "AT_MOST",
                "wording": "just under"
            }
        }])
    );
    let budget = &s["fundingStream"]["budgets"][0];
    assert_eq!(budget["financialYear"], "2023-24");
    assert_eq!(
        budget["provenance"]["isIllustrative"], true,
        "the budget behind '51%' is illustrative"
    );
    let parts: Vec<&str> = s["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap())
        .collect();
    assert!(
        parts.contains(&"AE-NAV") && parts.contains(&"FDC"),
        "{parts:?}"
    );
}

#[tokio::test]
async fn node_resolves_every_global_id_it_issues() {
    let app = TestApp::demo().await;
    let data = app
        .data(
            r#"{ contract(reference: "WYCA-SARC-2023") { id provider { id } } }"#,
            json!({}),
        )
        .await;
    for id in [&data["contract"]["id"], &data["contract"]["provider"]["id"]] {
        let node = app
            .data(
                "query($id: ID!) { node(id: $id) { id __typename ... on Contract { reference } ... on Organisation { name } } }",
                json!({ "id": id }),
            )
            .await;
        assert_eq!(&node["node"]["id"], id);
    }
    let bad = app
        .graphql(r#"{ node(id: "garbage") { id } }"#, json!({}))
        .await;
    assert_eq!(bad["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
}

#[tokio::test]
async fn outcome_figures_keep_their_decimals_and_targets() {
    let app = TestApp::demo().await;
    let data = app
        .data(
            r#"{ organisation(name: "West Yorkshire Police") {
                indicators { code latestObservation { periodEnd value { value qualifier } target } }
            } }"#,
            json!({}),
        )
        .await;
    let by_code: std::collections::HashMap<&str, &Value> = data["organisation"]["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["code"].as_str().unwrap(), &i["latestObservation"]))
        .collect();
    assert_eq!(by_code["WYP-VICTIM-SATISFACTION"]["value"]["value"], "71.8");
    assert_eq!(
        by_code["WYP-DA-VICTIM-SATISFACTION"]["value"]["value"],
        "83.5"
    );
    assert_eq!(
        by_code["WYP-HOMICIDE-TIMELINE-ACCESS"]["value"]["value"],
        "607"
    );
    assert_eq!(
        by_code["WYP-HOMICIDE-TIMELINE-ACCESS"]["periodEnd"],
        "2023-05-31"
    );
    assert_eq!(by_code["WYP-ACTIVE-SPO-CASES"]["value"]["value"], "46");
    assert_eq!(by_code["WYP-DA-MATTERS-TRAINED"]["value"], Value::Null);
    assert_eq!(by_code["WYP-DA-MATTERS-TRAINED"]["target"], "3450");
}
