//! CSV import into the database: one transaction for the whole file.
//!
//! Rows arrive in chunks from the reader thread (`import::read`) over a
//! bounded channel. Each chunk's human keys (funding stream names, service
//! codes, contract references...) are looked up in one `IN (...)` query per
//! kind of key, kept for the rest of the file, so a key is read once however
//! many rows name it. Each row is then checked with the code its mutation
//! uses (same rules, same codes) and written; every bad row is reported, by
//! line and column. The transaction commits only when every row was good
//! and this is not a dry run; otherwise it rolls back, so the database
//! never holds part of a file. A file cut off half-way (the client
//! disconnects, the process is killed) never commits either: its
//! transaction is rolled back by the database.
//!
//! Audit: one event per created (or replaced) record, exactly as its
//! mutation writes it, with the import's request id (the HTTP request's, or
//! one the command line makes up and prints). That is what history users
//! expect: `history(id:)` of any imported spend line shows how it came to
//! be, and the request id ties together every record of one import. A
//! single event per import would leave each record without a history.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, QueryFilter};
use tokio::sync::mpsc;

use crate::error::{AppError, AppResult};
use crate::import::read::{read_csv, Columns, Incoming, Record};
use crate::import::{FileError, Kind, Report, RowError};
use crate::store::writes::{begin, Actor, Rejection, WriteError};

mod per_row;
mod spend;

/// Why an import did not run to the end.
#[derive(Debug)]
pub enum ImportError {
    /// The file as a whole is refused (header, encoding, reading).
    File(FileError),
    /// A failure inside the server.
    Failed(AppError),
}

impl From<AppError> for ImportError {
    fn from(err: AppError) -> Self {
        ImportError::Failed(err)
    }
}

impl From<sea_orm::DbErr> for ImportError {
    fn from(err: sea_orm::DbErr) -> Self {
        ImportError::Failed(err.into())
    }
}

/// Checks and writes the rows of one kind.
#[async_trait::async_trait]
trait Importer: Send {
    /// Checks a chunk of rows, reporting the bad ones, and writes (or
    /// queues) the good ones.
    async fn chunk(
        &mut self,
        txn: &DatabaseTransaction,
        actor: &Actor<'_>,
        columns: &Columns,
        rows: Vec<Record>,
        report: &mut Report,
    ) -> AppResult<()>;

    /// Writes what is queued and what is derived; returns the rows written.
    async fn finish(
        &mut self,
        txn: &DatabaseTransaction,
        actor: &Actor<'_>,
        report: &Report,
    ) -> AppResult<u64>;
}

/// Imports the rows `incoming` brings as `kind`, as `actor`, in one
/// transaction; a dry run checks everything the same way, then rolls back.
pub async fn run(
    db: &DatabaseConnection,
    actor: &Actor<'_>,
    kind: Kind,
    dry_run: bool,
    mut incoming: mpsc::Receiver<Incoming>,
) -> Result<Report, ImportError> {
    let columns = match incoming.recv().await {
        Some(Incoming::Columns(columns)) => columns,
        Some(Incoming::Failed(err)) => return Err(ImportError::File(err)),
        Some(Incoming::Rows(_) | Incoming::End) | None => {
            return Err(ImportError::File(FileError::new(
                "CSV_UNREADABLE",
                "the file ended before its header was read",
            )))
        }
    };
    let mut importer: Box<dyn Importer> = match kind {
        Kind::Spend => Box::new(spend::SpendImport::default()),
        Kind::Budgets => Box::new(per_row::BudgetImport::default()),
        Kind::Observations => Box::new(per_row::ObservationImport::default()),
        Kind::GrantAwards => Box::new(per_row::AwardImport::default()),
    };
    let mut report = Report::new(kind, dry_run);
    let txn = begin(db).await?;
    loop {
        let Some(message) = incoming.recv().await else {
            // The reader stopped without reaching the end of the file.
            return Err(ImportError::File(FileError::new(
                "CSV_UNREADABLE",
                "the file was not read to its end",
            )));
        };
        match message {
            Incoming::End => break,
            Incoming::Rows(rows) => {
                report.rows_read += rows.len() as u64;
                importer
                    .chunk(&txn, actor, &columns, rows, &mut report)
                    .await?;
            }
            // Dropping the transaction rolls it back.
            Incoming::Failed(err) => return Err(ImportError::File(err)),
            Incoming::Columns(_) => {
                return Err(ImportError::Failed(AppError::internal(
                    "the CSV reader sent a second header",
                )))
            }
        }
    }
    let written = importer.finish(&txn, actor, &report).await?;
    if report.is_clean() && !dry_run {
        txn.commit().await?;
        report.rows_imported = written;
    } else {
        txn.rollback().await?;
    }
    Ok(report)
}

