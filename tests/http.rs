//! The HTTP surface: health, GraphiQL served offline, request ids, page bounds.

mod common;

use common::TestApp;
use serde_json::json;

#[tokio::test]
async fn healthz_answers() {
    let app = TestApp::empty().await;
    let response = app
        .client
        .get(format!("{}/healthz", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "ok");
}

#[tokio::test]
async fn browsers_get_graphiql_with_local_assets_only() {
    let app = TestApp::empty().await;
    let page = app
        .client
        .get(format!("{}/graphql", app.base))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("graphiql"), "not the GraphiQL page");
    assert!(
        !html.contains("https://") && !html.contains("http://"),
        "GraphiQL must not load from a CDN"
    );
    let asset = html
        .split('"')
        .find(|part| part.starts_with("/graphiql/assets/") && part.ends_with(".js"))
        .expect("the page loads its scripts from this server");
    let script = app
        .client
        .get(format!("{}{asset}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(script.status(), 200);
    assert!(script.bytes().await.unwrap().len() > 1000);
}

#[tokio::test]
async fn every_response_carries_a_request_id() {
    let app = TestApp::empty().await;
    let response = app
        .client
        .post(format!("{}/graphql", app.base))
        .json(&json!({ "query": "{ __typename }" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let id = response
        .headers()
        .get("x-request-id")
        .expect("a request id")
        .to_str()
        .unwrap();
    assert_eq!(id.len(), 36, "a UUID: {id}");
}

#[tokio::test]
async fn page_size_is_bounded_with_a_clear_error() {
    let app = TestApp::demo().await;
    for first in [0, 101] {
        let response = app
            .graphql(
                "query($first: Int) { contracts(first: $first) { nodes { reference } } }",
                json!({ "first": first }),
            )
            .await;
        let error = &response["errors"][0];
        assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT", "{response}");
        assert_eq!(error["extensions"]["rule"], "PAGE_SIZE_OUT_OF_RANGE");
        assert!(
            error["message"].as_str().unwrap().starts_with("first:"),
            "{error}"
        );
    }
}

#[tokio::test]
async fn pages_follow_cursors_without_gaps_and_count_only_when_asked() {
    let app = TestApp::demo().await;
    let query = "query($after: String) { organisations(first: 5, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { name } } }";
    let mut after = serde_json::Value::Null;
    let mut seen = Vec::new();
    let total = loop {
        let data = app.data(query, json!({ "after": after })).await;
        let page = &data["organisations"];
        let total = page["totalCount"].as_u64().unwrap();
        seen.extend(
            page["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n["name"].as_str().unwrap().to_owned()),
        );
        if !page["pageInfo"]["hasNextPage"].as_bool().unwrap() {
            break total;
        }
        after = page["pageInfo"]["endCursor"].clone();
    };
    assert_eq!(seen.len() as u64, total);
    let unique: std::collections::HashSet<_> = seen.iter().collect();
    assert_eq!(
        unique.len(),
        seen.len(),
        "no organisation repeats across pages"
    );
    assert!(total >= 20);
}

#[tokio::test]
async fn dates_refuse_json_numbers() {
    let app = TestApp::demo().await;
    let response = app
        .graphql(
            "query($d: Date) { contracts { nodes { currentEndDate(asOf: $d) } } }",
            json!({ "d": 20230401 }),
        )
        .await;
    assert!(
        response["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("Date"),
        "{response}"
    );
}

#[tokio::test]
async fn metrics_count_requests_by_operation_statements_and_the_pool() {
    // `TestApp::demo()` serves no `/metrics`: this one does, on the demo data.
    let app = TestApp::start_with(|_| {}, api::http::ServerOptions::default()).await;
    api::seed::load_demo(&app.db)
        .await
        .expect("load the demo dataset");
    // The sum of a metric's series whose labels include every one of `labels`.
    let sum = |text: &str, name: &str, labels: &[&str]| -> f64 {
        text.lines()
            .filter(|line| {
                line.strip_prefix(name)
                    .is_some_and(|rest| rest.starts_with(['{', ' ']))
                    && labels.iter().all(|label| line.contains(label))
            })
            .filter_map(|line| line.rsplit(' ').next()?.parse::<f64>().ok())
            .sum()
    };
    let read = || async {
        let response = app
            .client
            .get(format!("{}/metrics", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.headers()["content-type"],
            "text/plain; version=0.0.4; charset=utf-8"
        );
        response.text().await.unwrap()
    };
    let before = read().await;
    app.data(
        "query FirstContracts { contracts(first: 5) { nodes { reference provider { name } } } }",
        json!({}),
    )
    .await;
    app.data("{ __typename }", json!({})).await;
    let after = read().await;
    assert_eq!(
        sum(&after, "commtrack_sql_statements_total", &[])
            - sum(&before, "commtrack_sql_statements_total", &[]),
        2.0,
        "one page query and one batched provider query"
    );
    let named = [
        r#"route="/graphql""#,
        r#"operation="FirstContracts""#,
        r#"status="200""#,
    ];
    assert_eq!(sum(&after, "commtrack_http_requests_total", &named), 1.0);
    assert_eq!(
        sum(
            &after,
            "commtrack_http_requests_total",
            &[r#"operation="anonymous""#]
        ),
        1.0
    );
    assert_eq!(
        sum(
            &after,
            "commtrack_http_request_duration_seconds_count",
            &[r#"operation="FirstContracts""#]
        ),
        1.0
    );
    assert!(
        sum(
            &after,
            "commtrack_http_requests_total",
            &[r#"route="/metrics""#]
        ) >= 1.0
    );
    assert!(sum(&after, "commtrack_db_pool_max_connections", &[]) >= 1.0);
    assert!(after.contains(r#"commtrack_db_pool_connections{state="idle"}"#));

    let off = TestApp::start_with(
        |_| {},
        api::http::ServerOptions {
            metrics: false,
            ..api::http::ServerOptions::default()
        },
    )
    .await;
    let response = off
        .client
        .get(format!("{}/metrics", off.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404, "metrics can be turned off");
}

#[tokio::test]
async fn readyz_answers_503_once_the_database_is_gone_while_healthz_stays_up() {
    let app = TestApp::empty().await;
    let get = |path: &'static str| {
        let client = app.client.clone();
        let url = format!("{}{path}", app.base);
        async move {
            let response = client.get(url).send().await.unwrap();
            (response.status().as_u16(), response.text().await.unwrap())
        }
    };
    assert_eq!(get("/readyz").await, (200, "ready".to_owned()));
    // The server shares this pool: closing it takes the database away.
    app.db.close_by_ref().await.unwrap();
    assert_eq!(
        get("/readyz").await,
        (503, "database unavailable".to_owned())
    );
    assert_eq!(get("/healthz").await.0, 200, "the process is still alive");
}
