//! Paging through every list, and the limits on cursors, lists, nesting and search.

use std::collections::HashSet;

use serde_json::{json, Value};

use super::{area, fetch, list_query, refused};
use crate::common::TestApp;

/// Pages through `field` two rows at a time in `order`, and checks the pages
/// against one page of everything: same rows, same order, none twice, and a
/// `totalCount` that never changes.
async fn page_through(app: &TestApp, field: &str, order: Value) -> usize {
    let (all, total) = fetch(app, field, json!(null), order.clone(), "id").await;
    let expected: Vec<&str> = all.iter().map(|n| n["id"].as_str().unwrap()).collect();
    assert_eq!(total as usize, expected.len());
    let query = list_query(field, "id");
    let mut seen: Vec<String> = Vec::new();
    let mut after = Value::Null;
    loop {
        let vars = json!({ "orderBy": order, "first": 2, "after": after });
        let data = app.data(&query, vars).await;
        let page = &data[field];
        assert_eq!(
            page["totalCount"].as_u64(),
            Some(total),
            "{field}: totalCount changed"
        );
        let nodes = page["nodes"].as_array().unwrap();
        assert!(nodes.len() <= 2);
        seen.extend(nodes.iter().map(|n| n["id"].as_str().unwrap().to_owned()));
        if page["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
    let unique: HashSet<&String> = seen.iter().collect();
    assert_eq!(
        unique.len(),
        seen.len(),
        "{field}: a row repeats across pages"
    );
    assert_eq!(seen, expected, "{field}: pages differ from the whole list");
    seen.len()
}

#[tokio::test]
async fn every_list_pages_by_two_without_gaps_or_repeats() {
    let app = TestApp::demo().await;
    let desc = |field: &str| json!([{ "field": field, "direction": "DESC" }]);
    // Row counts from demo.toml: 20 organisations, 7 areas, 7 themes, 5
    // streams, 15 services, 6 contracts, 4 options, 1 programme, 2 rounds,
    // 3 awards, 1 budget, 2 spend lines, 6 indicators, 6 observations.
    let cases = [
        ("organisations", desc("NAME"), 20),
        ("areas", desc("NAME"), 7),
        ("themes", json!([{ "field": "NAME" }]), 7),
        ("fundingStreams", desc("NAME"), 5),
        ("services", json!([{ "field": "NAME" }]), 15),
        // Ties (SARC and CARA both end on 2027-03-31) straddle a page boundary.
        ("contracts", desc("CURRENT_END_DATE"), 6),
        (
            "extensionOptions",
            json!([{ "field": "LENGTH_MONTHS" }, { "field": "DECIDE_BY", "direction": "DESC" }]),
            4,
        ),
        ("grantProgrammes", desc("NAME"), 1),
        ("grantRounds", desc("NUMBER"), 2),
        ("grantAwards", desc("AMOUNT"), 3),
        ("budgets", desc("AMOUNT"), 1),
        ("spendLines", desc("FINANCIAL_YEAR"), 2),
        ("indicators", json!([{ "field": "NAME" }]), 6),
        // Three observations share 2022-04-01 as their start.
        (
            "observations",
            json!([{ "field": "PERIOD_START" }, { "field": "ID", "direction": "DESC" }]),
            6,
        ),
    ];
    for (field, order, rows) in cases {
        assert_eq!(page_through(&app, field, order).await, rows, "{field}");
    }
}

#[tokio::test]
async fn a_cursor_is_refused_with_another_ordering() {
    let app = TestApp::demo().await;
    let query = list_query("services", "code");
    let vars = json!({ "orderBy": [{ "field": "NAME" }], "first": 2 });
    let data = app.data(&query, vars).await;
    let cursor = data["services"]["pageInfo"]["endCursor"].clone();
    let vars = json!({ "orderBy": [{ "field": "CODE" }], "first": 2, "after": cursor });
    assert_eq!(refused(&app, &query, vars).await, "CURSOR_INVALID");
    let vars = json!({ "orderBy": [{ "field": "NAME", "direction": "DESC" }], "first": 2, "after": cursor });
    assert_eq!(refused(&app, &query, vars).await, "CURSOR_INVALID");
}

#[tokio::test]
async fn in_lists_over_100_values_are_refused() {
    let app = TestApp::demo().await;
    let wakefield = area(&app, "Wakefield").await;
    let ids: Vec<String> = (0..101).map(|_| wakefield.clone()).collect();
    let query = list_query("services", "code");
    let vars = json!({ "filter": { "area": { "in": ids } } });
    assert_eq!(refused(&app, &query, vars).await, "FILTER_LIST_TOO_LONG");
    let amounts: Vec<String> = (0..101).map(|i| format!("{i}.00")).collect();
    let query = list_query("grantAwards", "id");
    let vars = json!({ "filter": { "amount": { "notIn": amounts } } });
    assert_eq!(refused(&app, &query, vars).await, "FILTER_LIST_TOO_LONG");
    // 100 is the limit, not over it.
    let ids: Vec<String> = (0..100).map(|_| wakefield.clone()).collect();
    let query = list_query("services", "code");
    let data = app
        .data(&query, json!({ "filter": { "area": { "in": ids } } }))
        .await;
    assert_eq!(data["services"]["totalCount"], 3);
}

#[tokio::test]
async fn nesting_deeper_than_four_levels_is_refused() {
    let app = TestApp::demo().await;
    let mut filter = json!({ "kind": { "eq": "DISTRICT" } });
    for _ in 0..4 {
        filter = json!({ "and": [filter] });
    }
    let query = list_query("areas", "name");
    let data = app.data(&query, json!({ "filter": filter })).await;
    assert_eq!(data["areas"]["totalCount"], 5, "four levels are allowed");
    let deeper = json!({ "not": filter });
    assert_eq!(
        refused(&app, &query, json!({ "filter": deeper })).await,
        "FILTER_TOO_DEEP"
    );
    let mut mixed = json!({ "code": { "eq": "WYP-ACTIVE-SPO-CASES" } });
    for level in 0..5 {
        mixed = if level % 2 == 0 {
            json!({ "or": [mixed] })
        } else {
            json!({ "not": mixed })
        };
    }
    let query = list_query("indicators", "code");
    assert_eq!(
        refused(&app, &query, json!({ "filter": mixed })).await,
        "FILTER_TOO_DEEP"
    );
}

#[tokio::test]
async fn one_character_searches_and_ids_of_another_type_are_refused() {
    let app = TestApp::demo().await;
    for field in [
        "services",
        "organisations",
        "themes",
        "grantAwards",
        "indicators",
    ] {
        let query = list_query(field, "id");
        let vars = json!({ "filter": { "search": "a" } });
        assert_eq!(
            refused(&app, &query, vars).await,
            "SEARCH_LENGTH",
            "{field}"
        );
    }
    let wakefield = area(&app, "Wakefield").await;
    let query = list_query("spendLines", "id");
    let vars = json!({ "filter": { "fundingStream": { "eq": wakefield } } });
    assert_eq!(refused(&app, &query, vars).await, "ID_INVALID");
}

#[tokio::test]
async fn total_count_respects_the_filter_not_the_page() {
    let app = TestApp::demo().await;
    // 15 services, 11 without a parent programme; 20 organisations, 7 commissioners.
    let query = list_query("services", "code");
    let data = app.data(&query, json!({ "first": 1 })).await;
    assert_eq!(data["services"]["totalCount"], 15);
    let vars = json!({ "first": 1, "filter": { "parent": { "isNull": true } } });
    let data = app.data(&query, vars).await;
    assert_eq!(data["services"]["totalCount"], 11);
    assert_eq!(data["services"]["nodes"].as_array().unwrap().len(), 1);
    let query = list_query("organisations", "name");
    let vars = json!({ "first": 3, "filter": { "role": { "eq": "COMMISSIONER" } } });
    let data = app.data(&query, vars).await;
    assert_eq!(data["organisations"]["totalCount"], 7);
    assert_eq!(data["organisations"]["pageInfo"]["hasNextPage"], true);
}
