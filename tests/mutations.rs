//! Mutations through GraphQL on the demo data: each one's happy path, with
//! its audit event, and the README's scenario (exercising the SARC
//! extension option). The bad-input catalogue is in `mutations/catalogue.rs`.
//!
//! Expected values come from `api/src/seed/demo.toml`: the SARC contract
//! starts 2023-04-01 with a 48-month term (initial end 2027-03-31) and one
//! 36-month option to be decided by 2026-12-31 (end if exercised 2030-03-31).

mod common;

#[path = "mutations/catalogue.rs"]
mod catalogue;
#[path = "mutations/guards.rs"]
mod guards;
#[path = "mutations/queries.rs"]
mod queries;
#[path = "mutations/support.rs"]
mod support;

use common::TestApp;
use queries::*;
use serde_json::{json, Value};
use support::{audit_count, Writer};

#[tokio::test]
async fn readme_scenario_exercise_the_sarc_option_and_read_its_history() {
    let app = TestApp::demo().await;
    let wyca = Writer::commissioner(&app, "West Yorkshire Combined Authority").await;
    let sarc = wyca.contract("WYCA-SARC-2023").await;
    assert_eq!(sarc["currentEndDate"], "2027-03-31");
    assert_eq!(sarc["version"], 1);
    let option = &sarc["extensionOptions"][0];
    // The ids the README's example uses: the demo's first contract and option.
    assert_eq!(sarc["id"], "Q29udHJhY3Q6MQ");
    assert_eq!(option["id"], "RXh0ZW5zaW9uT3B0aW9uOjE");
    assert_eq!(
        (option["state"].as_str(), option["version"].as_i64()),
        (Some("AVAILABLE"), Some(1))
    );

    // Decide-by is 2026-12-31: in time until then; later runs need (and
    // record) an override reason, and the end date moves just the same.
    let today = api::graphql::today();
    let late = today > chrono::NaiveDate::from_ymd_opt(2026, 12, 31).unwrap();
    let mut input = json!({ "id": option["id"], "expectedVersion": 1 });
    if late {
        input["overrideReason"] = json!("Signed extension letter recorded late");
    }
    let payload = wyca.ok("exerciseExtensionOption", EXERCISE, input).await;
    assert_eq!(payload["contract"]["currentEndDate"], "2030-03-31");
    assert_eq!(payload["contract"]["initialEndDate"], "2027-03-31");
    assert_eq!(
        payload["contract"]["contractualMaximumEndDate"],
        "2030-03-31"
    );
    assert_eq!(payload["contract"]["version"], 2);
    assert_eq!(payload["extensionOption"]["recordedState"], "EXERCISED");
    assert_eq!(
        payload["extensionOption"]["decidedOn"],
        json!(today.to_string())
    );
    assert_eq!(payload["extensionOption"]["version"], 2);
    assert_eq!(
        wyca.contract("WYCA-SARC-2023").await["currentEndDate"],
        "2030-03-31"
    );

    // The change is in the contract's history and in the option's.
    let history = wyca.history(sarc["id"].as_str().unwrap()).await;
    assert_eq!(history["totalCount"], 1);
    let event = &history["nodes"][0];
    assert_eq!(event["action"], "OPTION_EXERCISED");
    assert_eq!(event["subjectType"], "Contract");
    assert!(
        event["actor"]
            .as_str()
            .unwrap()
            .ends_with("(test commissioner)"),
        "{event}"
    );
    assert!(
        !event["requestId"].as_str().unwrap_or_default().is_empty(),
        "{event}"
    );
    assert_eq!(event["before"]["current_end_date"], "2027-03-31");
    assert_eq!(event["after"]["current_end_date"], "2030-03-31");
    assert_eq!(event["after"]["extension_option"]["state"], "exercised");
    assert_eq!(
        event["changedFields"],
        json!(["current_end_date", "extension_option", "version"])
    );
    let option_history = wyca.history(option["id"].as_str().unwrap()).await;
    assert_eq!(option_history["nodes"][0]["before"]["state"], "available");
    assert_eq!(option_history["nodes"][0]["after"]["state"], "exercised");
    assert_eq!(
        audit_count(&app.db).await,
        2,
        "one event on the option, one on the contract"
    );
}

