//! `commtrack import`: a file of one kind, with a progress bar on stderr
//! (drawn only on a terminal), bad rows one per line, and an exit code a
//! script can test: 0 imported (or a clean dry run), 2 bad rows (nothing
//! written), 1 any other failure.
//!
//! The command line works on the database directly, as `seed` and `keys`
//! do: whoever can run it against a database can write that database, so
//! no key is asked for and no ownership rule applies. Its audit events name
//! the actor "command line" and a request id made up for the import and
//! printed at the start.

use std::process::ExitCode;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::Kind;
use crate::config::{ImportArgs, ImportCommand, ImportKindArg};
use crate::error::{AppError, AppResult};
use crate::store::import::{import_from, ImportError};
use crate::store::writes::Actor;

/// The exit code of an import refused for bad rows.
pub const BAD_ROWS: u8 = 2;

fn rows(n: u64) -> String {
    if n == 1 {
        "1 row".to_owned()
    } else {
        format!("{n} rows")
    }
}

fn kind_of(arg: ImportKindArg) -> Kind {
    match arg {
        ImportKindArg::Spend => Kind::Spend,
        ImportKindArg::Budgets => Kind::Budgets,
        ImportKindArg::Observations => Kind::Observations,
        ImportKindArg::GrantAwards => Kind::GrantAwards,
    }
}

/// Runs an `import` subcommand.
pub async fn run(command: ImportCommand) -> Result<ExitCode, String> {
    let (kind, args) = match command {
        ImportCommand::Template { kind } => {
            print!("{}", kind_of(kind).template());
            return Ok(ExitCode::SUCCESS);
        }
        ImportCommand::Spend(args) => (Kind::Spend, args),
        ImportCommand::Budgets(args) => (Kind::Budgets, args),
        ImportCommand::Observations(args) => (Kind::Observations, args),
        ImportCommand::GrantAwards(args) => (Kind::GrantAwards, args),
    };
    import_file(kind, args).await
}

async fn import_file(kind: Kind, args: ImportArgs) -> Result<ExitCode, String> {
    let path = args.file.display().to_string();
    let file = std::fs::File::open(&args.file).map_err(|e| format!("cannot open {path}: {e}"))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let db = crate::store::open(&args.database.database_url)
        .await
        .map_err(|e| e.to_string())?;
    let request_id = format!("import-{}", uuid::Uuid::new_v4().simple());
    eprintln!(
        "importing {path} as {kind}{} (request id {request_id})",
        if args.dry_run { ", dry run" } else { "" }
    );
    let progress = ProgressBar::with_draw_target(Some(size), ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}")
    {
        progress.set_style(style);
    }
    let authorize = |_: Option<i64>| -> AppResult<()> { Ok(()) };
    let actor = Actor {
        name: "command line".to_owned(),
        key_id: None,
        organisation_id: None,
        request_id: Some(request_id),
        today: crate::graphql::today(),
        authorize: &authorize,
    };
    let result = import_from(&db, &actor, kind, args.dry_run, progress.wrap_read(file)).await;
    progress.finish_and_clear();
    match result {
        Ok(report) => {
            for error in &report.errors {
                eprintln!("{error}");
            }
            let unlisted = report.error_count - report.errors.len() as u64;
            if unlisted > 0 {
                eprintln!("... and {unlisted} more errors");
            }
            if !report.is_clean() {
                eprintln!(
                    "{} read, {} error(s): nothing was imported",
                    rows(report.rows_read),
                    report.error_count
                );
                return Ok(ExitCode::from(BAD_ROWS));
            }
            if report.dry_run {
                println!(
                    "{} read, all good (dry run: nothing was imported)",
                    rows(report.rows_read)
                );
            } else {
                println!(
                    "{} read, {} imported",
                    rows(report.rows_read),
                    report.rows_imported
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(ImportError::File(err)) => Err(match err.line {
            Some(line) => format!("{path}: line {line}: {}: {}", err.code, err.message),
            None => format!("{path}: {}: {}", err.code, err.message),
        }),
        Err(ImportError::Failed(err)) => Err(match err {
            AppError::Internal(detail) => format!("the import failed: {detail}"),
            other => format!("the import failed: {}", other.message()),
        }),
    }
}
