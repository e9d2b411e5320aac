//! CSV import: `POST /import/{kind}` and `commtrack import`, on the demo
//! data. Every bad input (malformed rows, a wrong encoding, an unknown kind
//! or reference, a body over the limit, a key without the role) gets a coded
//! error and leaves every table exactly as it was (`support::snapshot`).

mod common;

#[path = "import/cli.rs"]
mod cli;
#[path = "import/http.rs"]
mod http;
#[path = "import/kinds.rs"]
mod kinds;
#[path = "mutations/support.rs"]
mod support;

use serde_json::Value;

use common::TestApp;

/// Posts `body` as a `kind` CSV file with `key`; returns the status and JSON body.
pub async fn import(
    app: &TestApp,
    key: Option<&str>,
    kind: &str,
    dry_run: bool,
    body: impl Into<reqwest::Body>,
) -> (u16, Value) {
    let mut request = app
        .client
        .post(format!("{}/import/{kind}?dryRun={dry_run}", app.base))
        .header("content-type", "text/csv")
        .body(body);
    if let Some(key) = key {
        request = request.bearer_auth(key);
    }
    let response = request.send().await.expect("send the file");
    let status = response.status().as_u16();
    let text = response.text().await.expect("read the answer");
    let body = serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"));
    (status, body)
}

/// How many rows `table` holds.
pub async fn count(app: &TestApp, table: &str) -> i64 {
    use sea_orm::{ConnectionTrait, Statement};
    let statement = Statement::from_string(
        app.db.get_database_backend(),
        format!("SELECT COUNT(*) AS n FROM {table}"),
    );
    let row = app
        .db
        .query_one_raw(statement)
        .await
        .expect("count")
        .expect("a row");
    row.try_get::<i64>("", "n").expect("a count")
}

/// The `(line, column, code)` of each listed row error.
pub fn errors(report: &Value) -> Vec<(u64, Option<String>, String)> {
    report["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("no errors in {report}"))
        .iter()
        .map(|e| {
            (
                e["line"].as_u64().unwrap(),
                e["column"].as_str().map(str::to_owned),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// `(line, Some(column), code)`, for comparing with [`errors`].
pub fn at(line: u64, column: &str, code: &str) -> (u64, Option<String>, String) {
    (line, Some(column.to_owned()), code.to_owned())
}
