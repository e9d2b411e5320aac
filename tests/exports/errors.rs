//! Bad input to every export is refused with a code and changes nothing:
//! no key on a closed server (401), a viewer key (403), an unknown contract,
//! programme or round (404), a bad prefix, date or parameter (400).

use serde_json::Value;

use crate::common::TestApp;
use crate::get;

/// A production server (keys required, no rate limit) with the demo data.
async fn closed_demo() -> TestApp {
    let app = TestApp::secured(api::http::SecurityOptions {
        rate_limit_per_minute: None,
        ..api::http::SecurityOptions::default()
    })
    .await;
    api::seed::load_demo(&app.db).await.expect("the demo");
    app
}

fn code(body: &str) -> (String, Option<String>) {
    let body: Value = serde_json::from_str(body).unwrap_or_else(|_| panic!("JSON: {body}"));
    let extensions = &body["errors"][0]["extensions"];
    (
        extensions["code"].as_str().unwrap_or_default().to_owned(),
        extensions["rule"].as_str().map(str::to_owned),
    )
}

const PATHS: [&str; 4] = [
    "/export/ocds.json",
    "/export/360giving.json?programme=Mayor%27s%20Safer%20Communities%20Fund",
    "/export/360giving.csv?programme=Mayor%27s%20Safer%20Communities%20Fund",
    "/export/360giving-rounds.csv?programme=Mayor%27s%20Safer%20Communities%20Fund",
];

#[tokio::test]
async fn exports_need_an_analyst_key() {
    let app = closed_demo().await;
    let viewer = app.viewer_key().await;
    let analyst = app.analyst_key().await;
    let admin = app.admin_key().await;
    for path in PATHS {
        let (status, body) = get(&app, path, None).await;
        assert_eq!(
            (status, code(&body).0.as_str()),
            (401, "UNAUTHENTICATED"),
            "{path}"
        );
        let (status, body) = get(&app, path, Some(&viewer)).await;
        assert_eq!(
            (status, code(&body).0.as_str()),
            (403, "FORBIDDEN"),
            "{path}"
        );
        assert!(body.contains("analyst"), "{body}");
        assert_eq!(get(&app, path, Some(&analyst)).await.0, 200, "{path}");
        assert_eq!(get(&app, path, Some(&admin)).await.0, 200, "{path}");
    }
    // A browser's Accept header does not open an export (only GraphiQL's page).
    let response = app
        .client
        .get(format!("{}/export/ocds.json", app.base))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 401);
}

#[tokio::test]
async fn anonymous_readers_of_a_public_server_may_not_export() {
    let app = TestApp::demo().await;
    let (status, body) = get(&app, PATHS[0], None).await;
    assert_eq!((status, code(&body).0.as_str()), (403, "FORBIDDEN"));
}

#[tokio::test]
async fn bad_input_is_refused_with_a_code_and_changes_nothing() {
    let app = TestApp::demo().await;
    let key = app.analyst_key().await;
    let before = api::store::data_version::current(&app.db).await.unwrap();
    let fund = "programme=Mayor%27s%20Safer%20Communities%20Fund";
    let cases: Vec<(String, u16, &str, Option<&str>)> = vec![
        (
            "/export/ocds.json?contract=NO-SUCH-REF".into(),
            404,
            "NOT_FOUND",
            None,
        ),
        (
            "/export/ocds.json?ocidPrefix=OCDS-Bad".into(),
            400,
            "BAD_USER_INPUT",
            Some("OCID_PREFIX_INVALID"),
        ),
        (
            "/export/ocds.json?ocidPrefix=".into(),
            400,
            "BAD_USER_INPUT",
            Some("OCID_PREFIX_INVALID"),
        ),
        (
            "/export/ocds.json?asOf=2024-13-01".into(),
            400,
            "BAD_USER_INPUT",
            Some("DATE_MALFORMED"),
        ),
        (
            "/export/ocds.json?publishedDate=yesterday".into(),
            400,
            "BAD_USER_INPUT",
            Some("DATETIME_MALFORMED"),
        ),
        (
            "/export/ocds.json?contrat=WYCA-SARC-2023".into(),
            400,
            "BAD_USER_INPUT",
            Some("PARAMETER_UNKNOWN"),
        ),
        (
            "/export/360giving.json?programme=No%20Such%20Fund".into(),
            404,
            "NOT_FOUND",
            None,
        ),
        (
            format!("/export/360giving.csv?{fund}&round=9"),
            404,
            "NOT_FOUND",
            None,
        ),
        (
            format!("/export/360giving.json?{fund}&round=four"),
            400,
            "BAD_USER_INPUT",
            Some("ROUND_MALFORMED"),
        ),
        (
            format!("/export/360giving.json?{fund}&identifierPrefix=GB-COH"),
            400,
            "BAD_USER_INPUT",
            Some("GRANT_PREFIX_INVALID"),
        ),
        (
            "/export/360giving.csv?round=4".into(),
            400,
            "BAD_USER_INPUT",
            Some("PROGRAMME_REQUIRED"),
        ),
        // Round 1 records no awards: no valid package can be made.
        (
            format!("/export/360giving.json?{fund}&round=1"),
            404,
            "NOT_FOUND",
            None,
        ),
    ];
    for (path, status, expected, rule) in cases {
        let (got, body) = get(&app, &path, Some(&key)).await;
        assert_eq!(got, status, "{path}: {body}");
        let (got_code, got_rule) = code(&body);
        assert_eq!(got_code, expected, "{path}: {body}");
        assert_eq!(got_rule.as_deref(), rule, "{path}: {body}");
        let message = serde_json::from_str::<Value>(&body).unwrap()["errors"][0]["message"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(
            !message.is_empty() && !message.contains("SELECT"),
            "{message}"
        );
    }
    let after = api::store::data_version::current(&app.db).await.unwrap();
    assert_eq!(before, after, "a refused export changed the data");
}
