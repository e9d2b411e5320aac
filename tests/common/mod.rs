//! The test harness: each test gets its own fresh database (an SQLite file by
//! default, a new PostgreSQL database when `TEST_DATABASE_URL` is set) and
//! its own server on `127.0.0.1:0`, queried over real HTTP.

#![allow(dead_code)]

use std::path::PathBuf;

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
    cleanup: Cleanup,
}

enum Cleanup {
    SqliteFile(PathBuf),
    PostgresDatabase { admin_url: String, name: String },
}

impl TestApp {
    /// A server on an empty, migrated database.
    pub async fn empty() -> TestApp {
        let (url, cleanup) = fresh_database_url().await;
        let db = api::store::open(&url)
            .await
            .expect("open the test database");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("local address"));
        let served = db.clone();
        tokio::spawn(async move {
            api::http::serve(listener, served).await.expect("serve");
        });
        TestApp {
            base,
            client: reqwest::Client::new(),
            db,
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
