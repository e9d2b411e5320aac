//! The bad-input catalogue, part two (the pot, stale versions, text and
//! ids, who may write, the audit log itself): refused with the rule's code,
//! nothing changed.

use serde_json::json;

use crate::catalogue::contract_input;
use crate::common::TestApp;
use crate::queries::*;
use crate::support::{self, audit_count, Writer};

#[tokio::test]
async fn awards_never_exceed_the_pot() {
    let app = TestApp::demo().await;
    let admin = Writer::admin(&app).await;
    let round = round_four(&admin).await;
    let recipient = admin.organisation("Happydays UK").await;
    let award = |amount: &str| json!({ "roundId": round, "recipientId": recipient, "projectName": "More psychotherapy", "amount": amount });
    // Pot £350,000.00; awarded £7,280.00 + £7,424.00 + £6,000.00 = £20,704.00;
    // £329,296.00 remains.
    let refused = admin
        .refused(
            "awardGrant",
            AWARD_GRANT,
            award("329296.01"),
            &[(json!(["input", "amount"]), "AWARDS_EXCEED_POT")],
        )
        .await;
    let message = refused["userErrors"][0]["message"].as_str().unwrap();
    assert!(message.contains("£329,296.00 remains"), "{message}");
    admin
        .ok("awardGrant", AWARD_GRANT, award("329296.00"))
        .await;
    admin
        .refused(
            "awardGrant",
            AWARD_GRANT,
            award("0.01"),
            &[(json!(["input", "amount"]), "AWARDS_EXCEED_POT")],
        )
        .await;
}

#[tokio::test]
async fn stale_versions_are_conflicts_that_change_nothing() {
    let app = TestApp::demo().await;
    let admin = Writer::admin(&app).await;
    let sarc = admin.contract("WYCA-SARC-2023").await;
    let payload = admin
        .refused(
            "updateContract",
            UPDATE_CONTRACT,
            json!({ "id": sarc["id"], "expectedVersion": 2, "title": "Renamed" }),
            &[(json!(["input", "expectedVersion"]), "CONFLICT")],
        )
        .await;
    assert_eq!(payload["userErrors"][0]["currentVersion"], 1);
    admin
        .ok(
            "updateContract",
            UPDATE_CONTRACT,
            json!({ "id": sarc["id"], "expectedVersion": 1, "notes": "Reviewed" }),
        )
        .await;
    let payload = admin
        .refused(
            "updateContract",
            UPDATE_CONTRACT,
            json!({ "id": sarc["id"], "expectedVersion": 1, "title": "Renamed" }),
            &[(json!(["input", "expectedVersion"]), "CONFLICT")],
        )
        .await;
    assert_eq!(payload["userErrors"][0]["currentVersion"], 2);
    // The demo has a 2023-24 VRU budget (version 1): recording another
    // without naming its version would overwrite it.
    let vru = funding_stream(&admin, "Violence Reduction Unit").await;
    let payload = admin
        .refused(
            "recordBudget",
            RECORD_BUDGET,
            json!({ "fundingStreamId": vru, "financialYear": "2023-24", "amount": "1.00" }),
            &[(json!(["input", "expectedVersion"]), "CONFLICT")],
        )
        .await;
    assert_eq!(payload["userErrors"][0]["currentVersion"], 1);
}

#[tokio::test]
async fn bad_text_and_ids_are_refused() {
    let app = TestApp::demo().await;
    let admin = Writer::admin(&app).await;
    let org = |name: String| json!({ "name": name, "kind": "CHARITY" });
    for (name, code) in [
        ("Evil\u{7}Corp".to_owned(), "TEXT_CONTROL_CHARACTER"),
        ("Evil\nCorp".to_owned(), "TEXT_CONTROL_CHARACTER"),
        ("Good \u{202E}proC".to_owned(), "TEXT_CONTROL_CHARACTER"),
        ("x".repeat(201), "TEXT_TOO_LONG"),
        (" \t ".to_owned(), "TEXT_EMPTY"),
        ("NHS England".to_owned(), "DUPLICATE"),
    ] {
        admin
            .refused(
                "createOrganisation",
                CREATE_ORGANISATION,
                org(name),
                &[(json!(["input", "name"]), code)],
            )
            .await;
    }
    // Every problem of one input is reported at once.
    admin
        .refused(
            "createOrganisation",
            CREATE_ORGANISATION,
            json!({ "name": "", "shortName": "x".repeat(41), "kind": "CHARITY" }),
            &[
                (json!(["input", "name"]), "TEXT_EMPTY"),
                (json!(["input", "shortName"]), "TEXT_TOO_LONG"),
            ],
        )
        .await;
    let mut input = contract_input(&admin, "IDS-1").await;
    input["serviceId"] = input["providerId"].clone();
    input["providerId"] = json!("not an id");
    admin
        .refused(
            "createContract",
            CREATE_CONTRACT,
            input,
            &[
                (json!(["input", "serviceId"]), "ID_INVALID"),
                (json!(["input", "providerId"]), "ID_INVALID"),
            ],
        )
        .await;
    // "Contract:99999" encoded: a well-formed id of no record.
    admin
        .refused(
            "updateContract",
            UPDATE_CONTRACT,
            json!({ "id": "Q29udHJhY3Q6OTk5OTk", "expectedVersion": 1 }),
            &[(json!(["input", "id"]), "NOT_FOUND")],
        )
        .await;
}

