//! The bad-input catalogue, part one (money, splits, dates, options):
//! every case is refused with its rule's code at the offending input path,
//! and leaves the database, audit log included, exactly as it was
//! (`Writer::refused` and `Writer::fails` compare whole-database
//! snapshots). No response shows SQL or driver text.

use serde_json::json;

use crate::common::TestApp;
use crate::queries::*;
use crate::support::{audit_count, Writer};

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
            .refused(
                "recordSpend",
                RECORD_SPEND,
                spend(json!(amount)),
                &[(json!(["input", "amount"]), code)],
            )
            .await;
    }
    // Not a plain decimal string at all: the Decimal scalar refuses it
    // before any resolver runs, a top-level BAD_USER_INPUT.
    for amount in [
        json!("1e3"),
        json!("NaN"),
        json!("1,000"),
        json!(12.5),
        json!(1000),
    ] {
        let response = admin
            .fails(
                RECORD_SPEND,
                json!({ "input": spend(amount.clone()) }),
                "BAD_USER_INPUT",
            )
            .await;
        assert!(
            response["data"].is_null() || response["data"]["recordSpend"].is_null(),
            "{amount}: {response}"
        );
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
        admin
            .organisation("Yorkshire and the Humber Police and Crime Commissioners")
            .await,
        admin
            .organisation("West Yorkshire Combined Authority")
            .await,
    );
    let split = |shares: serde_json::Value| json!({ "contractId": sarc["id"], "expectedVersion": 1, "shares": shares });
    let cases = [
        // 50 + 49.99 = 99.99%.
        (
            json!([{ "partyId": nhs, "percentage": "50" }, { "partyId": pccs, "percentage": "49.99" }]),
            json!(["input", "shares"]),
            "SHARE_SUM_NOT_100",
        ),
        // 50 + 50.01 = 100.01%.
        (
            json!([{ "partyId": nhs, "percentage": "50" }, { "partyId": pccs, "percentage": "50.01" }]),
            json!(["input", "shares"]),
            "SHARE_SUM_NOT_100",
        ),
        // A nested level summing to 99.99%, pointed at by its path.
        (
            json!([{ "partyId": nhs, "percentage": "50" }, { "partyId": pccs, "percentage": "50", "shares": [
                { "partyId": wyca, "percentage": "60" }, { "partyId": nhs, "percentage": "39.99" }] }]),
            json!(["input", "shares", "1", "shares"]),
            "SHARE_SUM_NOT_100",
        ),
        (
            json!([{ "partyId": nhs, "percentage": "105" }, { "partyId": pccs, "percentage": "-5" }]),
            json!(["input", "shares", "0", "percentage"]),
            "SHARE_OVER_100",
        ),
        (
            json!([{ "partyId": nhs, "percentage": "100" }, { "partyId": pccs, "percentage": "-5" }]),
            json!(["input", "shares", "1", "percentage"]),
            "SHARE_NOT_POSITIVE",
        ),
        (
            json!([{ "partyId": nhs, "percentage": "50" }, { "partyId": nhs, "percentage": "50" }]),
            json!(["input", "shares", "1", "partyId"]),
            "SHARE_DUPLICATE_PARTY",
        ),
        (
            json!([{ "partyId": nhs, "percentage": "33.33333" }]),
            json!(["input", "shares", "0", "percentage"]),
            "SHARE_TOO_MANY_DECIMALS",
        ),
        (json!([]), json!(["input", "shares"]), "SPLIT_EMPTY"),
        (
            json!([{ "partyId": "T3JnYW5pc2F0aW9uOjk5OTk5", "percentage": "100" }]),
            json!(["input", "shares", "0", "partyId"]),
            "NOT_FOUND",
        ),
        (
            json!([{ "partyId": sarc["id"], "percentage": "100" }]),
            json!(["input", "shares", "0", "partyId"]),
            "ID_INVALID",
        ),
    ];
    for (shares, field, code) in cases {
        let expected: Vec<(serde_json::Value, &str)> = if code == "SHARE_OVER_100" {
            vec![
                (field, code),
                (
                    json!(["input", "shares", "1", "percentage"]),
                    "SHARE_NOT_POSITIVE",
                ),
            ]
        } else {
            vec![(field, code)]
        };
        admin
            .refused("setCostShares", SET_COST_SHARES, split(shares), &expected)
            .await;
    }
}

#[tokio::test]
async fn dates_out_of_order_or_range_are_refused() {
    let app = TestApp::demo().await;
    let admin = Writer::admin(&app).await;
    let programme = admin
        .data(
            r#"{ grantProgramme(name: "Mayor's Safer Communities Fund") { id } }"#,
            json!({}),
        )
        .await;
    admin
        .refused(
            "createGrantRound",
            CREATE_ROUND,
            json!({ "programmeId": programme["grantProgramme"]["id"], "name": "Round 5", "opensOn": "2026-03-01", "closesOn": "2026-02-28" }),
            &[(json!(["input", "closesOn"]), "DATES_OUT_OF_ORDER")],
        )
        .await;
    let indicator = admin
        .data(
            r#"{ indicator(code: "VRP-YOUNG-PEOPLE-REACHED") { id } }"#,
            json!({}),
        )
        .await;
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
        .refused(
            "createContract",
            CREATE_CONTRACT,
            late,
            &[(
                json!(["input", "extensionOptions", "0", "decideBy"]),
                "TERM_OPTION_DECIDE_BY_TOO_LATE",
            )],
        )
        .await;
    let mut ancient = base.clone();
    ancient["startDate"] = json!("1899-12-01");
    admin
        .refused(
            "createContract",
            CREATE_CONTRACT,
            ancient,
            &[(json!(["input", "startDate"]), "DATE_OUT_OF_RANGE")],
        )
        .await;
    let mut no_term = base;
    no_term["initialTermMonths"] = json!(0);
    admin
        .refused(
            "createContract",
            CREATE_CONTRACT,
            no_term,
            &[(
                json!(["input", "initialTermMonths"]),
                "TERM_INITIAL_LENGTH_OUT_OF_RANGE",
            )],
        )
        .await;
}

/// A valid new contract for the ISAC service: 24 months from 2024-04-01.
pub async fn contract_input(admin: &Writer<'_>, reference: &str) -> serde_json::Value {
    let service = admin
        .data(r#"{ service(code: "ISAC") { id } }"#, json!({}))
        .await;
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
        .refused(
            "exerciseExtensionOption",
            EXERCISE,
            json!({ "id": exercised["id"], "expectedVersion": 1 }),
            &[(json!(["input", "id"]), "OPTION_ALREADY_EXERCISED")],
        )
        .await;
    admin
        .refused(
            "declineExtensionOption",
            DECLINE,
            json!({ "id": exercised["id"], "expectedVersion": 1 }),
            &[(json!(["input", "id"]), "OPTION_ALREADY_EXERCISED")],
        )
        .await;
    // A contract whose two options' decide-by dates have passed: they have lapsed.
    let mut input = contract_input(&admin, "LAPSED-1").await;
    input["extensionOptions"] = json!([{ "lengthMonths": 12, "decideBy": "2025-12-31" }, { "lengthMonths": 12, "decideBy": "2026-03-31" }]);
    let created = admin.ok("createContract", CREATE_CONTRACT, input).await;
    let options = created["contract"]["extensionOptions"].clone();
    let before = audit_count(&app.db).await;
    admin
        .refused(
            "exerciseExtensionOption",
            EXERCISE,
            json!({ "id": options[0]["id"], "expectedVersion": 1 }),
            &[(json!(["input", "overrideReason"]), "OPTION_DEADLINE_PASSED")],
        )
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
