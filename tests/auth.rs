//! Access control over HTTP: API keys (missing, garbage, unknown, revoked),
//! public read, roles on a mutation, and `commtrack keys` through the binary.

mod common;

use api::auth::Role;
use api::http::SecurityOptions;
use common::TestApp;
use serde_json::{json, Value};

/// The SARC contract's start date: a fact of the demo data (1 April 2023).
const SARC_START: &str = r#"{ contract(reference: "WYCA-SARC-2023") { startDate } }"#;

/// A production server (keys required) holding the demo data.
async fn secured_demo() -> TestApp {
    let app = TestApp::secured(SecurityOptions {
        rate_limit_per_minute: None,
        ..SecurityOptions::default()
    })
    .await;
    api::seed::load_demo(&app.db)
        .await
        .expect("load the demo dataset");
    app
}

/// Sends `SARC_START` with an `Authorization` header value (or none).
async fn ask(app: &TestApp, authorization: Option<&str>) -> (u16, Value) {
    let mut request = app
        .client
        .post(format!("{}/graphql", app.base))
        .json(&json!({ "query": SARC_START }));
    if let Some(value) = authorization {
        request = request.header("authorization", value);
    }
    let response = request.send().await.expect("send");
    let status = response.status().as_u16();
    if status == 401 {
        assert_eq!(response.headers()["www-authenticate"], "Bearer");
    }
    (status, response.json().await.expect("a JSON body"))
}

fn assert_unauthenticated(status: u16, body: &Value, case: &str) {
    assert_eq!(status, 401, "{case}: {body}");
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
        "{case}: {body}"
    );
    assert!(body.get("data").is_none(), "{case}: no data at all: {body}");
}

#[tokio::test]
async fn without_public_read_only_a_valid_key_gets_in() {
    let app = secured_demo().await;
    let key = app.viewer_key().await;
    let (status, body) = ask(&app, Some(&format!("Bearer {key}"))).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["contract"]["startDate"], "2023-04-01");

    // The scheme is case-insensitive; the key is not.
    let (status, _) = ask(&app, Some(&format!("bearer {key}"))).await;
    assert_eq!(status, 200);
    let (prefix, secret) = key["ct_".len()..].split_once('_').unwrap();
    let wrong_secret = format!("ct_{prefix}_{}", "0".repeat(secret.len()));
    let unknown_prefix = format!("ct_{}_{secret}", "0".repeat(prefix.len()));
    for (case, header) in [
        ("missing", None),
        ("garbage", Some("Bearer nonsense".to_owned())),
        ("empty", Some("Bearer ".to_owned())),
        ("not bearer", Some(format!("Basic {key}"))),
        (
            "upper-cased key",
            Some(format!("Bearer {}", key.to_uppercase())),
        ),
        ("wrong secret", Some(format!("Bearer {wrong_secret}"))),
        ("unknown prefix", Some(format!("Bearer {unknown_prefix}"))),
    ] {
        let (status, body) = ask(&app, header.as_deref()).await;
        assert_unauthenticated(status, &body, case);
    }
}

#[tokio::test]
async fn a_revoked_key_stops_working_at_once() {
    let app = secured_demo().await;
    let key = app.analyst_key().await;
    let bearer = format!("Bearer {key}");
    assert_eq!(ask(&app, Some(&bearer)).await.0, 200);
    let id = api::store::api_keys::list(&app.db).await.unwrap()[0].key.id;
    let revoked = api::auth::keys::revoke(&app.db, id).await.unwrap();
    assert!(matches!(revoked, api::store::api_keys::Revoked::Now(_)));
    let (status, body) = ask(&app, Some(&bearer)).await;
    assert_unauthenticated(status, &body, "revoked");
    // Revoking again changes nothing.
    let again = api::auth::keys::revoke(&app.db, id).await.unwrap();
    assert!(matches!(again, api::store::api_keys::Revoked::Already(_)));
}

#[tokio::test]
async fn public_read_lets_anonymous_callers_read_but_refuses_a_bad_key() {
    let app = TestApp::demo().await;
    let (status, body) = ask(&app, None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["contract"]["startDate"], "2023-04-01");
    let (status, body) = ask(&app, Some("Bearer ct_garbage")).await;
    assert_unauthenticated(status, &body, "garbage key on a public-read server");
}

