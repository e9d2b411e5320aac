//! The bad-input catalogue: every case is refused with its rule's code at
//! the offending input path, and leaves the database, audit log included,
//! exactly as it was (`Writer::refused` and `Writer::fails` compare
//! whole-database snapshots). No response shows SQL or driver text.

use serde_json::json;

use crate::common::TestApp;
use crate::support::{audit_count, Writer};
use crate::*;

#[tokio::test]
async fn malformed_money_is_refused() {
    let app = TestApp::demo().await;
    let admin = Writer::admin(&app).await;
    let stream = funding_stream(&admin, "Victims of Crime").await;
    let spend = |amount: serde_json::Value| json!({ "fundingStreamId": stream, "financialYear": "2024-25", "amount": amount });
    for (amount, code) in [
        ("12.345", "MONEY_TOO_MANY_DECIMALS"),
        ("12.340", "MONEY_TOO_MANY_DECIMALS"),
        ("-5", "MONEY_NEGATIVE"),
        ("10000000000.00", "MONEY_OUT_OF_RANGE"),
    ] {
        admin
            .refused("recordSpend", RECORD_SPEND, spend(json!(amount)), &[(json!(["input", "amount"]), code)])
            .await;
    }
    // Not a plain decimal string at all: the Decimal scalar refuses it
    // before any resolver runs, a top-level BAD_USER_INPUT.
    for amount in [json!("1e3"), json!("NaN"), json!("1,000"), json!(12.5), json!(1000)] {
        let response = admin.fails(RECORD_SPEND, json!({ "input": spend(amount.clone()) }), "BAD_USER_INPUT").await;
        assert!(response["data"].is_null() || response["data"]["recordSpend"].is_null(), "{amount}: {response}");
        let message = response["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains("Decimal"), "{amount}: {message}");
    }
}

#[tokio::test]
async fn bad_splits_are_refused_at_their_path() {
    let app = TestApp::demo().await;
    let admin = Writer::admin(&app).await;
    let sarc = admin.contract("WYCA-SARC-2023").await;
    let (nhs, pccs, wyca) = (
        admin.organisation("NHS England").await,
        admin.organisation("Yorkshire and the Humber Police and Crime Commissioners").await,
        admin.organisation("West Yorkshire Combined Authority").await,
    );
    let split = |shares: serde_json::Value| json!({ "contractId": sarc["id"], "expectedVersion": 1, "shares": shares });
    let cases = [
        // 50 + 49.99 = 99.99%.
        (json!([{ "partyId": nhs, "percentage": "50" }, { "partyId": pccs, "percentage": "49.99" }]), json!(["input", "shares"]), "SHARE_SUM_NOT_100"),
        // 50 + 50.01 = 100.01%.
        (json!([{ "partyId": nhs, "percentage": "50" }, { "partyId": pccs, "percentage": "50.01" }]), json!(["input", "shares"]), "SHARE_SUM_NOT_100"),
        // A nested level summing to 99.99%, pointed at by its path.
        (
            json!([{ "partyId": nhs, "percentage": "50" }, { "partyId": pccs, "percentage": "50", "shares": [
                { "partyId": wyca, "percentage": "60" }, { "partyId": nhs, "percentage": "39.99" }] }]),
            json!(["input", "shares", "1", "shares"]),
            "SHARE_SUM_NOT_100",
        ),
        (json!([{ "partyId": nhs, "percentage": "105" }, { "partyId": pccs, "percentage": "-5" }]), json!(["input", "shares", "0", "percentage"]), "SHARE_OVER_100"),
        (json!([{ "partyId": nhs, "percentage": "100" }, { "partyId": pccs, "percentage": "-5" }]), json!(["input", "shares", "1", "percentage"]), "SHARE_NOT_POSITIVE"),
        (json!([{ "partyId": nhs, "percentage": "50" }, { "partyId": nhs, "percentage": "50" }]), json!(["input", "shares", "1", "partyId"]), "SHARE_DUPLICATE_PARTY"),
        (json!([{ "partyId": nhs, "percentage": "33.33333" }]), json!(["input", "shares", "0", "percentage"]), "SHARE_TOO_MANY_DECIMALS"),
        (json!([]), json!(["input", "shares"]), "SPLIT_EMPTY"),
        (json!([{ "partyId": "T3JnYW5pc2F0aW9uOjk5OTk5", "percentage": "100" }]), json!(["input", "shares", "0", "partyId"]), "NOT_FOUND"),
        (json!([{ "partyId": sarc["id"], "percentage": "100" }]), json!(["input", "shares", "0", "partyId"]), "ID_INVALID"),
    ];
    for (shares, field, code) in cases {
        let expected: Vec<(serde_json::Value, &str)> = if code == "SHARE_OVER_100" {
            vec![(field, code), (json!(["input", "shares", "1", "percentage"]), "SHARE_NOT_POSITIVE")]
        } else {
            vec![(field, code)]
        };
        admin.refused("setCostShares", SET_COST_SHARES, split(shares), &expected).await;
    }
}

#[tokio::test]
async fn dates_out_of_order_or_range_are_refused() {
    let app = TestApp::demo().await;
    let admin = Writer::admin(&app).await;
    let programme = admin.data(r#"{ grantProgramme(name: "Mayor's Safer Communities Fund") { id } }"#, json!({})).await;
    admin
        .refused(
            "createGrantRound",
            CREATE_ROUND,
            json!({ "programmeId": programme["grantProgramme"]["id"], "name": "Round 5", "opensOn": "2026-03-01", "closesOn": "2026-02-28" }),
            &[(json!(["input", "closesOn"]), "DATES_OUT_OF_ORDER")],
        )
        .await;
    let indicator = admin.data(r#"{ indicator(code: "VRP-YOUNG-PEOPLE-REACHED") { id } }"#, json!({})).await;
    admin
        .refused(
            "recordObservation",
            RECORD_OBSERVATION,
            json!({ "indicatorId": indicator["indicator"]["id"], "periodStart": "2024-04-01", "periodEnd": "2024-03-31", "value": "1" }),
            &[(json!(["input", "periodEnd"]), "DATES_OUT_OF_ORDER")],
        )
        .await;
    let base = contract_input(&admin, "DATES-1").await;
    // 24 months from 2024-04-01 end on 2026-03-31; deciding later is too late.
    let mut late = base.clone();
    late["extensionOptions"] = json!([{ "lengthMonths": 12, "decideBy": "2026-04-01" }]);
    admin
        .refused("createContract", CREATE_CONTRACT, late, &[(json!(["input", "extensionOptions", "0", "decideBy"]), "TERM_OPTION_DECIDE_BY_TOO_LATE")])
        .await;
    let mut ancient = base.clone();
    ancient["startDate"] = json!("1899-12-01");
    admin.refused("createContract", CREATE_CONTRACT, ancient, &[(json!(["input", "startDate"]), "DATE_OUT_OF_RANGE")]).await;
    let mut no_term = base;
    no_term["initialTermMonths"] = json!(0);
    admin
        .refused("createContract", CREATE_CONTRACT, no_term, &[(json!(["input", "initialTermMonths"]), "TERM_INITIAL_LENGTH_OUT_OF_RANGE")])
        .await;
}

/// A valid new contract for the ISAC service: 24 months from 2024-04-01.
async fn contract_input(admin: &Writer<'_>, reference: &str) -> serde_json::Value {
    let service = admin.data(r#"{ service(code: "ISAC") { id } }"#, json!({})).await;
    json!({
        "reference": reference, "title": "Test contract", "serviceId": service["service"]["id"],
        "providerId": admin.organisation("Victim Support").await,
        "leadCommissionerId": admin.organisation("West Yorkshire Combined Authority").await,
        "startDate": "2024-04-01", "initialTermMonths": 24, "procurementRoute": "DIRECT_AWARD", "eiaStatus": "NOT_STARTED"
    })
}

#[tokio::test]
async fn options_are_exercised_only_when_available_in_time_and_in_sequence() {
    let app = TestApp::demo().await;
    let admin = Writer::admin(&app).await;
    // The ISAC option is recorded as exercised in the demo data.
    let isac = admin.contract("WYCA-ISAC-2022").await;
    let exercised = &isac["extensionOptions"][0];
    admin
        .refused("exerciseExtensionOption", EXERCISE, json!({ "id": exercised["id"], "expectedVersion": 1 }), &[(json!(["input", "id"]), "OPTION_ALREADY_EXERCISED")])
        .await;
    admin
        .refused("declineExtensionOption", DECLINE, json!({ "id": exercised["id"], "expectedVersion": 1 }), &[(json!(["input", "id"]), "OPTION_ALREADY_EXERCISED")])
        .await;
    // A contract whose two options' decide-by dates have passed: they have lapsed.
    let mut input = contract_input(&admin, "LAPSED-1").await;
    input["extensionOptions"] = json!([{ "lengthMonths": 12, "decideBy": "2025-12-31" }, { "lengthMonths": 12, "decideBy": "2026-03-31" }]);
    let created = admin.ok("createContract", CREATE_CONTRACT, input).await;
    let options = created["contract"]["extensionOptions"].clone();
    let before = audit_count(&app.db).await;
    admin
        .refused("exerciseExtensionOption", EXERCISE, json!({ "id": options[0]["id"], "expectedVersion": 1 }), &[(json!(["input", "overrideReason"]), "OPTION_DEADLINE_PASSED")])
        .await;
    admin
        .refused(
            "exerciseExtensionOption",
            EXERCISE,
            json!({ "id": options[0]["id"], "expectedVersion": 1, "overrideReason": "   " }),
            &[(json!(["input", "overrideReason"]), "OPTION_DEADLINE_PASSED")],
        )
        .await;
    // Option 2 cannot be taken before option 1.
    admin
        .refused(
            "exerciseExtensionOption",
            EXERCISE,
            json!({ "id": options[1]["id"], "expectedVersion": 1, "overrideReason": "Late letter" }),
            &[(json!(["input", "id"]), "OPTION_OUT_OF_SEQUENCE")],
        )
        .await;
    // With a reason, the late exercise stands: 2026-03-31 + 12 months.
    let late = admin
        .ok("exerciseExtensionOption", EXERCISE, json!({ "id": options[0]["id"], "expectedVersion": 1, "overrideReason": "Letter signed in time, recorded late" }))
        .await;
    assert_eq!(late["contract"]["currentEndDate"], "2027-03-31");
    assert_eq!(audit_count(&app.db).await, before + 2);
    // Declined, an option cannot then be exercised.
    admin
        .ok("declineExtensionOption", DECLINE, json!({ "id": options[1]["id"], "expectedVersion": 1, "overrideReason": "Service redesigned" }))
        .await;
    admin
        .refused(
            "exerciseExtensionOption",
            EXERCISE,
            json!({ "id": options[1]["id"], "expectedVersion": 2, "overrideReason": "Changed our minds" }),
            &[(json!(["input", "id"]), "OPTION_DECLINED")],
        )
        .await;
}

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
        .refused("awardGrant", AWARD_GRANT, award("329296.01"), &[(json!(["input", "amount"]), "AWARDS_EXCEED_POT")])
        .await;
    let message = refused["userErrors"][0]["message"].as_str().unwrap();
    assert!(message.contains("£329,296.00 remains"), "{message}");
    admin.ok("awardGrant", AWARD_GRANT, award("329296.00")).await;
    admin
        .refused("awardGrant", AWARD_GRANT, award("0.01"), &[(json!(["input", "amount"]), "AWARDS_EXCEED_POT")])
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
    admin.ok("updateContract", UPDATE_CONTRACT, json!({ "id": sarc["id"], "expectedVersion": 1, "notes": "Reviewed" })).await;
    let payload = admin
        .refused("updateContract", UPDATE_CONTRACT, json!({ "id": sarc["id"], "expectedVersion": 1, "title": "Renamed" }), &[(json!(["input", "expectedVersion"]), "CONFLICT")])
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
        admin.refused("createOrganisation", CREATE_ORGANISATION, org(name), &[(json!(["input", "name"]), code)]).await;
    }
    // Every problem of one input is reported at once.
    admin
        .refused(
            "createOrganisation",
            CREATE_ORGANISATION,
            json!({ "name": "", "shortName": "x".repeat(41), "kind": "CHARITY" }),
            &[(json!(["input", "name"]), "TEXT_EMPTY"), (json!(["input", "shortName"]), "TEXT_TOO_LONG")],
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
            &[(json!(["input", "serviceId"]), "ID_INVALID"), (json!(["input", "providerId"]), "ID_INVALID")],
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
    let update = json!({ "input": { "id": sarc["id"], "expectedVersion": 1, "title": "Hijacked" } });
    let viewer = Writer { app: &app, key: app.viewer_key().await };
    viewer.fails(UPDATE_CONTRACT, update.clone(), "FORBIDDEN").await;
    let analyst = Writer { app: &app, key: app.analyst_key().await };
    analyst.fails(UPDATE_CONTRACT, update.clone(), "FORBIDDEN").await;
    // NHS England shares SARC's cost but does not lead it.
    let nhs = Writer::commissioner(&app, "NHS England").await;
    nhs.fails(UPDATE_CONTRACT, update.clone(), "FORBIDDEN").await;
    // Nor may a commissioner hand a contract to another organisation.
    let wyca = Writer::commissioner(&app, "West Yorkshire Combined Authority").await;
    let nhs_id = admin.organisation("NHS England").await;
    let handover = json!({ "input": { "id": sarc["id"], "expectedVersion": 1, "leadCommissionerId": nhs_id } });
    wyca.fails(UPDATE_CONTRACT, handover, "FORBIDDEN").await;
    // The anonymous reader of a public-read server may not write either.
    let before = support::snapshot(&app.db).await;
    let response = app.graphql(UPDATE_CONTRACT, update).await;
    assert_eq!(response["errors"][0]["extensions"]["code"], "FORBIDDEN", "{response}");
    assert_eq!(support::snapshot(&app.db).await, before);
    // History is for analysts and above.
    let history = json!({ "id": sarc["id"] });
    let query = "query($id: ID!) { history(id: $id) { totalCount } }";
    let refused = viewer.send(query, history.clone()).await;
    assert_eq!(refused["errors"][0]["extensions"]["code"], "FORBIDDEN", "{refused}");
    assert_eq!(analyst.data(query, history).await["history"]["totalCount"], 0);
    wyca.ok("updateContract", UPDATE_CONTRACT, json!({ "id": sarc["id"], "expectedVersion": 1, "title": "SARC" })).await;
}

#[tokio::test]
async fn the_audit_log_refuses_updates_and_deletes_even_in_sql() {
    use sea_orm::ConnectionTrait;
    let app = TestApp::demo().await;
    let admin = Writer::admin(&app).await;
    let sarc = admin.contract("WYCA-SARC-2023").await;
    admin.ok("updateContract", UPDATE_CONTRACT, json!({ "id": sarc["id"], "expectedVersion": 1, "title": "SARC" })).await;
    let before = support::snapshot(&app.db).await;
    let mut statements = vec!["UPDATE audit_events SET actor = 'someone else'", "DELETE FROM audit_events"];
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
