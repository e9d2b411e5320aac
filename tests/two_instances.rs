//! Several servers against one database stay coherent: a write through one
//! is read at once through the other. Rows are never cached (the shared
//! loaders batch but keep nothing); the results that are (aggregates,
//! liabilities, the renewal calendar) are keyed by the data version that
//! every write raises in its own transaction, so no instance serves stale data.

mod common;

use common::TestApp;
use rust_decimal::Decimal;
use serde_json::json;

const SARC: &str = r#"{ contract(reference: "WYCA-SARC-2023") {
    id currentEndDate version extensionOptions { id version } } }"#;

/// The cached reads a write must reach.
const DASHBOARD: &str = r#"{
  renewalCalendar(asOf: "2026-11-23") { eventPage(first: 100) { nodes { kind contract { reference } } } }
  costShareLiabilities(financialYear: "2027-28") { total { amount } }
  spendSummary(filter: { financialYear: { eq: "2026-27" } }) { totals { sum { amount } count } }
  fundingStreams(first: 100) { nodes { id name } }
}"#;

/// The same figures asked alone: an operation of aggregates only, whose
/// whole answer the server keeps per data version.
const AGGREGATES: &str = r#"{
  costShareLiabilities(financialYear: "2027-28") { total { amount } }
  spendSummary(filter: { financialYear: { eq: "2026-27" } }) { totals { sum { amount } count } }
}"#;

const RECORD_SPEND: &str = "mutation($input: RecordSpendInput!) {
    recordSpend(input: $input) { userErrors { code message } } }";

const EXERCISE: &str = "mutation($input: ExerciseExtensionOptionInput!) {
    exerciseExtensionOption(input: $input) { contract { currentEndDate } userErrors { code message } } }";

#[tokio::test]
async fn a_write_through_one_instance_is_read_at_once_through_the_other() {
    let first = TestApp::demo().await;
    // A second server process's worth: its own pool, loaders and schema on the same database.
    let db = api::store::open(&first.database_url)
        .await
        .expect("open the same database");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let second = format!("http://{}/graphql", listener.local_addr().unwrap());
    tokio::spawn(api::http::serve(
        listener,
        db,
        api::http::ServerOptions::default(),
        api::http::SecurityOptions::demo(),
    ));
    let ask_second = |query: &'static str| {
        let request = first.client.post(&second).json(&json!({ "query": query }));
        async move {
            let response: serde_json::Value = request.send().await.unwrap().json().await.unwrap();
            response["data"].clone()
        }
    };
    let read_second = || async { ask_second(SARC).await["contract"].clone() };
    let decisions = |dashboard: &serde_json::Value| {
        dashboard["renewalCalendar"]["eventPage"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["kind"] == "EXTENSION_DECISION_DUE")
            .count()
    };
    // The kept answer to the aggregates alone agrees with the dashboard's figures.
    let agrees = |aggregates: serde_json::Value, dashboard: &serde_json::Value| {
        for field in ["costShareLiabilities", "spendSummary"] {
            assert_eq!(aggregates[field], dashboard[field], "{field}");
        }
    };
    let pounds =
        |value: &serde_json::Value| -> Decimal { value.as_str().unwrap().parse().unwrap() };

    // Both instances have read the contract (warming whatever they might keep).
    let before = read_second().await;
    assert_eq!(before["currentEndDate"], "2027-03-31");
    assert_eq!(
        first.data(SARC, json!({})).await["contract"]["currentEndDate"],
        "2027-03-31"
    );

    // The second instance has computed (and cached) the dashboard's figures.
    let dashboard = ask_second(DASHBOARD).await;
    assert_eq!(decisions(&dashboard), 1, "{dashboard}");
    let liabilities_before = pounds(&dashboard["costShareLiabilities"]["total"]["amount"]);
    let spend_before = dashboard["spendSummary"]["totals"].clone();
    assert_eq!(
        ask_second(DASHBOARD).await,
        dashboard,
        "a repeat reads the same"
    );
    // Asked twice, so that the second answer is the kept one.
    agrees(ask_second(AGGREGATES).await, &dashboard);
    agrees(ask_second(AGGREGATES).await, &dashboard);

    // Exercise the option through the first instance...
    let key = first.admin_key().await;
    let mut input = json!({ "id": before["extensionOptions"][0]["id"], "expectedVersion": 1 });
    if api::graphql::today() > chrono::NaiveDate::from_ymd_opt(2026, 12, 31).unwrap() {
        input["overrideReason"] = json!("recorded after the decide-by date");
    }
    let written = first
        .graphql_as(&key, EXERCISE, json!({ "input": input }))
        .await;
    assert_eq!(
        written["data"]["exerciseExtensionOption"]["userErrors"],
        json!([]),
        "{written}"
    );
    assert_eq!(
        written["data"]["exerciseExtensionOption"]["contract"]["currentEndDate"],
        "2030-03-31"
    );

    // ...and the second sees it on its very next request, cached figures included:
    // the decision is no longer due, and the SARC now runs through 2027-28.
    let after = read_second().await;
    assert_eq!(after["currentEndDate"], "2030-03-31");
    assert_eq!(after["version"], 2);
    let dashboard = ask_second(DASHBOARD).await;
    assert_eq!(decisions(&dashboard), 0, "{dashboard}");
    agrees(ask_second(AGGREGATES).await, &dashboard);
    let liabilities_after = pounds(&dashboard["costShareLiabilities"]["total"]["amount"]);
    assert!(
        liabilities_after > liabilities_before,
        "{liabilities_before} then {liabilities_after}"
    );

    // Spend recorded through the first instance is in the second's next summary.
    let stream = dashboard["fundingStreams"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "Victims of Crime")
        .expect("the Victims of Crime stream")["id"]
        .clone();
    let input = json!({ "fundingStreamId": stream, "financialYear": "2026-27", "quarter": "Q2",
                        "contractId": after["id"], "amount": "1000.01" });
    let recorded = first
        .graphql_as(&key, RECORD_SPEND, json!({ "input": input }))
        .await;
    assert_eq!(
        recorded["data"]["recordSpend"]["userErrors"],
        json!([]),
        "{recorded}"
    );
    let dashboard = ask_second(DASHBOARD).await;
    agrees(ask_second(AGGREGATES).await, &dashboard);
    let spend_after = &dashboard["spendSummary"]["totals"];
    assert_eq!(
        spend_after["count"],
        spend_before["count"].as_i64().unwrap() + 1
    );
    assert_eq!(
        pounds(&spend_after["sum"]["amount"]) - pounds(&spend_before["sum"]["amount"]),
        Decimal::new(100_001, 2),
        "{spend_before} then {spend_after}"
    );
}