#[tokio::test]
async fn graphiql_and_health_need_no_key_but_get_queries_do() {
    let app = secured_demo().await;
    let page = app
        .client
        .get(format!("{}/graphql", app.base))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    let asset = html
        .split('"')
        .find(|part| part.starts_with("/graphiql/assets/"))
        .expect("an asset");
    let asset = app
        .client
        .get(format!("{}{asset}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(asset.status(), 200);
    let health = app
        .client
        .get(format!("{}/healthz", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    let query = app
        .client
        .get(format!("{}/graphql?query=%7B__typename%7D", app.base))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(query.status(), 401, "a query in the URL is not the page");
}

const CREATE_ORGANISATION: &str = "mutation($name: String!) { createOrganisation(input: { name: $name, kind: CHARITY }) { organisation { name } userErrors { code } } }";

async fn organisation_count(app: &TestApp) -> u64 {
    use sea_orm::{EntityTrait, PaginatorTrait};
    entity::organisation::Entity::find()
        .count(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn only_an_admin_may_create_an_organisation() {
    let app = TestApp::demo().await;
    let before = organisation_count(&app).await;
    let variables = json!({ "name": "Keyholders Trust" });
    for (role, key) in [
        ("viewer", app.viewer_key().await),
        ("analyst", app.analyst_key().await),
        ("commissioner", app.commissioner_key("NHS England").await),
    ] {
        let response = app
            .graphql_as(&key, CREATE_ORGANISATION, variables.clone())
            .await;
        assert_eq!(
            response["errors"][0]["extensions"]["code"], "FORBIDDEN",
            "{role}: {response}"
        );
        assert_eq!(
            organisation_count(&app).await,
            before,
            "{role} changed nothing"
        );
    }
    // Anonymous callers of a public-read server are readers only.
    let response = app.graphql(CREATE_ORGANISATION, variables.clone()).await;
    assert_eq!(
        response["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{response}"
    );
    assert!(
        response["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("Bearer"),
        "says what would help: {response}"
    );
    assert_eq!(organisation_count(&app).await, before);

    let admin = app.admin_key().await;
    let response = app.graphql_as(&admin, CREATE_ORGANISATION, variables).await;
    assert_eq!(
        response["data"]["createOrganisation"]["organisation"]["name"], "Keyholders Trust",
        "{response}"
    );
    assert_eq!(organisation_count(&app).await, before + 1);
}

/// Runs `commtrack ARGS --database-url URL` and returns (success, stdout, stderr).
fn commtrack(args: &[&str], database_url: &str) -> (bool, String, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_commtrack"))
        .args(args)
        .args(["--database-url", database_url])
        .env("COMMTRACK_LOG", "warn")
        .output()
        .expect("run commtrack");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[tokio::test]
async fn keys_are_created_listed_and_revoked_on_the_command_line() {
    let app = secured_demo().await;
    let url = app.database_url.clone();
    let (ok, stdout, stderr) = commtrack(
        &[
            "keys",
            "create",
            "--name",
            "finance dashboard",
            "--role",
            "viewer",
        ],
        &url,
    );
    assert!(ok, "{stderr}");
    assert!(stderr.contains("shown only this once"), "{stderr}");
    let key = stdout.trim().to_owned();
    assert_eq!(key.len(), 80, "ct_ + 12 + _ + 64: {key}");
    assert_eq!(ask(&app, Some(&format!("Bearer {key}"))).await.0, 200);

    // A commissioner key needs an organisation, and a real one.
    let (ok, _, stderr) = commtrack(
        &["keys", "create", "--name", "nhs", "--role", "commissioner"],
        &url,
    );
    assert!(!ok && stderr.contains("organisation"), "{stderr}");
    let (ok, _, stderr) = commtrack(
        &[
            "keys",
            "create",
            "--name",
            "nhs",
            "--role",
            "commissioner",
            "--organisation",
            "No Such Body",
        ],
        &url,
    );
    assert!(!ok && stderr.contains("No Such Body"), "{stderr}");
    let (ok, _, stderr) = commtrack(&["keys", "create", "--name", "x", "--role", "owner"], &url);
    assert!(!ok && stderr.contains("owner"), "{stderr}");
    let (ok, _, stderr) = commtrack(
        &[
            "keys",
            "create",
            "--name",
            "nhs",
            "--role",
            "commissioner",
            "--organisation",
            "NHS England",
        ],
        &url,
    );
    assert!(ok, "{stderr}");

    let (ok, listing, stderr) = commtrack(&["keys", "list"], &url);
    assert!(ok, "{stderr}");
    let rows: Vec<Vec<&str>> = listing
        .lines()
        .skip(1)
        .map(|l| l.split('\t').collect())
        .collect();
    assert_eq!(rows.len(), 2, "{listing}");
    assert_eq!(
        &rows[0][1..5],
        &[&key[..15], "viewer", "finance dashboard", "-"]
    );
    assert_eq!(&rows[1][2..5], &["commissioner", "nhs", "NHS England"]);
    assert_eq!(rows[0][6], "active");
    assert!(
        !listing.contains(&key[16..]),
        "the secret is never shown again"
    );

    let id = rows[0][0];
    let (ok, stdout, stderr) = commtrack(&["keys", "revoke", id], &url);
    assert!(ok && stdout.contains("revoked key"), "{stdout}{stderr}");
    let (status, body) = ask(&app, Some(&format!("Bearer {key}"))).await;
    assert_unauthenticated(status, &body, "revoked on the command line");
    let (_, listing, _) = commtrack(&["keys", "list"], &url);
    assert!(
        listing.lines().nth(1).unwrap().contains("\trevoked "),
        "{listing}"
    );
    let (ok, stdout, _) = commtrack(&["keys", "revoke", id], &url);
    assert!(ok && stdout.contains("already revoked"), "{stdout}");
    let (ok, _, stderr) = commtrack(&["keys", "revoke", "99999"], &url);
    assert!(!ok && stderr.contains("no key 99999"), "{stderr}");
}

#[tokio::test]
async fn every_role_can_be_issued_and_read_with() {
    let app = secured_demo().await;
    for role in Role::ALL {
        let organisation = (role == Role::Commissioner).then_some("NHS England");
        let key = app.create_key(role, organisation).await;
        let (status, body) = ask(&app, Some(&format!("Bearer {key}"))).await;
        assert_eq!(status, 200, "{role}: {body}");
        assert_eq!(
            body["data"]["contract"]["startDate"], "2023-04-01",
            "{role}"
        );
    }
}
