//! Limits and hostile requests: depth, cost, aliases, nested introspection
//! (while GraphiQL's own schema query passes), body size, batches, mutations
//! over GET, non-JSON bodies, the rate limit, introspection and suggestions
//! switches, media types, and error codes without SQL or driver text.

mod common;

use std::num::NonZeroU32;

use api::http::SecurityOptions;
use common::TestApp;
use serde_json::{json, Value};

/// Text that must never reach a client: SQL, driver and database names
/// (SQL keywords in capitals, so that "selection" in a parse error passes).
const INTERNALS: [&str; 5] = ["SELECT", "sqlx", "sqlite", "postgres", "syntax"];

fn assert_no_internals(body: &str) {
    for word in INTERNALS {
        let found = if word == "SELECT" {
            body.contains(word)
        } else {
            body.to_lowercase().contains(word)
        };
        assert!(!found, "{word:?} in {body}");
    }
}

/// POSTs `body` (already serialised) with `content_type` and `accept`,
/// returning (status, content type, body text); the text is checked for internals.
async fn post_raw(
    app: &TestApp,
    body: String,
    content_type: &str,
    accept: Option<&str>,
) -> (u16, String, String) {
    let mut request = app
        .client
        .post(format!("{}/graphql", app.base))
        .header("content-type", content_type)
        .body(body);
    if let Some(accept) = accept {
        request = request.header("accept", accept);
    }
    let response = request.send().await.expect("send");
    let status = response.status().as_u16();
    let media = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let text = response.text().await.expect("a body");
    assert_no_internals(&text);
    (status, media, text)
}

/// POSTs a query as JSON and returns (status, JSON body).
async fn post(app: &TestApp, query: &str) -> (u16, Value) {
    let (status, _, text) = post_raw(
        app,
        json!({ "query": query }).to_string(),
        "application/json",
        None,
    )
    .await;
    (status, serde_json::from_str(&text).expect("a JSON body"))
}

fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_default()
}

#[tokio::test]
async fn too_deep_too_complex_and_too_many_aliases_are_refused_before_running() {
    let app = TestApp::demo().await;

    // Eleven `parent` levels below `organisation`: depth 12 > 10.
    let deep = format!(
        r#"{{ organisation(name: "NHS England") {{ {} name {} }} }}"#,
        "parent { ".repeat(11),
        "}".repeat(11)
    );
    let (status, body) = post(&app, &deep).await;
    assert_eq!((status, code(&body)), (200, "QUERY_TOO_DEEP"), "{body}");
    assert!(
        body.get("data").is_none(),
        "refused before execution: {body}"
    );

    // 1 + 100 rows × (1 + 100 fields) = 10,101 > 10,000.
    let wide = format!(
        "{{ contracts(first: 100) {{ nodes {{ {} }} }} }}",
        "reference ".repeat(100)
    );
    let (_, body) = post(&app, &wide).await;
    assert_eq!(code(&body), "QUERY_TOO_COMPLEX", "{body}");
    // The same page with 99 fields costs 10,001... and with 98, 9,901: allowed.
    let fits = format!(
        "{{ contracts(first: 100) {{ nodes {{ {} }} }} }}",
        "reference ".repeat(98)
    );
    let (_, body) = post(&app, &fits).await;
    assert!(body.get("errors").is_none(), "{body}");

    let aliases: String = (0..1000).map(|i| format!("a{i}: __typename ")).collect();
    let (_, body) = post(&app, &format!("{{ {aliases} }}")).await;
    assert_eq!(code(&body), "TOO_MANY_ALIASES", "{body}");
    let fifty: String = (0..50).map(|i| format!("a{i}: __typename ")).collect();
    let (_, body) = post(&app, &format!("{{ {fifty} }}")).await;
    assert_eq!(
        body["data"]["a49"], "QueryRoot",
        "50 aliases are allowed: {body}"
    );
}

#[tokio::test]
async fn graphiql_fetches_the_schema_with_every_limit_on() {
    let app = TestApp::demo().await;
    // The exact query GraphiQL 4.1.2 (the embedded one) sends, extracted
    // from its bundle with its default options.
    let query = include_str!("fixtures/graphiql_introspection.graphql");
    let body = json!({ "query": query, "operationName": "IntrospectionQuery" });
    let response = app.post_as(None, &body).await;
    assert_eq!(response.status(), 200);
    let response: Value = response.json().await.unwrap();
    assert!(response.get("errors").is_none(), "{response}");
    let types = response["data"]["__schema"]["types"].as_array().unwrap();
    assert!(types.iter().any(|t| t["name"] == "Contract"));
    assert_eq!(
        response["data"]["__schema"]["queryType"]["name"],
        "QueryRoot"
    );

    // The type cycle, three lists deep, is refused.
    let attack =
        "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }";
    let (_, body) = post(&app, attack).await;
    assert_eq!(code(&body), "INTROSPECTION_TOO_DEEP", "{body}");
}

