//! The dashboard page at `/`: served without a key, and drawn in headless
//! Chromium on the demo data by `tests/browser/dashboard.mjs` (Node with
//! playwright-core driving Debian's `chromium`; `bash .ci/setup` installs
//! both). The browser run fails on any request to another origin, so it also
//! shows the page works offline. Screenshots go to `target/test-output/`.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::TestApp;

/// Where the browser test lives.
fn browser_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser")
}

/// `target/test-output/NAME`, next to the build (wherever the target dir is).
fn output_path(name: &str) -> PathBuf {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent().unwrap_or(tmp).join("test-output").join(name)
}

/// Fails, never skips, when the browser test's tools are missing.
fn require_browser_tools() {
    let setup = "run `bash .ci/setup`";
    let node = Command::new("node").arg("--version").output();
    assert!(
        node.as_ref().is_ok_and(|out| out.status.success()),
        "Node.js is needed for the dashboard's browser test: {setup}"
    );
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        Path::new(&chromium).exists(),
        "Chromium ({chromium}) is needed for the dashboard's browser test: {setup}"
    );
    assert!(
        browser_dir().join("node_modules/playwright-core").is_dir(),
        "playwright-core is not installed in tests/browser: {setup}"
    );
}

/// Runs the browser check against `base`, with `key` typed into the page's
/// key form when given, and returns the screenshot's path.
async fn drive_dashboard(base: &str, key: Option<&str>, screenshot: &str) -> PathBuf {
    require_browser_tools();
    let screenshot = output_path(screenshot);
    let _ = std::fs::remove_file(&screenshot);
    let mut command = Command::new("node");
    command
        .current_dir(browser_dir())
        .arg("dashboard.mjs")
        .arg(base)
        .arg(&screenshot)
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
        .env_remove("COMMTRACK_API_KEY");
    if let Some(key) = key {
        command.env("COMMTRACK_API_KEY", key);
    }
    // The server runs on this test's runtime: wait for Node off it.
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .expect("join the browser run")
        .expect("start node");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the dashboard's browser check failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
    assert!(stdout.contains("dashboard ok"), "{stdout}\n{stderr}");
    let png = std::fs::read(&screenshot).expect("the screenshot was written");
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 10_000,
        "the screenshot is not a PNG of a drawn page ({} bytes)",
        png.len()
    );
    screenshot
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chromium_draws_the_sarc_decision_and_the_spend_chart_on_the_demo_data() {
    let app = TestApp::demo().await;
    let shot = drive_dashboard(&app.base, None, "dashboard.png").await;
    println!("screenshot: {}", shot.display());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_closed_server_the_page_asks_for_a_key_and_sends_it() {
    let app = TestApp::secured(api::http::SecurityOptions {
        rate_limit_per_minute: None,
        ..api::http::SecurityOptions::default()
    })
    .await;
    api::seed::load_demo(&app.db)
        .await
        .expect("load the demo dataset");
    // The page itself needs no key; the API does.
    let page = app
        .client
        .get(format!("{}/", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let refused = app
        .post_as(None, &serde_json::json!({ "query": "{ __typename }" }))
        .await;
    assert_eq!(refused.status(), 401);

    let key = app.viewer_key().await;
    drive_dashboard(&app.base, Some(&key), "dashboard-with-key.png").await;
}

#[tokio::test]
async fn the_page_and_its_assets_are_served_without_a_key() {
    let app = TestApp::secured(api::http::SecurityOptions::default()).await;
    let page = app
        .client
        .get(format!("{}/", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let policy = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(policy.contains("script-src 'self'"), "{policy}");
    assert!(page.headers().contains_key("x-request-id"));
    let html = page.text().await.unwrap();
    assert!(html.contains("<title>commtrack dashboard</title>"));
    let script = html
        .split('"')
        .find(|s| s.starts_with("/dashboard/assets/") && s.ends_with(".js"))
        .expect("the page loads its script")
        .to_owned();
    let script = app
        .client
        .get(format!("{}{script}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(script.status(), 200);
    assert_eq!(
        script.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert!(script.text().await.unwrap().contains("/graphql"));
}
