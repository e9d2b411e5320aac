//! `commtrack export ocds|360giving`: the open-data exports on the command
//! line (its flags are declared with the others in `config`). Prefixes are
//! checked before the database is opened, and a file named by `--out` is
//! written whole or not at all (a temporary file beside it, renamed into
//! place), so a refused export changes nothing.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::ocds::OcdsSettings;
use super::{GrantPrefix, OcidPrefix};
use crate::config::ExportCommand;
use crate::error::AppError;
use crate::store::exports::{ContractScope, GrantScope};

/// One line for a refused or failed export: the message and its code.
fn refusal(err: &AppError) -> String {
    match err {
        AppError::Internal(detail) => format!("cannot export: {detail}"),
        AppError::BadInput { code, message } => format!("cannot export: {message} [{code}]"),
        other => format!("cannot export: {} [{}]", other.message(), other.code()),
    }
}

/// Runs `write` on `out`, or on standard output. A file is written beside
/// `out` and renamed into place only once complete, so it is whole or absent.
fn emit(
    out: Option<&Path>,
    write: impl FnOnce(&mut dyn Write) -> Result<(), AppError>,
) -> Result<(), String> {
    let Some(path) = out else {
        let mut stdout = std::io::stdout().lock();
        write(&mut stdout).map_err(|e| refusal(&e))?;
        return stdout
            .flush()
            .map_err(|e| format!("cannot write the export: {e}"));
    };
    let mut partial = path.as_os_str().to_owned();
    partial.push(format!(".partial-{}", std::process::id()));
    let partial = PathBuf::from(partial);
    let written = std::fs::File::create(&partial)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
        .and_then(|mut file| {
            write(&mut file).map_err(|e| refusal(&e))?;
            file.sync_all()
                .and_then(|()| std::fs::rename(&partial, path))
                .map_err(|e| format!("cannot write {}: {e}", path.display()))
        });
    if written.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    written
}

/// Runs an `export` subcommand.
pub async fn run(command: ExportCommand) -> Result<ExitCode, String> {
    match command {
        ExportCommand::Ocds(args) => {
            let prefix = OcidPrefix::parse(&args.ocid_prefix).map_err(|e| refusal(&e))?;
            let db = crate::store::open(&args.database.database_url)
                .await
                .map_err(|e| e.to_string())?;
            let scope = match args.contract {
                Some(reference) => ContractScope::Reference(reference),
                None => ContractScope::All,
            };
            let settings = OcdsSettings {
                prefix,
                as_of: args.as_of.unwrap_or_else(crate::graphql::today),
                published: args.published_date,
            };
            let rows = crate::store::exports::contract_rows(&db, &scope)
                .await
                .map_err(|e| refusal(&e))?;
            emit(args.out.as_deref(), |out| {
                super::ocds::write_package(&rows, &scope, &settings, out)
            })?;
        }
        ExportCommand::Giving360(args) => {
            let prefix = GrantPrefix::parse(&args.identifier_prefix).map_err(|e| refusal(&e))?;
            let db = crate::store::open(&args.database.database_url)
                .await
                .map_err(|e| e.to_string())?;
            let scope = GrantScope {
                programme: args.programme,
                round: args.round,
            };
            let bytes = super::giving360_document(&db, &scope, &prefix, args.format)
                .await
                .map_err(|e| refusal(&e))?;
            emit(args.out.as_deref(), |out| {
                out.write_all(&bytes).map_err(AppError::internal)
            })?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
