//! Several servers against one database stay coherent: a write through one
//! is read at once through the other. Nothing is cached between requests
//! (the shared loaders batch but keep nothing), so no instance serves stale data.

mod common;

use common::TestApp;
use serde_json::json;

const SARC: &str = r#"{ contract(reference: "WYCA-SARC-2023") {
    currentEndDate version extensionOptions { id version } } }"#;

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
    let read_second = || async {
        let response: serde_json::Value = first
            .client
            .post(&second)
            .json(&json!({ "query": SARC }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        response["data"]["contract"].clone()
    };

    // Both instances have read the contract (warming whatever they might keep).
    let before = read_second().await;
    assert_eq!(before["currentEndDate"], "2027-03-31");
    assert_eq!(
        first.data(SARC, json!({})).await["contract"]["currentEndDate"],
        "2027-03-31"
    );

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

    // ...and the second sees it on its very next request.
    let after = read_second().await;
    assert_eq!(after["currentEndDate"], "2030-03-31");
    assert_eq!(after["version"], 2);
}
