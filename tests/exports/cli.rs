//! `commtrack export` through the binary: files written whole, the same
//! bytes on every run, the prefix from the environment, and refusals that
//! are one clear line with a code and leave no file behind.

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;

use crate::schemas;

/// A demo database in a temporary SQLite file, removed on drop.
struct Demo {
    url: String,
    path: PathBuf,
}

impl Demo {
    fn new() -> Demo {
        let path = std::env::temp_dir().join(format!(
            "commtrack-export-{}.db",
            uuid::Uuid::new_v4().simple()
        ));
        let demo = Demo {
            url: format!("sqlite://{}", path.display()),
            path,
        };
        let seeded = demo.run(&["seed", "--demo"], &[]);
        assert!(seeded.status.success(), "{}", stderr(&seeded));
        demo
    }

    fn run(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_commtrack"))
            .args(args)
            .args(["--database-url", &self.url])
            .env_remove("COMMTRACK_OCID_PREFIX")
            .env("COMMTRACK_LOG", "warn")
            .envs(env.iter().copied())
            .output()
            .expect("run commtrack")
    }
}

impl Drop for Demo {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.path.display()));
        }
    }
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn temp_file(extension: &str) -> PathBuf {
    std::env::temp_dir().join(format!(
        "commtrack-export-{}.{extension}",
        uuid::Uuid::new_v4().simple()
    ))
}

#[test]
fn ocds_is_written_to_a_file_the_same_on_every_run() {
    let demo = Demo::new();
    let out = temp_file("json");
    let args = [
        "export",
        "ocds",
        "--contract",
        "WYCA-SARC-2023",
        "--as-of",
        "2026-11-23",
        "--out",
        out.to_str().unwrap(),
    ];
    let first = demo.run(&args, &[]);
    assert!(first.status.success(), "{}", stderr(&first));
    let written = std::fs::read_to_string(&out).unwrap();
    let second = demo.run(&args, &[]);
    assert!(second.status.success(), "{}", stderr(&second));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), written);
    let _ = std::fs::remove_file(&out);
    let package: Value = serde_json::from_str(&written).unwrap();
    schemas::assert_valid(&schemas::ocds_package(), &package, "the CLI's OCDS");
    assert_eq!(
        package["releases"][0]["ocid"],
        "ocds-commtrack-WYCA-SARC-2023"
    );

    // The prefix falls back to the environment; to standard output by default.
    let output = demo.run(
        &["export", "ocds", "--as-of", "2026-11-23"],
        &[("COMMTRACK_OCID_PREFIX", "ocds-213czf")],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let package: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(package["releases"].as_array().unwrap().len(), 6);
    assert!(package["releases"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["ocid"].as_str().unwrap().starts_with("ocds-213czf-")));
}

#[test]
fn refusals_are_one_line_with_a_code_and_write_nothing() {
    let demo = Demo::new();
    let out = temp_file("json");
    let out_arg = out.to_str().unwrap();
    let cases: [(&[&str], &str); 5] = [
        (
            &[
                "export",
                "ocds",
                "--ocid-prefix",
                "ocds_bad",
                "--out",
                out_arg,
            ],
            "OCID_PREFIX_INVALID",
        ),
        (
            &[
                "export",
                "ocds",
                "--contract",
                "NO-SUCH-REF",
                "--out",
                out_arg,
            ],
            "NOT_FOUND",
        ),
        (
            &[
                "export",
                "360giving",
                "--programme",
                "No Such Fund",
                "--out",
                out_arg,
            ],
            "NOT_FOUND",
        ),
        (
            &[
                "export",
                "360giving",
                "--programme",
                "Mayor's Safer Communities Fund",
                "--round",
                "9",
                "--out",
                out_arg,
            ],
            "NOT_FOUND",
        ),
        (
            &[
                "export",
                "360giving",
                "--programme",
                "Mayor's Safer Communities Fund",
                "--identifier-prefix",
                "GB-COH",
                "--out",
                out_arg,
            ],
            "GRANT_PREFIX_INVALID",
        ),
    ];
    for (args, code) in cases {
        let output = demo.run(args, &[]);
        assert!(!output.status.success(), "{args:?}");
        let err = stderr(&output);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.starts_with("error: cannot export: "), "{err}");
        assert!(err.contains(code), "{args:?}: {err}");
        assert!(!out.exists(), "{args:?} left a file");
    }
}

#[test]
fn a_server_refuses_a_bad_default_prefix_before_it_starts() {
    let demo = Demo::new();
    let output = demo.run(
        &["serve", "--bind", "127.0.0.1:0"],
        &[("COMMTRACK_OCID_PREFIX", "ocds-Not Valid")],
    );
    assert!(!output.status.success());
    let err = stderr(&output);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("OCID_PREFIX_INVALID"), "{err}");
}

#[test]
fn round_4_as_flat_csv_on_standard_output() {
    let demo = Demo::new();
    let output = demo.run(
        &[
            "export",
            "360giving",
            "--programme",
            "Mayor's Safer Communities Fund",
            "--round",
            "4",
            "--format",
            "csv",
        ],
        &[],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let mut reader = csv::Reader::from_reader(output.stdout.as_slice());
    let headers = reader.headers().unwrap().clone();
    let amount = headers.iter().position(|h| h == "Amount Awarded").unwrap();
    let mut amounts: Vec<String> = reader
        .records()
        .map(|r| r.unwrap()[amount].to_owned())
        .collect();
    amounts.sort();
    assert_eq!(amounts, ["6000.00", "7280.00", "7424.00"]);
}