/// Reads `input` (a file, a request body bridged to blocking reads) on a
/// blocking thread and imports it with [`run`]. Memory stays bounded: the
/// reader is at most a few chunks ahead of the database.
pub async fn import_from<R>(
    db: &DatabaseConnection,
    actor: &Actor<'_>,
    kind: Kind,
    dry_run: bool,
    input: R,
) -> Result<Report, ImportError>
where
    R: std::io::Read + Send + 'static,
{
    let (sender, receiver) = mpsc::channel(4);
    // Not awaited: when the import stops early it drops `receiver`, and the
    // reader stops at its next send.
    let _reader = tokio::task::spawn_blocking(move || {
        read_csv(kind, input, |message| sender.blocking_send(message).is_ok())
    });
    run(db, actor, kind, dry_run, receiver).await
}

/// Loads the records of `E` whose `column` is one of `keys` not already in
/// `cache`, in one query, and remembers the keys no record has.
async fn prefetch<E>(
    txn: &DatabaseTransaction,
    cache: &mut HashMap<String, Option<E::Model>>,
    keys: impl IntoIterator<Item = String>,
    column: E::Column,
    key_of: impl Fn(&E::Model) -> &str,
) -> AppResult<()>
where
    E: EntityTrait,
{
    let mut wanted: Vec<String> = keys
        .into_iter()
        .filter(|k| !cache.contains_key(k))
        .collect();
    wanted.sort();
    wanted.dedup();
    if wanted.is_empty() {
        return Ok(());
    }
    let found = E::find()
        .filter(column.is_in(wanted.iter().cloned()))
        .all(txn)
        .await?;
    for model in found {
        cache.insert(key_of(&model).to_owned(), Some(model));
    }
    for key in wanted {
        cache.entry(key).or_insert(None);
    }
    Ok(())
}

/// The keys a chunk names in `column`.
fn keys_in(columns: &Columns, rows: &[Record], column: &str) -> Vec<String> {
    rows.iter()
        .filter_map(|r| columns.cell(&r.fields, column))
        .map(str::to_owned)
        .collect()
}

/// The `NOT_FOUND` error of a key no record has.
fn unknown(line: u64, column: &'static str, what: &str, key: &str) -> RowError {
    RowError {
        line,
        column: Some(column),
        code: "NOT_FOUND",
        message: format!(
            "{column}: no {what} is {:?}",
            key.chars().take(80).collect::<String>()
        ),
    }
}

/// A mutation's rejection as an error of the row at `line`.
fn rejection(kind: Kind, line: u64, rejection: Rejection) -> RowError {
    let column = rejection
        .field
        .as_ref()
        .and_then(|path| path.first())
        .map(|field| kind.column_of_field(field))
        .filter(|column| !column.is_empty());
    // The mutations' messages start with the input field's name; say the column's.
    let message = match (&rejection.field, column) {
        (Some(path), Some(column)) => match path.first() {
            Some(field) if field != column => rejection
                .message
                .strip_prefix(field.as_str())
                .map(|rest| format!("{column}{rest}"))
                .unwrap_or(rejection.message.clone()),
            _ => rejection.message.clone(),
        },
        _ => rejection.message.clone(),
    };
    RowError {
        line,
        column,
        code: rejection.code,
        message,
    }
}

/// Reports a write refused for row `line`: rejections and `FORBIDDEN` are
/// that row's errors (`owner_column` names the record that decides who may
/// write); anything else fails the import.
fn refused(
    kind: Kind,
    line: u64,
    owner_column: &'static str,
    err: WriteError,
    report: &mut Report,
) -> AppResult<()> {
    match err {
        WriteError::Rejected(rejections) => {
            for r in rejections {
                report.error(rejection(kind, line, r));
            }
            Ok(())
        }
        WriteError::Failed(AppError::Forbidden(message)) => {
            report.error(RowError {
                line,
                column: Some(owner_column),
                code: "FORBIDDEN",
                message,
            });
            Ok(())
        }
        WriteError::Failed(err) => Err(err),
    }
}
