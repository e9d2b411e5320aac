//! The test harness: each test gets its own fresh database (an SQLite file by
//! default, a new PostgreSQL database when `TEST_DATABASE_URL` is set) and
//! its own server on `127.0.0.1:0`, queried over real HTTP.

#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use serde_json::{json, Value};

/// A running server on a throwaway database.
pub struct TestApp {
    /// The server's base URL, e.g. `http://127.0.0.1:41234`.
    pub base: String,
    /// A client for it.
    pub client: reqwest::Client,
    /// The database the server uses (for direct checks).
    pub db: DatabaseConnection,
    /// That database's URL (for running the `commtrack` binary on it).
    pub database_url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    SqliteFile(PathBuf),
    PostgresDatabase { admin_url: String, name: String },
}

impl TestApp {
    /// A server on an empty, migrated database.
    pub async fn empty() -> TestApp {
        TestApp::start(|_| {}).await
    }

    /// A server on an empty, migrated database whose connection pool is
    /// first adjusted by `configure` (e.g. to count SQL statements). Its
    /// `/metrics` is off: serving them takes the pool's one metric callback.
    pub async fn start(configure: impl FnOnce(&mut DatabaseConnection)) -> TestApp {
        let options = api::http::ServerOptions {
            metrics: false,
            ..api::http::ServerOptions::default()
        };
        TestApp::start_with(configure, options).await
    }

    /// A server on an empty, migrated database, and the number of SQL
    /// statements it has run so far (reset it with `store(0, ...)`).
    pub async fn counting_statements() -> (TestApp, Arc<AtomicUsize>) {
        let statements = Arc::new(AtomicUsize::new(0));
        let counter = statements.clone();
        let app = TestApp::start(move |db| {
            db.set_metric_callback(move |_| {
                counter.fetch_add(1, Ordering::SeqCst);
            })
        })
        .await;
        (app, statements)
    }

    /// Like [`TestApp::start`], with server options.
    pub async fn start_with(
        configure: impl FnOnce(&mut DatabaseConnection),
        options: api::http::ServerOptions,
    ) -> TestApp {
        TestApp::launch(configure, options, TestApp::open()).await
    }

    /// The access settings of test servers unless a test says otherwise:
    /// public read, introspection and suggestions on (a demo server), and no
    /// rate limit, so that tests need no keys and may send many requests.
    pub fn open() -> api::http::SecurityOptions {
        api::http::SecurityOptions {
            rate_limit_per_minute: None,
            ..api::http::SecurityOptions::demo()
        }
    }

    /// A server on an empty, migrated database with these access settings
    /// (`SecurityOptions::default()` is production's: keys required).
    pub async fn secured(security: api::http::SecurityOptions) -> TestApp {
        TestApp::launch(|_| {}, api::http::ServerOptions::default(), security).await
    }

