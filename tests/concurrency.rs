//! Optimistic concurrency under real contention: many requests at once,
//! naming the same version, through the HTTP server on SQLite or PostgreSQL.

mod common;

#[path = "mutations/support.rs"]
mod support;

use common::TestApp;
use serde_json::{json, Value};
use support::{audit_count, Writer};

const UPDATE_CONTRACT: &str = "mutation($input: UpdateContractInput!) { \
    updateContract(input: $input) { contract { title version } \
      userErrors { field code currentVersion } } }";

const AWARD_GRANT: &str = "mutation($input: AwardGrantInput!) { \
    awardGrant(input: $input) { grantAward { id } userErrors { field code } } }";

/// How many writers race.
const WRITERS: usize = 16;

/// Sends every request at once, each on its own task, and returns the
/// responses in the order given.
async fn all_at_once(writer: &Writer<'_>, query: &str, inputs: Vec<Value>) -> Vec<Value> {
    let mut tasks = tokio::task::JoinSet::new();
    for (i, input) in inputs.into_iter().enumerate() {
        let request = writer
            .app
            .client
            .post(format!("{}/graphql", writer.app.base))
            .bearer_auth(&writer.key)
            .json(&json!({ "query": query, "variables": { "input": input } }));
        tasks.spawn(async move {
            let response = request.send().await.expect("send");
            (i, response.json::<Value>().await.expect("a JSON response"))
        });
    }
    let mut responses = tasks.join_all().await;
    responses.sort_by_key(|(i, _)| *i);
    responses.into_iter().map(|(_, r)| r).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn of_many_updates_naming_one_version_exactly_one_wins() {
    let app = TestApp::demo().await;
    let admin = Writer::admin(&app).await;
    let sarc = admin.contract("WYCA-SARC-2023").await;
    assert_eq!(sarc["version"], 1);
    let before = audit_count(&app.db).await;
    let inputs = (0..WRITERS)
        .map(|i| json!({ "id": sarc["id"], "expectedVersion": 1, "title": format!("Title from writer {i}") }))
        .collect();
    let responses = all_at_once(&admin, UPDATE_CONTRACT, inputs).await;
    let mut winners = Vec::new();
    for response in &responses {
        assert!(response.get("errors").is_none(), "{response:#}");
        let payload = &response["data"]["updateContract"];
        match payload["contract"]["title"].as_str() {
            Some(title) => winners.push(title.to_owned()),
            None => assert_eq!(
                payload["userErrors"],
                json!([{ "field": ["input", "expectedVersion"], "code": "CONFLICT", "currentVersion": 2 }]),
                "a loser is told the version that won"
            ),
        }
    }
    assert_eq!(winners.len(), 1, "exactly one winner: {winners:?}");
    // No update is lost and none half-made: the stored title is the winner's,
    // at version 2, with one audit event.
    let stored = admin
        .data(
            r#"{ contract(reference: "WYCA-SARC-2023") { title version } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        stored["contract"],
        json!({ "title": winners[0], "version": 2 })
    );
    assert_eq!(audit_count(&app.db).await, before + 1);
    let history = admin.history(sarc["id"].as_str().unwrap()).await;
    assert_eq!(history["totalCount"], 1);
    assert_eq!(history["nodes"][0]["after"]["title"], json!(winners[0]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn awards_made_at_once_never_overspend_the_pot() {
    let app = TestApp::demo().await;
    let admin = Writer::admin(&app).await;
    let round = admin
        .data(r#"{ grantProgramme(name: "Mayor's Safer Communities Fund") { round(number: 4) { id } } }"#, json!({}))
        .await["grantProgramme"]["round"]["id"]
        .clone();
    let recipient = admin.organisation("Happydays UK").await;
    let before = audit_count(&app.db).await;
    // £329,296.00 remains of round 4's £350,000.00 pot (see tests/mutations.rs):
    // every one of these awards fits alone, but only one fits at all.
    let inputs = (0..WRITERS)
        .map(|i| json!({ "roundId": round, "recipientId": recipient, "projectName": format!("Project {i}"), "amount": "200000.00" }))
        .collect();
    let responses = all_at_once(&admin, AWARD_GRANT, inputs).await;
    let made = responses
        .iter()
        .filter(|r| !r["data"]["awardGrant"]["grantAward"].is_null())
        .count();
    let refused: Vec<&Value> = responses
        .iter()
        .filter(|r| r["data"]["awardGrant"]["grantAward"].is_null())
        .map(|r| &r["data"]["awardGrant"]["userErrors"][0]["code"])
        .collect();
    assert_eq!(made, 1, "{responses:#?}");
    assert!(
        refused
            .iter()
            .all(|code| **code == json!("AWARDS_EXCEED_POT")),
        "{refused:?}"
    );
    assert_eq!(audit_count(&app.db).await, before + 1);
}
