//! `commtrack import`: templates, a file imported, bad rows one per line
//! with exit code 2, and a file killed half-way leaving no rows.

use std::process::{Command, Output, Stdio};

use super::count;
use crate::common::TestApp;

fn commtrack(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_commtrack"))
        .args(args)
        .env_remove("DATABASE_URL")
        .env("COMMTRACK_LOG", "warn")
        .output()
        .expect("run commtrack")
}

fn temp_file(contents: &str) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!(
        "commtrack-import-{}.csv",
        uuid::Uuid::new_v4().simple()
    ));
    std::fs::write(&path, contents).expect("write the file");
    path
}

#[test]
fn templates_are_printed_per_kind() {
    let output = commtrack(&["import", "template", "spend"]);
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    assert_eq!(text, api::import::Kind::Spend.template());
    assert!(text.starts_with("fundingStream,financialYear,quarter,"));
    let output = commtrack(&["import", "template", "contracts"]);
    assert!(!output.status.success());
}

#[tokio::test]
async fn a_file_is_imported_and_bad_rows_are_listed_one_per_line() {
    let app = TestApp::demo().await;
    let before = count(&app, "spend_lines").await;
    let bad = temp_file(
        "fundingStream,financialYear,amount\n\
         Victims of Crime,2023-24,1.00\n\
         Victims of Crime,2023-24,1.001\n\
         Nowhere,2023-24,1.00\n",
    );
    let output = commtrack(&[
        "import",
        "spend",
        bad.to_str().unwrap(),
        "--database-url",
        &app.database_url,
    ]);
    let _ = std::fs::remove_file(&bad);
    assert_eq!(output.status.code(), Some(2));
    let err = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<&str> = err.lines().collect();
    assert!(lines[0].starts_with("importing "), "{err}");
    assert!(
        lines[1].starts_with("line 3, column amount: MONEY_TOO_MANY_DECIMALS: amount: "),
        "{err}"
    );
    assert!(
        lines[2].starts_with("line 4, column fundingStream: NOT_FOUND: "),
        "{err}"
    );
    assert_eq!(count(&app, "spend_lines").await, before);

    let good = temp_file("fundingStream,financialYear,amount\nVictims of Crime,2023-24,1.00\n");
    for (dry_run, added) in [(true, 0), (false, 1)] {
        let mut args = vec![
            "import",
            "spend",
            good.to_str().unwrap(),
            "--database-url",
            &app.database_url,
        ];
        if dry_run {
            args.push("--dry-run");
        }
        let output = commtrack(&args);
        assert!(output.status.success(), "{output:?}");
        assert_eq!(count(&app, "spend_lines").await, before + added);
    }
    let _ = std::fs::remove_file(&good);
    let audit: Vec<entity::audit_event::Model> = {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        entity::audit_event::Entity::find()
            .filter(entity::audit_event::Column::Actor.eq("command line"))
            .all(&app.db)
            .await
            .unwrap()
    };
    assert_eq!(audit.len(), 1);
    assert!(audit[0]
        .request_id
        .as_deref()
        .unwrap()
        .starts_with("import-"));
}

#[tokio::test]
async fn a_file_killed_half_way_leaves_no_rows() {
    let app = TestApp::demo().await;
    let before = count(&app, "spend_lines").await;
    let audit_before = count(&app, "audit_events").await;
    let mut file = String::from("fundingStream,financialYear,quarter,contractReference,amount\n");
    for i in 0..400_000 {
        file.push_str(&format!(
            "Victims of Crime,2023-24,Q{},WYCA-SARC-2023,{}.{:02}\n",
            i % 4 + 1,
            i % 5000,
            i % 100
        ));
    }
    let path = temp_file(&file);
    let mut child = Command::new(env!("CARGO_BIN_EXE_commtrack"))
        .args([
            "import",
            "spend",
            path.to_str().unwrap(),
            "--database-url",
            &app.database_url,
        ])
        .env_remove("DATABASE_URL")
        .env("COMMTRACK_LOG", "warn")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("start commtrack");
    // Wait for the import to start, then let it write for a while.
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut first = String::new();
    std::io::BufRead::read_line(&mut stderr, &mut first).unwrap();
    assert!(first.starts_with("importing "), "{first}");
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert!(
        child.try_wait().unwrap().is_none(),
        "the import finished before it could be killed; make the file larger"
    );
    child.kill().expect("SIGKILL");
    child.wait().unwrap();
    let _ = std::fs::remove_file(&path);
    assert_eq!(count(&app, "spend_lines").await, before);
    assert_eq!(count(&app, "audit_events").await, audit_before);
}