    /// The general form of every constructor above.
    pub async fn launch(
        configure: impl FnOnce(&mut DatabaseConnection),
        options: api::http::ServerOptions,
        security: api::http::SecurityOptions,
    ) -> TestApp {
        let (url, cleanup) = fresh_database_url().await;
        let mut db = api::store::open(&url)
            .await
            .expect("open the test database");
        configure(&mut db);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("local address"));
        let served = db.clone();
        tokio::spawn(async move {
            api::http::serve(listener, served, options, security)
                .await
                .expect("serve");
        });
        TestApp {
            base,
            client: reqwest::Client::new(),
            db,
            database_url: url,
            cleanup,
        }
    }

    /// A server on a database holding the demo dataset.
    pub async fn demo() -> TestApp {
        let app = TestApp::empty().await;
        api::seed::load_demo(&app.db)
            .await
            .expect("load the demo dataset");
        app
    }

    /// POSTs a GraphQL request and returns the whole JSON response.
    pub async fn graphql(&self, query: &str, variables: Value) -> Value {
        let response = self
            .client
            .post(format!("{}/graphql", self.base))
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .expect("send the request");
        response.json().await.expect("a JSON response")
    }

    /// POSTs a GraphQL request that must succeed and returns its `data`.
    pub async fn data(&self, query: &str, variables: Value) -> Value {
        let response = self.graphql(query, variables).await;
        assert!(
            response.get("errors").is_none(),
            "unexpected errors: {response:#}"
        );
        response["data"].clone()
    }

    /// Runs the example query `examples/queries/NAME.graphql` with the
    /// variables in `NAME.json` (if present) and returns its `data`.
    pub async fn example(&self, name: &str) -> Value {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/queries");
        let query = std::fs::read_to_string(dir.join(format!("{name}.graphql")))
            .expect("read the example query");
        let variables = match std::fs::read_to_string(dir.join(format!("{name}.json"))) {
            Ok(text) => serde_json::from_str(&text).expect("variables are JSON"),
            Err(_) => json!({}),
        };
        self.data(&query, variables).await
    }

    /// Creates an API key with `role` through the store and returns it;
    /// a commissioner key needs `organisation` (an exact name).
    pub async fn create_key(&self, role: api::auth::Role, organisation: Option<&str>) -> String {
        let organisation_id = match organisation {
            Some(name) => Some(
                api::store::api_keys::organisation_id_by_name(&self.db, name)
                    .await
                    .expect("look the organisation up")
                    .unwrap_or_else(|| panic!("no organisation named {name:?}")),
            ),
            None => None,
        };
        api::auth::keys::create(
            &self.db,
            &format!("test {role}"),
            role,
            organisation_id,
            api::auth::keys::KeyUse::Everywhere,
        )
        .await
        .expect("create a key")
        .key
    }

    /// A new calendar key: a viewer key that opens only the iCalendar feed.
    pub async fn calendar_key(&self) -> String {
        api::auth::keys::create(
            &self.db,
            "test calendar",
            api::auth::Role::Viewer,
            None,
            api::auth::keys::KeyUse::CalendarFeed,
        )
        .await
        .expect("create a calendar key")
        .key
    }

    /// A new viewer key.
    pub async fn viewer_key(&self) -> String {
        self.create_key(api::auth::Role::Viewer, None).await
    }

    /// A new analyst key.
    pub async fn analyst_key(&self) -> String {
        self.create_key(api::auth::Role::Analyst, None).await
    }

    /// A new admin key.
    pub async fn admin_key(&self) -> String {
        self.create_key(api::auth::Role::Admin, None).await
    }

    /// A new commissioner key for the organisation named `organisation`.
    pub async fn commissioner_key(&self, organisation: &str) -> String {
        self.create_key(api::auth::Role::Commissioner, Some(organisation))
            .await
    }

    /// POSTs a JSON `body` to `/graphql`, with `key` as a Bearer token if
    /// given, and returns the raw response (status, headers, body).
    pub async fn post_as(&self, key: Option<&str>, body: &Value) -> reqwest::Response {
        let mut request = self
            .client
            .post(format!("{}/graphql", self.base))
            .json(body);
        if let Some(key) = key {
            request = request.bearer_auth(key);
        }
        request.send().await.expect("send the request")
    }

    /// POSTs a GraphQL request with `key` and returns the whole JSON response.
    pub async fn graphql_as(&self, key: &str, query: &str, variables: Value) -> Value {
        self.post_as(
            Some(key),
            &json!({ "query": query, "variables": variables }),
        )
        .await
        .json()
        .await
        .expect("a JSON response")
    }

    /// Whether the tests run on PostgreSQL.
    pub fn on_postgres(&self) -> bool {
        matches!(self.cleanup, Cleanup::PostgresDatabase { .. })
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::SqliteFile(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let mut file = path.clone().into_os_string();
                    file.push(suffix);
                    let _ = std::fs::remove_file(file);
                }
            }
            Cleanup::PostgresDatabase { admin_url, name } => {
                // Best effort, on a runtime of its own: Drop cannot await.
                let (admin_url, name) = (admin_url.clone(), name.clone());
                let _ = std::thread::spawn(move || {
                    let runtime = tokio::runtime::Runtime::new().ok()?;
                    runtime.block_on(async {
                        let admin = Database::connect(&admin_url).await.ok()?;
                        admin
                            .execute_unprepared(&format!(
                                "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                            ))
                            .await
                            .ok()
                    })
                })
                .join();
            }
        }
    }
}

/// A URL for a database nobody else uses.
async fn fresh_database_url() -> (String, Cleanup) {
    let unique = uuid::Uuid::new_v4().simple().to_string();
    match std::env::var("TEST_DATABASE_URL") {
        Ok(admin_url) if !admin_url.is_empty() => {
            let name = format!("commtrack_test_{unique}");
            let admin = Database::connect(&admin_url)
                .await
                .unwrap_or_else(|e| panic!("TEST_DATABASE_URL is set but unreachable: {e}"));
            admin
                .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                .await
                .expect("create the test database");
            let base = admin_url
                .rsplit_once('/')
                .map_or(admin_url.as_str(), |(base, _)| base);
            (
                format!("{base}/{name}"),
                Cleanup::PostgresDatabase { admin_url, name },
            )
        }
        _ => {
            let path = std::env::temp_dir().join(format!("commtrack-test-{unique}.db"));
            (
                format!("sqlite://{}", path.display()),
                Cleanup::SqliteFile(path),
            )
        }
    }
}
