//! Typed aggregates: `spendSummary`, `reachSummary`, `budgetUtilisation`,
//! `costPerOutcome` and `GrantRound.summary`.
//!
//! The example queries are checked exactly against the demo data, with the
//! arithmetic worked out from `api/src/seed/demo.toml` in comments. Every
//! aggregate is then checked to the penny against a naive Rust fold over a
//! random, deterministic dataset of 3,000 spend lines and 2,500 observations
//! (`aggregates/dataset.rs`, `aggregates/naive.rs`), on whichever backend
//! the suite runs on (SQLite, or PostgreSQL with `TEST_DATABASE_URL`).

mod common;

#[path = "aggregates/dataset.rs"]
mod dataset;
#[path = "aggregates/naive.rs"]
mod naive;

use common::TestApp;
use dataset::Dataset;
use serde_json::json;

#[path = "aggregates/insert.rs"]
mod insert;
#[path = "aggregates/random.rs"]
mod random;
#[path = "aggregates/ratios.rs"]
mod ratios;
#[path = "aggregates/writes.rs"]
mod writes;

#[tokio::test]
async fn vrp_reach_spend_and_no_invented_cost_per_young_person() {
    let app = TestApp::demo().await;
    let data = app.example("vrp_reach_spend_cost").await;
    // One observation: 2022-04-01 to 2023-03-31, "just over" 30000 people.
    assert_eq!(
        data["reach"],
        json!({
            "totals": { "sum": "30000", "qualifier": "AT_LEAST", "wording": "just over", "count": 1, "additive": true },
            "groups": [{ "key": { "financialYear": "2022-23" }, "sum": "30000", "qualifier": "AT_LEAST", "wording": "just over", "count": 1 }]
        })
    );
    // Two spend lines: VRP-INT 2023-24 "just under" £2.3m (service id 6),
    // and Grant Round 1's £208,254.93 in 2021-22 with no service (last).
    assert_eq!(
        data["spend"]["groups"],
        json!([
            { "key": { "service": { "code": "VRP-INT" }, "financialYear": "2023-24" },
              "sum": { "amount": "2300000.00", "currencyCode": "GBP" }, "qualifier": "AT_MOST", "wording": "just under", "count": 1 },
            { "key": { "service": null, "financialYear": "2021-22" },
              "sum": { "amount": "208254.93", "currencyCode": "GBP" }, "qualifier": "EXACT", "wording": null, "count": 1 }
        ])
    );
    let indicator = json!({ "code": "VRP-YOUNG-PEOPLE-REACHED", "service": { "code": "VRP-INT" } });
    // 2022-23 has the reach but no spend; 2023-24 the spend but no reach.
    assert_eq!(
        data["year2022"],
        json!({
            "indicator": indicator, "financialYear": "2022-23",
            "spend": null, "spendLinesCount": 0,
            "outcome": { "value": "30000", "qualifier": "AT_LEAST", "wording": "just over" },
            "observationsCount": 1, "costPerOutcome": null, "missing": ["NO_SPEND"]
        })
    );
    assert_eq!(
        data["year2023"],
        json!({
            "indicator": indicator, "financialYear": "2023-24",
            "spend": { "money": { "amount": "2300000.00", "currencyCode": "GBP" }, "qualifier": "AT_MOST", "wording": "just under" },
            "spendLinesCount": 1, "outcome": null, "observationsCount": 0,
            "costPerOutcome": null, "missing": ["NO_OUTCOME"]
        })
    );
}

