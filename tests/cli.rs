//! The `commtrack` command line: clear one-line errors, idempotent seeding,
//! the schema check.

use std::process::{Command, Output};

fn commtrack(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_commtrack"))
        .args(args)
        .env_remove("DATABASE_URL")
        .env("COMMTRACK_LOG", "warn")
        .output()
        .expect("run commtrack")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn temp_sqlite() -> (String, std::path::PathBuf) {
    let path = std::env::temp_dir().join(format!(
        "commtrack-cli-{}.db",
        uuid::Uuid::new_v4().simple()
    ));
    (format!("sqlite://{}", path.display()), path)
}

#[test]
fn a_bad_database_url_is_one_clear_line() {
    let output = commtrack(&["migrate", "--database-url", "mysql://somewhere/db"]);
    assert!(!output.status.success());
    let err = stderr(&output);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("error: bad database URL"), "{err}");
}

#[test]
fn an_unreachable_database_is_one_clear_line() {
    let output = commtrack(&[
        "migrate",
        "--database-url",
        "postgres://postgres@127.0.0.1:1/nowhere",
    ]);
    assert!(!output.status.success());
    let err = stderr(&output);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with(
            "error: cannot reach the database at postgres://postgres@127.0.0.1:1/nowhere"
        ),
        "{err}"
    );
}

#[test]
fn a_port_in_use_is_one_clear_line() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = taken.local_addr().unwrap().to_string();
    let (url, path) = temp_sqlite();
    let output = commtrack(&["serve", "--bind", &address, "--database-url", &url]);
    let _ = std::fs::remove_file(&path);
    assert!(!output.status.success());
    let err = stderr(&output);
    assert!(
        err.trim_end().ends_with("the address is already in use"),
        "{err}"
    );
    assert_eq!(
        err.lines().filter(|l| l.starts_with("error:")).count(),
        1,
        "{err}"
    );
}

#[test]
fn seeding_twice_changes_nothing_the_second_time() {
    let (url, path) = temp_sqlite();
    let first = commtrack(&["seed", "--demo", "--database-url", &url]);
    assert!(first.status.success(), "{}", stderr(&first));
    let second = Command::new(env!("CARGO_BIN_EXE_commtrack"))
        .args(["seed", "--demo", "--database-url", &url])
        .env("COMMTRACK_LOG", "info")
        .output()
        .unwrap();
    assert!(second.status.success(), "{}", stderr(&second));
    assert!(
        stderr(&second).contains("already loaded"),
        "{}",
        stderr(&second)
    );
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

#[test]
fn export_schema_check_passes_on_the_committed_schema() {
    let schema = concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql");
    let output = commtrack(&["export-schema", "--check", "--path", schema]);
    assert!(output.status.success(), "{}", stderr(&output));

    let stale =
        std::env::temp_dir().join(format!("stale-{}.graphql", uuid::Uuid::new_v4().simple()));
    std::fs::write(&stale, "type Query { stale: Int }\n").unwrap();
    let output = commtrack(&[
        "export-schema",
        "--check",
        "--path",
        stale.to_str().unwrap(),
    ]);
    let _ = std::fs::remove_file(&stale);
    assert!(!output.status.success());
    assert!(stderr(&output).contains("differs from the schema in the code"));
}

/// `serve --log-format json` writes one JSON object a line, and a request's
/// lines carry the request id the client got in `x-request-id`.
#[tokio::test]
async fn json_logs_carry_the_request_id() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    use std::time::Duration;

    let (url, path) = temp_sqlite();
    let mut server = Command::new(env!("CARGO_BIN_EXE_commtrack"))
        .args([
            "serve",
            "--log-format",
            "json",
            "--bind",
            "127.0.0.1:0",
            "--database-url",
            &url,
        ])
        .env("COMMTRACK_LOG", "info")
        .stderr(Stdio::piped())
        .spawn()
        .expect("start commtrack");
    let (lines_tx, lines) = std::sync::mpsc::channel::<String>();
    let stderr = server.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if lines_tx.send(line).is_err() {
                break;
            }
        }
    });
    let next = || -> serde_json::Value {
        let line = lines
            .recv_timeout(Duration::from_secs(60))
            .expect("a log line");
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"))
    };
    let address = loop {
        let entry = next();
        if let Some(address) = entry["fields"]["address"].as_str() {
            break address.to_owned();
        }
    };

    // Without a key (no public read), the refusal is logged in the request's span.
    let response = reqwest::Client::new()
        .post(format!("http://{address}/graphql"))
        .json(&serde_json::json!({ "query": "{ __typename }" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let request_id = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let refusal = loop {
        let entry = next();
        if entry["fields"]["message"] == "request refused: unauthenticated" {
            break entry;
        }
    };
    let _ = server.kill();
    let _ = server.wait();
    let _ = std::fs::remove_file(&path);
    assert_eq!(refusal["level"], "WARN");
    assert_eq!(refusal["span"]["request_id"], request_id.as_str());
    assert_eq!(refusal["span"]["path"], "/graphql");
}