#[tokio::test]
async fn introspection_and_suggestions_are_off_in_production() {
    let app = TestApp::secured(SecurityOptions {
        public_read: true,
        rate_limit_per_minute: None,
        ..SecurityOptions::default()
    })
    .await;
    for query in [
        "{ __schema { types { name } } }",
        "{ __type(name: \"Contract\") { name } }",
        "{ ...F } fragment F on QueryRoot { __schema { queryType { name } } }",
    ] {
        let (_, body) = post(&app, query).await;
        assert_eq!(code(&body), "INTROSPECTION_DISABLED", "{body}");
        assert!(body.get("data").is_none(), "{body}");
    }
    let (_, body) = post(&app, "{ __typename }").await;
    assert_eq!(
        body["data"]["__typename"], "QueryRoot",
        "not introspection: {body}"
    );
    let (_, body) = post(&app, "{ contrac(reference: \"x\") { title } }").await;
    assert_eq!(code(&body), "GRAPHQL_VALIDATION_FAILED", "{body}");
    assert!(!body.to_string().contains("Did you mean"), "{body}");

    // Demo servers (and the tests' default) keep both, for GraphiQL.
    let demo = TestApp::empty().await;
    let (_, body) = post(&demo, "{ contrac(reference: \"x\") { title } }").await;
    assert!(body.to_string().contains("Did you mean"), "{body}");
    let (_, body) = post(&demo, "{ __schema { queryType { name } } }").await;
    assert_eq!(body["data"]["__schema"]["queryType"]["name"], "QueryRoot");
}