#[tokio::test]
async fn spend_by_funding_stream_for_2023_24_against_budget() {
    let app = TestApp::demo().await;
    let data = app.example("spend_by_funding_stream_2023_24").await;
    // 2023-24 has one spend line: Violence Reduction Unit, "just under" £2.3m.
    assert_eq!(
        data["byStream"],
        json!({
            "groupBy": ["FUNDING_STREAM"],
            "groupsAreAdditive": true,
            "totals": { "sum": { "amount": "2300000.00", "currencyCode": "GBP" }, "qualifier": "AT_MOST", "count": 1 },
            "groups": [{
                "key": { "fundingStream": { "name": "Violence Reduction Unit" } },
                "sum": { "amount": "2300000.00", "currencyCode": "GBP" }, "qualifier": "AT_MOST",
                "wording": "just under", "count": 1,
                "min": { "amount": "2300000.00" }, "max": { "amount": "2300000.00" }
            }]
        })
    );
    // The line has no contract, so no cost share to attribute it by.
    assert_eq!(
        data["byCommissioner"],
        json!({ "groupsAreAdditive": true, "groups": [{ "key": { "commissioner": null }, "sum": { "amount": "2300000.00" }, "count": 1 }] })
    );
    // 2,300,000 ÷ 4,500,000 = 0.5111… → 0.51 and 51.11%; "just under" over an
    // approximate budget is approximate (the report: "approximately 51%").
    assert_eq!(
        data["budgetUtilisation"],
        json!([{
            "fundingStream": { "name": "Violence Reduction Unit" },
            "financialYear": "2023-24",
            "budget": { "money": { "amount": "4500000.00", "currencyCode": "GBP" }, "qualifier": "APPROXIMATE" },
            "spend": { "money": { "amount": "2300000.00", "currencyCode": "GBP" }, "qualifier": "AT_MOST", "wording": "just under" },
            "spendLinesCount": 1,
            "utilisation": { "value": "0.51", "percentage": "51.11", "qualifier": "APPROXIMATE" },
            "missing": []
        }])
    );
}

#[tokio::test]
async fn round_4_summary() {
    let app = TestApp::demo().await;
    let data = app.example("round4_summary").await;
    let round = &data["grantProgramme"]["round"];
    assert_eq!(round["name"], "Grant Round 4");
    // Awards 7,280 + 7,424 + 6,000 = 20,704; 350,000 − 20,704 = 329,296.
    // 850,000 ÷ 350,000 = 2.428571… → 2.43; 3 ÷ 150 = 0.02. Requested is
    // "over" and applications "nearly": both ratios are approximate.
    assert_eq!(
        round["summary"],
        json!({
            "pot": { "money": { "amount": "350000.00", "currencyCode": "GBP" }, "qualifier": "EXACT", "wording": "£350k" },
            "awardedTotal": { "amount": "20704.00", "currencyCode": "GBP" },
            "awardsCount": 3,
            "remaining": { "money": { "amount": "329296.00", "currencyCode": "GBP" }, "qualifier": "EXACT" },
            "applicationsReceived": { "value": 150, "qualifier": "AT_MOST", "wording": "nearly" },
            "amountRequested": { "money": { "amount": "850000.00", "currencyCode": "GBP" }, "qualifier": "AT_LEAST", "wording": "over" },
            "oversubscription": { "value": "2.43", "percentage": "242.86", "qualifier": "APPROXIMATE" },
            "successRate": { "value": "0.02", "percentage": "2.00", "qualifier": "APPROXIMATE" },
            // By area id: West Yorkshire (2) before the districts Bradford (3),
            // Calderdale (4), Kirklees (5); Happydays UK counts in both of its
            // districts, so these add up to 27,984, more than the total.
            "awardsByDistrict": [
                { "district": { "name": "West Yorkshire", "kind": "COUNTY" }, "total": { "amount": "6000.00" }, "count": 1 },
                { "district": { "name": "Bradford", "kind": "DISTRICT" }, "total": { "amount": "7424.00" }, "count": 1 },
                { "district": { "name": "Calderdale", "kind": "DISTRICT" }, "total": { "amount": "7280.00" }, "count": 1 },
                { "district": { "name": "Kirklees", "kind": "DISTRICT" }, "total": { "amount": "7280.00" }, "count": 1 }
            ],
            // The report gives no theme for these awards.
            "awardsByTheme": [{ "theme": null, "total": { "amount": "20704.00" }, "count": 3 }]
        })
    );
}

#[tokio::test]
async fn bad_summary_input_is_a_clear_error() {
    let app = TestApp::demo().await;
    let theme = api::graphql::node::global_id("Theme", 1).0;
    let response = app
        .graphql(
            "query($f: SpendSummaryFilter) { spendSummary(filter: $f) { totals { count } } }",
            json!({ "f": { "district": { "eq": theme } } }),
        )
        .await;
    assert_eq!(
        response["errors"][0]["extensions"]["code"],
        "BAD_USER_INPUT"
    );
    assert_eq!(response["errors"][0]["extensions"]["rule"], "ID_INVALID");
    let message = response["errors"][0]["message"].as_str().unwrap();
    assert!(message.starts_with("filter.district.eq:"), "{message}");
}

