//! Database access: connecting, migrating, and one module per area of the
//! domain. Nothing above this layer writes SQL.

use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection};

pub mod aggregates;
pub mod api_keys;
pub mod cache;
pub mod calendar;
pub mod data_version;
pub mod exports;
pub mod fetch;
pub mod import;
pub mod liabilities;
pub mod writes;

/// Why the database could not be opened; each variant is one clear line for
/// the command line.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// The URL is not one commtrack understands.
    #[error("bad database URL {url:?}: expected sqlite://FILE or postgres://USER@HOST:PORT/DB")]
    BadUrl {
        /// The URL as given (any password removed).
        url: String,
    },
    /// The database did not answer or refused the connection.
    #[error("cannot reach the database at {url}: {reason}")]
    Unreachable {
        /// The URL as given (any password removed).
        url: String,
        /// The driver's one-line reason.
        reason: String,
    },
    /// Migrating the schema failed.
    #[error("cannot migrate the database at {url}: {reason}")]
    Migration {
        /// The URL as given (any password removed).
        url: String,
        /// The one-line reason.
        reason: String,
    },
}

/// The backends commtrack runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// The embedded default.
    Sqlite,
    /// The production backend.
    Postgres,
}

impl Backend {
    /// Recognises a database URL's backend from its scheme.
    pub fn of_url(url: &str) -> Option<Backend> {
        if url.starts_with("sqlite:") {
            Some(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Backend::Postgres)
        } else {
            None
        }
    }

    /// Most connections in a pool unless set (`serve --db-connections`);
    /// bench/README.md, "Execution", has what was measured.
    pub fn default_max_connections(self) -> u32 {
        match self {
            Backend::Sqlite => 8,
            Backend::Postgres => 16,
        }
    }
}

/// Removes a password from a URL before it is printed or logged.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{}:***{}", &url[..scheme_end + 3], user, &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// Opens a connection pool. An SQLite file is created if missing and runs in
/// WAL mode with a busy timeout, so readers never block the writer.
pub async fn connect(url: &str) -> Result<DatabaseConnection, ConnectError> {
    connect_with(url, None).await
}

/// [`connect`] with at most `max_connections` in the pool (the backend's
/// default when `None`).
pub async fn connect_with(
    url: &str,
    max_connections: Option<u32>,
) -> Result<DatabaseConnection, ConnectError> {
    let shown = redact_url(url);
    let backend =
        Backend::of_url(url).ok_or_else(|| ConnectError::BadUrl { url: shown.clone() })?;
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(10))
        // Statements are logged at debug level (`COMMTRACK_LOG=sqlx=debug`
        // shows them), and any statement slower than half a second as a warning.
        .sqlx_logging(true)
        .sqlx_logging_level(log::LevelFilter::Debug)
        .sqlx_slow_statements_logging_settings(log::LevelFilter::Warn, Duration::from_millis(500));
    options
        .max_connections(max_connections.unwrap_or(backend.default_max_connections()))
        .min_connections(1);
    match backend {
        Backend::Sqlite => {
            options.map_sqlx_sqlite_opts(|opts: SqliteConnectOptions| {
                opts.create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(5))
                    // Large sorts and groupings spill to temporary files
                    // (the OS page cache) rather than the server's heap:
                    // the bundled SQLite keeps them in memory by default.
                    .pragma("temp_store", "file")
            });
        }
        Backend::Postgres => {}
    }
    Database::connect(options).await.map_err(|err| match err {
        sea_orm::DbErr::Conn(sea_orm::RuntimeErr::SqlxError(sqlx_err))
            if matches!(*sqlx_err, sea_orm::sqlx::Error::Configuration(_)) =>
        {
            ConnectError::BadUrl { url: shown.clone() }
        }
        other => ConnectError::Unreachable {
            url: shown.clone(),
            reason: one_line(&other.to_string()),
        },
    })
}

/// Applies every pending migration, then rebuilds derived rollups left
/// stale (by a write that did not keep them, or a migration adding them).
pub async fn migrate(db: &DatabaseConnection, url: &str) -> Result<(), ConnectError> {
    Migrator::up(db, None)
        .await
        .map_err(|err| ConnectError::Migration {
            url: redact_url(url),
            reason: one_line(&err.to_string()),
        })?;
    match aggregates::rollups::repair(db).await {
        Ok(true) => {
            tracing::info!("aggregate rollups were stale: rebuilt");
            Ok(())
        }
        Ok(false) => Ok(()),
        Err(err) => Err(ConnectError::Migration {
            url: redact_url(url),
            reason: format!("rebuilding the reach rollups: {err:?}"),
        }),
    }
}

/// Connects and migrates: what every command that needs the database does first.
pub async fn open(url: &str) -> Result<DatabaseConnection, ConnectError> {
    open_with(url, None).await
}

/// [`open`] with at most `max_connections` in the pool (the backend's
/// default when `None`).
pub async fn open_with(
    url: &str,
    max_connections: Option<u32>,
) -> Result<DatabaseConnection, ConnectError> {
    let db = connect_with(url, max_connections).await?;
    migrate(&db, url).await?;
    Ok(db)
}

fn one_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_backends() {
        assert_eq!(
            Backend::of_url("sqlite://commtrack.db"),
            Some(Backend::Sqlite)
        );
        assert_eq!(Backend::of_url("sqlite::memory:"), Some(Backend::Sqlite));
        assert_eq!(
            Backend::of_url("postgres://postgres@127.0.0.1/db"),
            Some(Backend::Postgres)
        );
        assert_eq!(Backend::of_url("mysql://x"), None);
    }

    #[test]
    fn redacts_passwords() {
        assert_eq!(
            redact_url("postgres://u:secret@h/db"),
            "postgres://u:***@h/db"
        );
        assert_eq!(redact_url("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact_url("sqlite://x.db"), "sqlite://x.db");
    }

    #[tokio::test]
    async fn bad_url_is_one_clear_line() {
        let err = connect("mysql://nope").await.unwrap_err();
        assert!(matches!(err, ConnectError::BadUrl { .. }), "{err}");
    }
}