#[tokio::test]
async fn only_writers_for_the_owner_may_change_a_record() {
    let app = TestApp::demo().await;
    let admin = Writer::admin(&app).await;
    let sarc = admin.contract("WYCA-SARC-2023").await;
    let update =
        json!({ "input": { "id": sarc["id"], "expectedVersion": 1, "title": "Hijacked" } });
    let viewer = Writer {
        app: &app,
        key: app.viewer_key().await,
    };
    viewer
        .fails(UPDATE_CONTRACT, update.clone(), "FORBIDDEN")
        .await;
    let analyst = Writer {
        app: &app,
        key: app.analyst_key().await,
    };
    analyst
        .fails(UPDATE_CONTRACT, update.clone(), "FORBIDDEN")
        .await;
    // NHS England shares SARC's cost but does not lead it.
    let nhs = Writer::commissioner(&app, "NHS England").await;
    nhs.fails(UPDATE_CONTRACT, update.clone(), "FORBIDDEN")
        .await;
    // Nor may a commissioner hand a contract to another organisation.
    let wyca = Writer::commissioner(&app, "West Yorkshire Combined Authority").await;
    let nhs_id = admin.organisation("NHS England").await;
    let handover = json!({ "input": { "id": sarc["id"], "expectedVersion": 1, "leadCommissionerId": nhs_id } });
    wyca.fails(UPDATE_CONTRACT, handover, "FORBIDDEN").await;
    // The anonymous reader of a public-read server may not write either.
    let before = support::snapshot(&app.db).await;
    let response = app.graphql(UPDATE_CONTRACT, update).await;
    assert_eq!(
        response["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{response}"
    );
    assert_eq!(support::snapshot(&app.db).await, before);
    // History is for analysts and above.
    let history = json!({ "id": sarc["id"] });
    let query = "query($id: ID!) { history(id: $id) { totalCount } }";
    let refused = viewer.send(query, history.clone()).await;
    assert_eq!(
        refused["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{refused}"
    );
    assert_eq!(
        analyst.data(query, history).await["history"]["totalCount"],
        0
    );
    wyca.ok(
        "updateContract",
        UPDATE_CONTRACT,
        json!({ "id": sarc["id"], "expectedVersion": 1, "title": "SARC" }),
    )
    .await;
}

#[tokio::test]
async fn the_audit_log_refuses_updates_and_deletes_even_in_sql() {
    use sea_orm::ConnectionTrait;
    let app = TestApp::demo().await;
    let admin = Writer::admin(&app).await;
    let sarc = admin.contract("WYCA-SARC-2023").await;
    admin
        .ok(
            "updateContract",
            UPDATE_CONTRACT,
            json!({ "id": sarc["id"], "expectedVersion": 1, "title": "SARC" }),
        )
        .await;
    let before = support::snapshot(&app.db).await;
    let mut statements = vec![
        "UPDATE audit_events SET actor = 'someone else'",
        "DELETE FROM audit_events",
    ];
    if app.on_postgres() {
        statements.push("TRUNCATE audit_events");
    }
    for sql in statements {
        let err = app.db.execute_unprepared(sql).await.expect_err(sql);
        assert!(err.to_string().contains("append-only"), "{sql}: {err}");
    }
    assert_eq!(support::snapshot(&app.db).await, before);
    assert_eq!(audit_count(&app.db).await, 1);
}