/// The random dataset, loaded into a fresh server.
async fn random_app() -> (TestApp, Dataset) {
    let app = TestApp::empty().await;
    let data = Dataset::generate(20_260_101, 3_000, 2_500);
    data.insert(&app.db).await;
    (app, data)
}

#[tokio::test]
async fn random_spend_summaries_match_a_naive_fold() {
    let (app, data) = random_app().await;
    random::check_spend(&app, &data).await;
}

#[tokio::test]
async fn random_reach_summaries_match_a_naive_fold() {
    let (app, data) = random_app().await;
    random::check_reach(&app, &data).await;
}

#[tokio::test]
async fn writes_after_the_rollups_keep_reach_summaries_exact() {
    let (app, mut data) = random_app().await;
    writes::check(&app, &mut data).await;
}

#[tokio::test]
async fn summaries_read_the_rollups_while_they_are_current() {
    use sea_orm::ConnectionTrait;
    let (app, _data) = random_app().await;
    let query = "{ reachSummary(groupBy: [DISTRICT, FINANCIAL_YEAR]) { totals { count } groups { count } } \
                 spendSummary(groupBy: [FUNDING_STREAM]) { totals { count } groups { count } } }";
    let exact = app.data(query, json!({})).await;
    let run = |sql: &'static str| app.db.execute_unprepared(sql);
    // Rollup rows raise nothing: doctoring them shows whether they are read.
    for sql in [
        "UPDATE reach_area_rollups SET observations = observations + 1",
        "UPDATE reach_rollups SET observations = observations + 1",
        "UPDATE spend_rollups SET lines = lines + 1",
        "UPDATE data_version SET version = version + 1 WHERE id = 1",
    ] {
        run(sql).await.unwrap();
    }
    let doctored = app.data(query, json!({})).await;
    for summary in ["reachSummary", "spendSummary"] {
        let count = |data: &serde_json::Value| data[summary]["totals"]["count"].as_i64().unwrap();
        assert!(
            count(&doctored) > count(&exact),
            "{summary} totals read the rollups"
        );
        let first =
            |data: &serde_json::Value| data[summary]["groups"][0]["count"].as_i64().unwrap();
        assert!(
            first(&doctored) > first(&exact),
            "{summary} groups read the rollups"
        );
    }
    // Stale rollups are not read: the rows answer, exactly.
    run("UPDATE aggregate_rollups SET current = FALSE")
        .await
        .unwrap();
    run("UPDATE data_version SET version = version + 1 WHERE id = 1")
        .await
        .unwrap();
    assert_eq!(app.data(query, json!({})).await, exact);
}

#[tokio::test]
async fn random_budget_utilisation_and_cost_per_outcome_match_a_naive_fold() {
    let (app, data) = random_app().await;
    ratios::check_utilisation(&app, &data).await;
    ratios::check_cost_per_outcome(&app, &data).await;
}

#[tokio::test]
async fn random_grant_round_summaries_match_a_naive_fold() {
    let (app, data) = random_app().await;
    ratios::check_rounds(&app, &data).await;
}