#[tokio::test]
async fn organisations_are_created_updated_and_their_history_is_newest_first() {
    let app = TestApp::demo().await;
    let admin = Writer::admin(&app).await;
    let created = admin
        .ok(
            "createOrganisation",
            CREATE_ORGANISATION,
            json!({ "name": "  Leeds Women's Aid ", "shortName": "LWA", "kind": "CHARITY", "roles": ["PROVIDER", "GRANT_RECIPIENT", "PROVIDER"] }),
        )
        .await;
    let org = &created["organisation"];
    assert_eq!(org["name"], "Leeds Women's Aid", "trimmed");
    assert_eq!(
        org["roles"],
        json!(["GRANT_RECIPIENT", "PROVIDER"]),
        "once each"
    );
    assert_eq!(org["version"], 1);
    let id = org["id"].as_str().unwrap();
    let updated = admin
        .ok(
            "updateOrganisation",
            UPDATE_ORGANISATION,
            json!({ "id": id, "expectedVersion": 1, "shortName": null }),
        )
        .await;
    assert_eq!(updated["organisation"]["shortName"], Value::Null);
    assert_eq!(
        updated["organisation"]["name"], "Leeds Women's Aid",
        "left out: unchanged"
    );
    assert_eq!(updated["organisation"]["version"], 2);
    let history = admin.history(id).await;
    let actions: Vec<&Value> = history["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| &n["action"])
        .collect();
    assert_eq!(actions, [&json!("UPDATED"), &json!("CREATED")]);
    assert_eq!(
        history["nodes"][0]["changedFields"],
        json!(["short_name", "version"])
    );
    assert_eq!(history["nodes"][1]["before"], Value::Null);
}

#[tokio::test]
async fn services_are_created_and_updated_by_their_owner() {
    let app = TestApp::demo().await;
    let admin = Writer::admin(&app).await;
    let created = admin
        .ok(
            "createService",
            CREATE_SERVICE,
            json!({ "code": "DA-REFUGE", "name": "Refuge places", "status": "PROPOSED" }),
        )
        .await;
    assert_eq!(created["service"]["code"], "DA-REFUGE");
    // SARC's only contract is led by the Combined Authority, which owns it.
    let wyca = Writer::commissioner(&app, "West Yorkshire Combined Authority").await;
    let sarc = wyca
        .data(r#"{ service(code: "SARC") { id version } }"#, json!({}))
        .await;
    let updated = wyca
        .ok(
            "updateService",
            UPDATE_SERVICE,
            json!({ "id": sarc["service"]["id"], "expectedVersion": 1, "status": "UNDER_REVIEW", "description": "Under review\nfor 2027" }),
        )
        .await;
    assert_eq!(updated["service"]["status"], "UNDER_REVIEW");
    assert_eq!(updated["service"]["description"], "Under review\nfor 2027");
    assert_eq!(updated["service"]["version"], 2);
}

#[tokio::test]
async fn contracts_are_created_with_options_and_updated_with_end_dates_recomputed() {
    let app = TestApp::demo().await;
    let admin = Writer::admin(&app).await;
    let wyca = admin
        .organisation("West Yorkshire Combined Authority")
        .await;
    let provider = admin.organisation("Victim Support").await;
    let service = admin
        .data(r#"{ service(code: "ISAC") { id } }"#, json!({}))
        .await["service"]["id"]
        .clone();
    let created = admin
        .ok(
            "createContract",
            CREATE_CONTRACT,
            json!({
                "reference": "WYCA-ISAC-2025", "title": "Stalking advocacy 2025", "serviceId": service,
                "providerId": provider, "leadCommissionerId": wyca, "startDate": "2025-04-01",
                "initialTermMonths": 36, "annualValue": "150000.5", "procurementRoute": "OPEN_PROCEDURE",
                "eiaStatus": "IN_PROGRESS",
                "extensionOptions": [
                    { "lengthMonths": 12, "decideBy": "2027-12-31" },
                    { "lengthMonths": 12, "decideBy": "2028-12-31" }
                ]
            }),
        )
        .await;
    let c = &created["contract"];
    // 36 months from 2025-04-01 ends 2028-03-31; two 12-month options reach 2030-03-31.
    assert_eq!(
        (c["initialEndDate"].as_str(), c["currentEndDate"].as_str()),
        (Some("2028-03-31"), Some("2028-03-31"))
    );
    assert_eq!(c["contractualMaximumEndDate"], "2030-03-31");
    assert_eq!(
        c["annualValue"],
        json!({ "money": { "amount": "150000.50" }, "qualifier": "EXACT" })
    );
    assert_eq!(c["extensionOptions"][1]["sequence"], 2);
    let updated = admin
        .ok(
            "updateContract",
            UPDATE_CONTRACT,
            json!({ "id": c["id"], "expectedVersion": 1, "initialTermMonths": 48, "title": "Stalking advocacy" }),
        )
        .await;
    let u = &updated["contract"];
    assert_eq!(
        (
            u["initialEndDate"].as_str(),
            u["contractualMaximumEndDate"].as_str()
        ),
        (Some("2029-03-31"), Some("2031-03-31"))
    );
    assert_eq!(
        (u["title"].as_str(), u["version"].as_i64()),
        (Some("Stalking advocacy"), Some(2))
    );
    let history = admin.history(c["id"].as_str().unwrap()).await;
    assert_eq!(
        history["nodes"][0]["changedFields"],
        json!([
            "contractual_end_date",
            "current_end_date",
            "initial_end_date",
            "initial_term_months",
            "title",
            "version"
        ])
    );
    assert_eq!(
        history["nodes"][1]["after"]["extension_options"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[tokio::test]
async fn options_are_added_declined_and_exercised_late_only_with_a_reason() {
    let app = TestApp::demo().await;
    let admin = Writer::admin(&app).await;
    let cara = admin.contract("WYCA-CARA-2022").await;
    // CARA: 36 months from 2022-04-01 plus two exercised 12-month options,
    // current end 2027-03-31; a third option must be decided by then.
    let added = admin
        .ok(
            "addExtensionOption",
            ADD_OPTION,
            json!({ "contractId": cara["id"], "expectedVersion": 1, "lengthMonths": 6, "decideBy": "2020-01-31" }),
        )
        .await;
    assert_eq!(added["extensionOption"]["sequence"], 3);
    assert_eq!(added["contract"]["contractualMaximumEndDate"], "2027-09-30");
    assert_eq!(added["contract"]["version"], 2);
    let option = added["extensionOption"]["id"].clone();
    // Its decide-by date has passed: a decision needs a reason, which is kept.
    let declined = admin
        .ok("declineExtensionOption", DECLINE, json!({ "id": option, "expectedVersion": 1, "overrideReason": "Agreed at the March board" }))
        .await;
    assert_eq!(declined["extensionOption"]["recordedState"], "DECLINED");
    assert_eq!(declined["contract"]["version"], 3);
    let history = admin.history(option.as_str().unwrap()).await;
    assert_eq!(history["nodes"][0]["reason"], "Agreed at the March board");
    assert_eq!(history["nodes"][0]["action"], "OPTION_DECLINED");
}

#[tokio::test]
async fn cost_shares_are_replaced_whole_and_spend_is_reattributed() {
    let app = TestApp::demo().await;
    let admin = Writer::admin(&app).await;
    let sarc = admin.contract("WYCA-SARC-2023").await;
    let (nhs, pccs, wyca) = (
        admin.organisation("NHS England").await,
        admin
            .organisation("Yorkshire and the Humber Police and Crime Commissioners")
            .await,
        admin
            .organisation("West Yorkshire Combined Authority")
            .await,
    );
    let payload = admin
        .ok(
            "setCostShares",
            SET_COST_SHARES,
            json!({ "contractId": sarc["id"], "expectedVersion": 1, "agreement": "Collaboration agreement 2026", "shares": [
                { "partyId": nhs, "percentage": "45.5" },
                { "partyId": pccs, "percentage": "54.5", "shares": [{ "partyId": wyca, "percentage": "100" }] }
            ] }),
        )
        .await;
    let c = &payload["contract"];
    assert_eq!(c["version"], 2);
    assert_eq!(c["costShareAgreement"], "Collaboration agreement 2026");
    assert_eq!(c["costShares"][0]["percentage"], "45.5");
    assert_eq!(
        c["costShares"][1]["shares"][0]["percentageOfContract"],
        "54.5"
    );
    // £1,000.01 under SARC: 45.5% is 45500.455p, 54.5% 54500.545p; the
    // leftover penny goes to the larger remainder (54.5%).
    let spend = admin
        .ok(
            "recordSpend",
            RECORD_SPEND,
            json!({ "fundingStreamId": funding_stream(&admin, "Victims of Crime").await, "financialYear": "2026-27",
                    "quarter": "Q2", "contractId": sarc["id"], "amount": "1000.01" }),
        )
        .await;
    assert_eq!(
        spend["spendLine"]["service"]["code"], "SARC",
        "taken from the contract"
    );
    let parts: Vec<(i64, i64)> = {
        use sea_orm::{ConnectionTrait, Statement};
        let sql =
            "SELECT organisation_id, amount_pence FROM spend_attributions ORDER BY amount_pence";
        let rows = app
            .db
            .query_all_raw(Statement::from_string(app.db.get_database_backend(), sql))
            .await
            .unwrap();
        rows.iter()
            .map(|r| r.try_get_many_by_index().unwrap())
            .collect()
    };
    assert_eq!(
        parts.iter().map(|p| p.1).collect::<Vec<_>>(),
        vec![45_500, 54_501]
    );
    let history = admin.history(sarc["id"].as_str().unwrap()).await;
    assert_eq!(history["nodes"][0]["action"], "COST_SHARES_SET");
    assert_eq!(
        history["nodes"][0]["before"]["cost_shares"][0]["percentage"],
        "50"
    );
    assert_eq!(
        history["nodes"][0]["after"]["cost_shares"][1]["shares"][0]["percentage"],
        "100"
    );
}

#[tokio::test]
async fn budgets_are_recorded_then_replaced_with_their_version() {
    let app = TestApp::demo().await;
    let admin = Writer::admin(&app).await;
    let vru = funding_stream(&admin, "Violence Reduction Unit").await;
    let input = json!({ "fundingStreamId": vru, "financialYear": "2024-25", "amount": "4600000", "qualifier": "APPROXIMATE" });
    let first = admin.ok("recordBudget", RECORD_BUDGET, input.clone()).await;
    assert_eq!(
        first["budget"]["amount"],
        json!({ "money": { "amount": "4600000.00" }, "qualifier": "APPROXIMATE" })
    );
    let mut replace = input;
    replace["amount"] = json!("4700000.00");
    replace["expectedVersion"] = json!(1);
    let second = admin.ok("recordBudget", RECORD_BUDGET, replace).await;
    assert_eq!(
        (
            second["budget"]["version"].as_i64(),
            second["budget"]["id"].clone()
        ),
        (Some(2), first["budget"]["id"].clone())
    );
}

#[tokio::test]
async fn observations_and_grants_are_recorded() {
    let app = TestApp::demo().await;
    let admin = Writer::admin(&app).await;
    let indicator = admin
        .data(
            r#"{ indicator(code: "VRP-YOUNG-PEOPLE-REACHED") { id } }"#,
            json!({}),
        )
        .await;
    let observed = admin
        .ok(
            "recordObservation",
            RECORD_OBSERVATION,
            json!({ "indicatorId": indicator["indicator"]["id"], "periodStart": "2023-04-01", "periodEnd": "2024-03-31",
                    "value": "31250", "qualifier": "AT_LEAST", "wording": "over", "target": "30000" }),
        )
        .await;
    assert_eq!(
        observed["observation"]["value"],
        json!({ "value": "31250", "qualifier": "AT_LEAST", "wording": "over" })
    );
    let funder = admin
        .organisation("West Yorkshire Combined Authority")
        .await;
    let programme = admin
        .ok(
            "createGrantProgramme",
            CREATE_PROGRAMME,
            json!({ "name": "Safer Streets Fund", "funderId": funder }),
        )
        .await;
    let round = admin
        .ok(
            "createGrantRound",
            CREATE_ROUND,
            json!({ "programmeId": programme["grantProgramme"]["id"], "name": "Round 1", "pot": "50000",
                    "opensOn": "2026-01-05", "closesOn": "2026-02-27" }),
        )
        .await;
    assert_eq!(round["grantRound"]["number"], 1);
    assert_eq!(round["grantRound"]["pot"]["money"]["amount"], "50000.00");
    let recipient = admin.organisation("Happydays UK").await;
    let award = admin
        .ok(
            "awardGrant",
            AWARD_GRANT,
            json!({ "roundId": round["grantRound"]["id"], "recipientId": recipient, "projectName": "Night-time safety walks", "amount": "50000.00" }),
        )
        .await;
    assert_eq!(
        award["grantAward"]["amount"]["amount"], "50000.00",
        "exactly the pot is allowed"
    );
}

#[tokio::test]
async fn archived_records_keep_their_history_and_refuse_changes() {
    let app = TestApp::demo().await;
    let admin = Writer::admin(&app).await;
    let isac = admin.contract("WYCA-ISAC-2022").await;
    let archived = admin
        .ok(
            "archive",
            ARCHIVE,
            json!({ "id": isac["id"], "expectedVersion": 1, "reason": "Entered twice" }),
        )
        .await;
    assert_eq!(archived["node"]["archiveReason"], "Entered twice");
    assert!(archived["node"]["archivedAt"]
        .as_str()
        .unwrap()
        .ends_with('Z'));
    admin
        .refused(
            "updateContract",
            UPDATE_CONTRACT,
            json!({ "id": isac["id"], "expectedVersion": 2, "title": "x" }),
            &[(json!(["input", "id"]), "ARCHIVED")],
        )
        .await;
    let history = admin.history(isac["id"].as_str().unwrap()).await;
    assert_eq!(
        (
            history["nodes"][0]["action"].as_str(),
            history["nodes"][0]["reason"].as_str()
        ),
        (Some("ARCHIVED"), Some("Entered twice"))
    );

    // Lists show current records unless asked for archived ones too.
    let references = |data: &Value| -> Vec<String> {
        data["contracts"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["reference"].as_str().unwrap().to_owned())
            .collect()
    };
    let current = app
        .data(
            "{ contracts(first: 100) { totalCount nodes { reference } } }",
            json!({}),
        )
        .await;
    assert!(!references(&current).contains(&"WYCA-ISAC-2022".to_owned()));
    assert_eq!(current["contracts"]["totalCount"], 5);
    let all = app
        .data(
            "{ contracts(first: 100, includeArchived: true) { totalCount nodes { reference } } }",
            json!({}),
        )
        .await;
    assert!(references(&all).contains(&"WYCA-ISAC-2022".to_owned()));
    assert_eq!(all["contracts"]["totalCount"], 6);
}
