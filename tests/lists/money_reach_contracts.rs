//! Lists of budgets, spend lines, indicators, observations, extension options
//! and contracts, with exact answers on the demo dataset.

use serde_json::json;

use super::{fetch, id_where, organisation, values};
use crate::common::TestApp;

#[tokio::test]
async fn budgets_and_spend_lines_filter_by_year_service_and_amount() {
    let app = TestApp::demo().await;
    let by_amount = json!([{ "field": "AMOUNT" }]);
    // Two spend lines: VRP interventions 2023-24 (£2,300,000, service VRP-INT)
    // and Grant Round 1 awards 2021-22 (£208,254.93, no service).
    let f = json!({ "financialYear": { "gte": "2022-23" } });
    let descriptions = values(&app, "spendLines", f, by_amount.clone(), "description").await;
    assert_eq!(
        descriptions,
        ["Commissioned interventions programme 2023-24 (planned spend)"]
    );
    let f = json!({ "service": { "isNull": true }, "qualifier": { "eq": "EXACT" } });
    let (nodes, _) = fetch(
        &app,
        "spendLines",
        f,
        by_amount.clone(),
        "amount { money { amount } }",
    )
    .await;
    assert_eq!(
        nodes,
        [json!({ "amount": { "money": { "amount": "208254.93" } } })]
    );
    let vrp = app
        .data(r#"{ service(code: "VRP-INT") { id } }"#, json!({}))
        .await;
    let f = json!({ "service": { "eq": vrp["service"]["id"] }, "amount": { "lt": "2300000.00" } });
    assert_eq!(
        values(&app, "spendLines", f, json!(null), "id").await.len(),
        0
    );
    let f = json!({ "quarter": { "in": ["Q1", "Q2"] } });
    assert_eq!(
        values(&app, "spendLines", f, json!(null), "id").await.len(),
        0
    );
    let (nodes, _) = fetch(
        &app,
        "spendLines",
        json!(null),
        json!([{ "field": "AMOUNT", "direction": "DESC" }]),
        "financialYear",
    )
    .await;
    assert_eq!(
        nodes,
        [
            json!({ "financialYear": "2023-24" }),
            json!({ "financialYear": "2021-22" })
        ]
    );

    // One budget: the VRU's 2023-24, £4,500,000, approximate.
    let vru = id_where(&app, "fundingStreams", "name", "Violence Reduction Unit").await;
    let f = json!({ "fundingStream": { "eq": vru }, "qualifier": { "eq": "APPROXIMATE" }, "amount": { "gt": "4000000" } });
    let years = values(
        &app,
        "budgets",
        f,
        json!([{ "field": "FINANCIAL_YEAR" }]),
        "financialYear",
    )
    .await;
    assert_eq!(years, ["2023-24"]);
    let f = json!({ "financialYear": { "in": ["2022-23", "2024-25"] } });
    assert_eq!(values(&app, "budgets", f, json!(null), "id").await.len(), 0);
}

#[tokio::test]
async fn indicators_and_observations_filter_and_sort() {
    let app = TestApp::demo().await;
    let wyp = organisation(&app, "West Yorkshire Police").await;
    // WYP's indicators counted in people: the Domestic Abuse Matters training
    // and the Homicide Timeline access, by code descending.
    let f = json!({ "organisation": { "eq": wyp }, "unit": { "eq": "PEOPLE" } });
    let order = json!([{ "field": "CODE", "direction": "DESC" }]);
    let codes = values(&app, "indicators", f, order, "code").await;
    assert_eq!(
        codes,
        ["WYP-HOMICIDE-TIMELINE-ACCESS", "WYP-DA-MATTERS-TRAINED"]
    );
    // The only additive indicator is the VRP's reach.
    let f = json!({ "aggregation": { "eq": "SUM" } });
    assert_eq!(
        values(&app, "indicators", f, json!(null), "code").await,
        ["VRP-YOUNG-PEOPLE-REACHED"]
    );
    let f = json!({ "search": "satisfaction" });
    let codes = values(&app, "indicators", f, json!([{ "field": "NAME" }]), "code").await;
    // "Victim satisfaction, all crime types" sorts before "..., domestic abuse victims".
    assert_eq!(
        codes,
        ["WYP-VICTIM-SATISFACTION", "WYP-DA-VICTIM-SATISFACTION"]
    );

    // Observations whose period starts in 2023, latest start first: the SPO
    // cases (8 September), the Homicide Timeline access (31 May), the training
    // target (1 April).
    let f = json!({ "periodStart": { "gte": "2023-01-01" } });
    let order = json!([{ "field": "PERIOD_START", "direction": "DESC" }]);
    let (nodes, total) = fetch(
        &app,
        "observations",
        f,
        order,
        "periodStart indicator { code }",
    )
    .await;
    assert_eq!(total, 3);
    let codes: Vec<&str> = nodes
        .iter()
        .map(|n| n["indicator"]["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        [
            "WYP-ACTIVE-SPO-CASES",
            "WYP-HOMICIDE-TIMELINE-ACCESS",
            "WYP-DA-MATTERS-TRAINED"
        ]
    );
    // "Just over 30,000" is the one AT_LEAST figure; four figures are exact.
    let f = json!({ "qualifier": { "eq": "AT_LEAST" } });
    let (nodes, _) = fetch(
        &app,
        "observations",
        f,
        json!(null),
        "value { value wording }",
    )
    .await;
    assert_eq!(
        nodes,
        [json!({ "value": { "value": "30000", "wording": "just over" } })]
    );
    let f = json!({ "qualifier": { "eq": "EXACT" } });
    assert_eq!(
        values(&app, "observations", f, json!(null), "id")
            .await
            .len(),
        4
    );
}

#[tokio::test]
async fn extension_options_filter_by_recorded_state_and_sort_by_decide_by() {
    let app = TestApp::demo().await;
    // Exercised options: CARA's second (decide by 2025-12-31), ISAC's
    // (2025-08-31), CARA's first (2024-12-31); the SARC's is still available.
    let f = json!({ "recordedState": { "eq": "EXERCISED" } });
    let order = json!([{ "field": "DECIDE_BY", "direction": "DESC" }]);
    let selection = "decideBy sequence contract { reference }";
    let (nodes, total) = fetch(&app, "extensionOptions", f, order, selection).await;
    assert_eq!(total, 3);
    let got: Vec<(String, i64)> = nodes
        .iter()
        .map(|n| {
            (
                n["contract"]["reference"].as_str().unwrap().to_owned(),
                n["sequence"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("WYCA-CARA-2022".into(), 2),
            ("WYCA-ISAC-2022".into(), 1),
            ("WYCA-CARA-2022".into(), 1)
        ]
    );
    // Decisions taken in 2025: ISAC's (30 June) and CARA's second (3 November).
    let f = json!({ "decidedOn": { "gte": "2025-01-01", "lte": "2025-12-31" }, "lengthMonths": { "lte": 24 } });
    let dates = values(
        &app,
        "extensionOptions",
        f,
        json!([{ "field": "DECIDE_BY" }]),
        "decideBy",
    )
    .await;
    assert_eq!(dates, ["2025-08-31", "2025-12-31"]);
    // Options still open on 1 January 2026: only the SARC's.
    let f = json!({ "recordedState": { "eq": "AVAILABLE" }, "decideBy": { "gte": "2026-01-01" } });
    assert_eq!(
        values(&app, "extensionOptions", f, json!(null), "lengthMonths").await,
        ["36"]
    );
}

#[tokio::test]
async fn contracts_filter_by_end_date_cost_sharer_and_funding_stream() {
    let app = TestApp::demo().await;
    let nhs = organisation(&app, "NHS England").await;
    let wyca = organisation(&app, "West Yorkshire Combined Authority").await;
    let victims = id_where(&app, "fundingStreams", "name", "Victims of Crime").await;
    let by_end_desc = json!([{ "field": "CURRENT_END_DATE", "direction": "DESC" }]);

    // Current (stored) end dates: ISAC 2027-11-30 (option exercised), SARC and
    // CARA 2027-03-31 (tied: the id breaks the tie, SARC first), housing
    // research 2024-01-08, Theory of Change 2023-11-30, neurodiversity 2023-05-31.
    let f = json!({ "currentEndDate": { "lte": "2027-03-31" } });
    let refs = values(&app, "contracts", f, by_end_desc.clone(), "reference").await;
    assert_eq!(
        refs,
        [
            "WYCA-SARC-2023",
            "WYCA-CARA-2022",
            "VRP-HOUSING-2023",
            "VRP-TOC-2023",
            "VRP-ND-2022"
        ]
    );
    // NHS England shares only the SARC; WYCA shares the SARC (within the
    // policing half), ISAC and CARA.
    let f = json!({ "costSharer": { "eq": nhs } });
    assert_eq!(
        values(&app, "contracts", f, by_end_desc.clone(), "reference").await,
        ["WYCA-SARC-2023"]
    );
    let f = json!({ "costSharer": { "eq": wyca } });
    let refs = values(&app, "contracts", f, by_end_desc.clone(), "reference").await;
    assert_eq!(refs, ["WYCA-ISAC-2022", "WYCA-SARC-2023", "WYCA-CARA-2022"]);
    // Victims of Crime pays for the SARC and ISAC services.
    let f = json!({ "fundingStream": { "eq": victims } });
    let refs = values(&app, "contracts", f, by_end_desc.clone(), "reference").await;
    assert_eq!(refs, ["WYCA-ISAC-2022", "WYCA-SARC-2023"]);
    let f =
        json!({ "fundingStream": { "eq": victims }, "currentEndDate": { "lte": "2027-03-31" } });
    assert_eq!(
        values(&app, "contracts", f, by_end_desc, "reference").await,
        ["WYCA-SARC-2023"]
    );
}