#[tokio::test]
async fn sarc_spend_is_attributed_down_the_nested_split_to_the_penny() {
    use entity::{contract, funding_stream, spend_line};
    use sea_orm::ActiveValue::Set;
    use sea_orm::{
        ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, TransactionTrait,
    };
    let app = TestApp::demo().await;
    let sarc = contract::Entity::find()
        .filter(contract::Column::Reference.eq("WYCA-SARC-2023"))
        .one(&app.db)
        .await
        .unwrap()
        .expect("the SARC contract");
    let stream = funding_stream::Entity::find()
        .filter(funding_stream::Column::Name.eq("Victims of Crime"))
        .one(&app.db)
        .await
        .unwrap()
        .expect("a stream");
    // A writer adds a line and derives its attributions in one transaction.
    let txn = app.db.begin().await.unwrap();
    let line = spend_line::ActiveModel {
        funding_stream_id: Set(stream.id),
        financial_year: Set(2024),
        contract_id: Set(Some(sarc.id)),
        amount_pence: Set(150_000_001),
        qualifier: Set(entity::enums::Qualifier::Exact),
        is_illustrative: Set(true),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .unwrap();
    api::store::aggregates::rebuild_spend_attributions(&txn, Some(&[sarc.id]))
        .await
        .unwrap();
    txn.commit().await.unwrap();

    let query = "query($f: SpendSummaryFilter) { spendSummary(filter: $f, groupBy: [COMMISSIONER]) { \
        totals { sum { amount } count } groups { key { commissioner { name } } sum { amount } count } } }";
    let filter = json!({ "f": { "financialYear": { "eq": "2024-25" } } });
    // £1,500,000.01 splits 50/50 with the odd penny to the first-listed
    // policing half (equal remainders): 750,000.01 and 750,000.00. The
    // policing half splits 40/25/17.5/17.5: 300,000.004, 187,500.0025 and
    // 131,250.00175 twice; the leftover penny goes to the largest remainder,
    // West Yorkshire. Groups by organisation id (load order of the demo).
    let groups = |wyca: &str, nhse: &str| {
        json!([
            { "key": { "commissioner": { "name": "West Yorkshire Combined Authority" } }, "sum": { "amount": wyca }, "count": 1 },
            { "key": { "commissioner": { "name": "South Yorkshire Police and Crime Commissioner" } }, "sum": { "amount": "187500.00" }, "count": 1 },
            { "key": { "commissioner": { "name": "North Yorkshire Police, Fire and Crime Commissioner" } }, "sum": { "amount": "131250.00" }, "count": 1 },
            { "key": { "commissioner": { "name": "Humberside Police and Crime Commissioner" } }, "sum": { "amount": "131250.00" }, "count": 1 },
            { "key": { "commissioner": { "name": "NHS England" } }, "sum": { "amount": nhse }, "count": 1 }
        ])
    };
    let data = app.data(query, filter.clone()).await;
    assert_eq!(
        data["spendSummary"],
        json!({ "totals": { "sum": { "amount": "1500000.01" }, "count": 1 }, "groups": groups("300000.01", "750000.00") })
    );

    // Moved out of the contract: rebuilding drops its stale attribution.
    let txn = app.db.begin().await.unwrap();
    let mut moved = line.into_active_model();
    moved.contract_id = Set(None);
    moved.update(&txn).await.unwrap();
    api::store::aggregates::rebuild_spend_attributions(&txn, Some(&[sarc.id]))
        .await
        .unwrap();
    txn.commit().await.unwrap();
    let data = app.data(query, filter).await;
    assert_eq!(
        data["spendSummary"]["groups"],
        json!([{ "key": { "commissioner": null }, "sum": { "amount": "1500000.01" }, "count": 1 }])
    );
}

/// A repeated aggregate question is answered from what the server kept for
/// the current data version, at the cost of reading that version; a write
/// from anywhere, even straight into the database, makes it stale at once.
#[tokio::test]
async fn repeated_aggregates_are_kept_until_any_write() {
    use sea_orm::ConnectionTrait;
    use std::sync::atomic::Ordering;
    let (app, statements) = TestApp::counting_statements().await;
    api::seed::load_demo(&app.db).await.expect("demo data");
    let query = r#"{ spendSummary(groupBy: [FINANCIAL_YEAR]) { totals { sum { amount } count } groups { key { financialYear } sum { amount } } } }"#;
    let first = app.data(query, json!({})).await;
    statements.store(0, Ordering::SeqCst);
    let again = app.data(query, json!({})).await;
    assert_eq!(again, first);
    assert_eq!(
        statements.load(Ordering::SeqCst),
        1,
        "only the data version"
    );

    // A write that bypasses commtrack altogether.
    app.db
        .execute_unprepared("UPDATE spend_lines SET amount_pence = amount_pence + 1")
        .await
        .unwrap();
    let after = app.data(query, json!({})).await;
    let count = first["spendSummary"]["totals"]["count"].as_i64().unwrap();
    let pence = |data: &serde_json::Value| {
        let amount = data["spendSummary"]["totals"]["sum"]["amount"]
            .as_str()
            .unwrap();
        amount.replace('.', "").parse::<i64>().unwrap()
    };
    assert_eq!(pence(&after), pence(&first) + count, "{after}");
}