#[tokio::test]
async fn hostile_http_requests_are_refused_with_codes() {
    let app = TestApp::demo().await;

    // Over 256 KiB: 413.
    let padding = " ".repeat(300 * 1024);
    let big = format!(r#"{{"query": "{{ __typename {padding} }}"}}"#);
    let (status, media, text) = post_raw(&app, big, "application/json", None).await;
    assert_eq!(status, 413, "{text}");
    assert_eq!(media, "application/json");
    assert!(text.contains("PAYLOAD_TOO_LARGE"), "{text}");

    // A batch: 400.
    let batch = json!([{ "query": "{ __typename }" }, { "query": "{ __typename }" }]).to_string();
    let (status, _, text) = post_raw(&app, batch, "application/json", None).await;
    assert_eq!(status, 400, "{text}");
    assert!(text.contains("BATCH_NOT_SUPPORTED"), "{text}");

    // Not JSON: 415, whatever the body.
    for content_type in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
    ] {
        let body = json!({ "query": "{ __typename }" }).to_string();
        let (status, _, text) = post_raw(&app, body, content_type, None).await;
        assert_eq!(status, 415, "{content_type}: {text}");
        assert!(text.contains("UNSUPPORTED_MEDIA_TYPE"), "{text}");
    }
    // JSON that is not a GraphQL request: 400.
    let (status, _, text) =
        post_raw(&app, "{\"query\": 3".to_owned(), "application/json", None).await;
    assert_eq!(status, 400, "{text}");
    assert!(text.contains("BAD_REQUEST"), "{text}");

    // A mutation over GET: 405, even one that would fail validation anyway.
    let url = format!(
        "{}/graphql?query=mutation%20%7B%20createOrganisation(input%3A%20%7Bname%3A%20%22X%22%2C%20kind%3A%20CHARITY%7D)%20%7B%20userErrors%20%7B%20code%20%7D%20%7D%20%7D",
        app.base
    );
    let response = app.client.get(url).send().await.unwrap();
    assert_eq!(response.status(), 405);
    assert_eq!(response.headers()["allow"], "POST");
    let text = response.text().await.unwrap();
    assert!(text.contains("METHOD_NOT_ALLOWED"), "{text}");
    // A query over GET runs.
    let response = app
        .client
        .get(format!("{}/graphql?query=%7B__typename%7D", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.json::<Value>().await.unwrap()["data"]["__typename"],
        "QueryRoot"
    );
}

#[tokio::test]
async fn graphql_response_json_is_used_when_accepted() {
    let app = TestApp::demo().await;
    let body = json!({ "query": "{ __typename }" }).to_string();
    let accept = Some("application/graphql-response+json, application/json;q=0.9");
    let (status, media, text) = post_raw(&app, body, "application/json", accept).await;
    assert_eq!(status, 200, "{text}");
    assert_eq!(media, "application/graphql-response+json; charset=utf-8");
    // With it, a request refused before execution is a 400 without data...
    let body = json!({ "query": "{ nope }" }).to_string();
    let (status, _, text) = post_raw(&app, body.clone(), "application/json", accept).await;
    assert_eq!(status, 400, "{text}");
    let parsed: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(code(&parsed), "GRAPHQL_VALIDATION_FAILED");
    assert!(parsed.get("data").is_none(), "{text}");
    // ...and with plain JSON, a 200, as clients before the spec expect.
    let (status, media, _) = post_raw(&app, body, "application/json", None).await;
    assert_eq!((status, media.as_str()), (200, "application/json"));
    // A parse error has its own code.
    let (_, body) = post(&app, "{ contracts { ").await;
    assert_eq!(code(&body), "GRAPHQL_PARSE_FAILED", "{body}");
}

#[tokio::test]
async fn the_rate_limit_is_per_key_and_per_address() {
    let app = TestApp::secured(SecurityOptions {
        public_read: true,
        rate_limit_per_minute: NonZeroU32::new(3),
        ..SecurityOptions::default()
    })
    .await;
    let query = json!({ "query": "{ __typename }" });
    let first = app.viewer_key().await;
    for _ in 0..3 {
        assert_eq!(app.post_as(Some(&first), &query).await.status(), 200);
    }
    let limited = app.post_as(Some(&first), &query).await;
    assert_eq!(limited.status(), 429);
    let wait: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    // Three a minute: one more every 20 s.
    assert!((1..=20).contains(&wait), "{wait}");
    let body: Value = limited.json().await.unwrap();
    assert_eq!(code(&body), "RATE_LIMITED", "{body}");
    // Another key has its own allowance; anonymous callers share their address's.
    let second = app.viewer_key().await;
    assert_eq!(app.post_as(Some(&second), &query).await.status(), 200);
    for _ in 0..3 {
        assert_eq!(app.post_as(None, &query).await.status(), 200);
    }
    assert_eq!(app.post_as(None, &query).await.status(), 429);
    // Bad keys are charged to the address too, so guessing is throttled.
    let response = app.post_as(Some("ct_guess"), &query).await;
    assert_eq!(response.status(), 429);
}

#[tokio::test]
async fn bad_input_errors_carry_codes_and_no_internals() {
    let app = TestApp::demo().await;
    let cases = [
        // An argument of the wrong type, a malformed scalar, an unknown operation.
        (
            r#"{ contracts(first: "ten") { totalCount } }"#,
            "GRAPHQL_VALIDATION_FAILED",
        ),
        (
            r#"{ contracts { nodes { currentEndDate(asOf: "2023-13-45") } } }"#,
            "BAD_USER_INPUT",
        ),
        (
            r#"{ contract(reference: "NO-SUCH-CONTRACT'; SELECT 1; --") { title } }"#,
            "",
        ),
    ];
    for (query, expected) in cases {
        let (_, body) = post(&app, query).await;
        if expected.is_empty() {
            // Not found is not an error here: the lookup is nullable.
            assert!(body["data"]["contract"].is_null(), "{body}");
        } else {
            assert_eq!(code(&body), expected, "{query}: {body}");
        }
    }
    let response = app
        .post_as(
            None,
            &json!({ "query": "query A { __typename }", "operationName": "B" }),
        )
        .await
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(code(&response), "BAD_REQUEST", "{response}");
}

#[tokio::test]
async fn a_fragment_bomb_is_refused_at_once() {
    let app = TestApp::demo().await;
    // 28 fragments each spreading the next twice: 2^28 selections if expanded,
    // which async-graphql's own post-parse check would walk one by one.
    let mut query = "{ ...F0 } ".to_owned();
    for i in 0..28 {
        query.push_str(&format!(
            "fragment F{i} on QueryRoot {{ ...F{} ...F{} }} ",
            i + 1,
            i + 1
        ));
    }
    query.push_str("fragment F28 on QueryRoot { __typename }");
    let started = std::time::Instant::now();
    let (_, body) = post(&app, &query).await;
    assert_eq!(code(&body), "QUERY_TOO_COMPLEX", "{body}");
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}
