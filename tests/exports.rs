//! Open-data exports: OCDS release packages of contracts and 360Giving data
//! of grant rounds, over HTTP and on the command line, validated against
//! the standards' schemas (copied in `tests/fixtures/schemas/`) with a real
//! JSON Schema validator, on the demo data and on a generated dataset; the
//! budget breakdown checked to the penny against `costShareLiabilities`;
//! every bad input refused with a code, and nothing changed.

mod common;

#[path = "exports/cli.rs"]
mod cli;
#[path = "exports/errors.rs"]
mod errors;
#[path = "exports/giving.rs"]
mod giving;
#[path = "exports/ocds.rs"]
mod ocds;
#[path = "exports/schemas.rs"]
mod schemas;

use common::TestApp;

/// GETs `path` with `key` (if any) and returns the status and the body.
pub async fn get(app: &TestApp, path: &str, key: Option<&str>) -> (u16, String) {
    let mut request = app.client.get(format!("{}{path}", app.base));
    if let Some(key) = key {
        request = request.bearer_auth(key);
    }
    let response = request.send().await.expect("send the request");
    let status = response.status().as_u16();
    (status, response.text().await.expect("a body"))
}

/// GETs `path` as an analyst, expects 200, and returns the body.
pub async fn export(app: &TestApp, key: &str, path: &str) -> String {
    let (status, body) = get(app, path, Some(key)).await;
    assert_eq!(status, 200, "{path}: {body}");
    body
}

/// A generated dataset small enough for a test, with every kind of row.
pub async fn generated() -> TestApp {
    let app = TestApp::empty().await;
    let scale = api::seed::generate::Scale {
        organisations: 30,
        services: 25,
        contracts: 80,
        spend_lines: 50,
        observations: 400,
        grant_awards: 60,
    };
    api::seed::generate::generate(&app.db, scale, 11)
        .await
        .expect("a small generated dataset");
    app
}
