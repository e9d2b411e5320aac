//! Command-line flags, with environment-variable fallbacks, turned into plain
//! configuration values passed down explicitly (no globals).

use std::net::SocketAddr;

use clap::builder::BoolishValueParser;
use clap::{Args, Parser, Subcommand};

/// The default database: an SQLite file in the working directory, created and
/// migrated on first run.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://commtrack.db";

/// commtrack: commissioned-service contracts, grants, spend and outcomes, served over GraphQL.
#[derive(Debug, Parser)]
#[command(name = "commtrack", version, about)]
pub struct Cli {
    /// How log lines are written to stderr: `text` for people, `json` (one
    /// object a line, with the request id) for log collectors.
    #[arg(long, global = true, env = "COMMTRACK_LOG_FORMAT", value_enum,
          default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// How log lines are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object a line, with the fields of the request's span
    /// (`request_id`, `method`, `path`) under `span`.
    Json,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the GraphQL server (migrating the database first).
    Serve(ServeArgs),
    /// Apply pending database migrations.
    Migrate(DatabaseArgs),
    /// Load a dataset into the database.
    Seed(SeedArgs),
    /// Fill an empty database with a deterministic synthetic dataset (benchmarks).
    Generate(GenerateArgs),
    /// Print the GraphQL schema (SDL), or check the committed `schema.graphql`.
    ExportSchema(ExportSchemaArgs),
    /// Create, list and revoke API keys.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Import spend lines, budgets, observations or grant awards from CSV,
    /// all or nothing; or print a kind's template.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Write open-data exports: OCDS for contracts, 360Giving for grants.
    #[command(subcommand)]
    Export(ExportCommand),
}

/// Where the database is.
#[derive(Debug, Clone, Args)]
pub struct DatabaseArgs {
    /// Database URL: `sqlite://FILE` (created if missing) or `postgres://USER@HOST:PORT/DB`.
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    pub database_url: String,
}

/// Flags of `serve`.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "COMMTRACK_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// The database.
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Load the demo dataset (West Yorkshire) if the database is empty; also
    /// turns on public read, introspection and suggestions unless they are set.
    #[arg(long)]
    pub demo: bool,
    /// Let requests without an API key read (never write). On with `--demo`.
    #[arg(long, env = "COMMTRACK_PUBLIC_READ", value_name = "BOOL", num_args = 0..=1,
          default_missing_value = "true", value_parser = BoolishValueParser::new())]
    pub public_read: Option<bool>,
    /// Answer introspection (`__schema`, GraphiQL's docs). On with `--demo`, off otherwise.
    #[arg(long, env = "COMMTRACK_INTROSPECTION", value_name = "BOOL", num_args = 0..=1,
          default_missing_value = "true", value_parser = BoolishValueParser::new())]
    pub introspection: Option<bool>,
    /// Suggest field names ("did you mean") in errors. On with `--demo`, off otherwise.
    #[arg(long, env = "COMMTRACK_SUGGESTIONS", value_name = "BOOL", num_args = 0..=1,
          default_missing_value = "true", value_parser = BoolishValueParser::new())]
    pub suggestions: Option<bool>,
    /// Requests per minute per API key (per address without one); 0 turns the limit off.
    #[arg(long, env = "COMMTRACK_RATE_LIMIT", value_name = "PER_MINUTE",
          default_value_t = crate::http::DEFAULT_RATE_LIMIT_PER_MINUTE)]
    pub rate_limit: u32,
    /// Seconds a request may run before it is abandoned with a 504.
    #[arg(long, env = "COMMTRACK_REQUEST_TIMEOUT", value_name = "SECONDS",
          default_value_t = crate::http::REQUEST_TIMEOUT.as_secs(),
          value_parser = clap::value_parser!(u64).range(1..))]
    pub request_timeout: u64,
    /// Serve `GET /metrics` (Prometheus text format: requests and latency by
    /// route and GraphQL operation, SQL statements, the connection pool).
    /// On unless set to false.
    #[arg(long, env = "COMMTRACK_METRICS", value_name = "BOOL", num_args = 0..=1,
          default_value = "true", default_missing_value = "true",
          value_parser = BoolishValueParser::new())]
    pub metrics: bool,
    /// The `ocid` prefix of OCDS exports (`GET /export/ocds.json`) that name none.
    #[arg(long, env = "COMMTRACK_OCID_PREFIX",
          default_value = crate::export::settings::DEFAULT_OCID_PREFIX)]
    pub ocid_prefix: String,
    /// Most connections in the database pool (default: 8 on SQLite, 16 on
    /// PostgreSQL; see bench/README.md, "Execution", for what was measured).
    #[arg(long, env = "COMMTRACK_DB_CONNECTIONS", value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..))]
    pub db_connections: Option<u32>,
    /// Microseconds a shared loader collects keys before it queries, so that
    /// one query serves the rows of a page and of concurrent requests.
    #[arg(long, env = "COMMTRACK_LOADER_DELAY_US", value_name = "MICROSECONDS",
          default_value_t = crate::graphql::DEFAULT_LOADER_DELAY.as_micros() as u64)]
    pub loader_delay_us: u64,
}

impl ServeArgs {
    /// The access settings these flags ask for: demo mode opens what is not set.
    pub fn security(&self) -> crate::http::SecurityOptions {
        crate::http::SecurityOptions {
            public_read: self.public_read.unwrap_or(self.demo),
            schema: crate::graphql::limits::SchemaOptions {
                introspection: self.introspection.unwrap_or(self.demo),
                suggestions: self.suggestions.unwrap_or(self.demo),
            },
            rate_limit_per_minute: std::num::NonZeroU32::new(self.rate_limit),
            request_timeout: std::time::Duration::from_secs(self.request_timeout),
        }
    }
}

/// `keys` subcommands.
#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Create a key and print it: the only time it is shown.
    Create(KeysCreateArgs),
    /// List keys (never their secrets).
    List(DatabaseArgs),
    /// Revoke a key: it stops working at once.
    Revoke(KeysRevokeArgs),
}

/// Flags of `keys create`.
#[derive(Debug, Clone, Args)]
pub struct KeysCreateArgs {
    /// The database.
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// What the key is for, e.g. "finance dashboard".
    #[arg(long)]
    pub name: String,
    /// What the key may do: viewer, analyst, commissioner or admin.
    #[arg(long)]
    pub role: crate::auth::Role,
    /// The organisation (exact name) a commissioner key writes for.
    #[arg(long)]
    pub organisation: Option<String>,
    /// A key for the iCalendar feed only (`GET /calendar.ics?key=...`): it
    /// travels in URLs, so it reads the feed and nothing else. Viewer only.
    #[arg(long)]
    pub calendar_only: bool,
}

/// Flags of `keys revoke`.
#[derive(Debug, Clone, Args)]
pub struct KeysRevokeArgs {
    /// The database.
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// The key's id (from `keys list`).
    pub id: i64,
}

/// Flags of `seed`.
#[derive(Debug, Clone, Args)]
pub struct SeedArgs {
    /// The database.
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Load the built-in demo dataset (facts of the West Yorkshire reports).
    #[arg(long, required = true)]
    pub demo: bool,
}

/// The sizes `generate` offers.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ScaleArg {
    /// A few tens of thousands of rows.
    Small,
    /// About 50,000 contracts, a million spend lines, a million observations.
    National,
}

/// Flags of `generate`.
#[derive(Debug, Clone, Args)]
pub struct GenerateArgs {
    /// The database (empty).
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// How much to generate.
    #[arg(long, value_enum, default_value = "small")]
    pub scale: ScaleArg,
    /// The random seed: the same seed gives the same data.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

/// Flags of `export-schema`.
#[derive(Debug, Clone, Args)]
pub struct ExportSchemaArgs {
    /// Compare with this file instead of printing; exit non-zero if they differ.
    #[arg(long)]
    pub check: bool,
    /// The schema file to write or check.
    #[arg(long, default_value = "schema.graphql")]
    pub path: std::path::PathBuf,
}

/// `import` subcommands: a template, or a file of one kind.
#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Print a kind's CSV template (the header row and one example row).
    Template {
        /// What the file holds.
        #[arg(value_enum)]
        kind: ImportKindArg,
    },
    /// Import spend lines (the columns of `recordSpend`, references by name).
    Spend(ImportArgs),
    /// Import funding stream budgets (`recordBudget`).
    Budgets(ImportArgs),
    /// Import reach and outcome observations (`recordObservation`).
    Observations(ImportArgs),
    /// Import grant awards (`awardGrant`).
    GrantAwards(ImportArgs),
}

/// The kinds of file `import` reads.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ImportKindArg {
    /// Spend lines.
    Spend,
    /// Funding stream budgets.
    Budgets,
    /// Reach and outcome observations.
    Observations,
    /// Grant awards.
    GrantAwards,
}

/// Flags of `import KIND FILE`.
#[derive(Debug, Clone, Args)]
pub struct ImportArgs {
    /// The database.
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// The CSV file (UTF-8, with a header row; see `import template KIND`).
    pub file: std::path::PathBuf,
    /// Check every row and report, then roll back: nothing is written.
    #[arg(long)]
    pub dry_run: bool,
}

/// `export` subcommands.
#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// An OCDS 1.1 release package of one contract or of every contract in use.
    Ocds(OcdsArgs),
    /// 360Giving data (JSON, flat CSV, or the round figures as CSV) for a
    /// grant programme or one of its rounds.
    #[command(name = "360giving")]
    Giving360(GivingArgs),
}

/// Flags of `export ocds`.
#[derive(Debug, Clone, Args)]
pub struct OcdsArgs {
    /// The database.
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Export only the contract with this reference (default: every contract in use).
    #[arg(long, value_name = "REFERENCE")]
    pub contract: Option<String>,
    /// Write to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<std::path::PathBuf>,
    /// The prefix of every `ocid`: "ocds-" and 1 to 32 lower-case letters or digits.
    #[arg(long, env = "COMMTRACK_OCID_PREFIX",
          default_value = crate::export::settings::DEFAULT_OCID_PREFIX)]
    pub ocid_prefix: String,
    /// The day statuses and option states are read on (default: today in Europe/London).
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<chrono::NaiveDate>,
    /// The package's publishedDate, RFC 3339 (default: the latest release date).
    #[arg(long, value_name = "DATETIME")]
    pub published_date: Option<chrono::DateTime<chrono::Utc>>,
}

/// Flags of `export 360giving`.
#[derive(Debug, Clone, Args)]
pub struct GivingArgs {
    /// The database.
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// The grant programme's exact name.
    #[arg(long)]
    pub programme: String,
    /// Only this round (its number) of the programme.
    #[arg(long, value_name = "NUMBER")]
    pub round: Option<i32>,
    /// What to write.
    #[arg(long, value_enum, default_value = "json")]
    pub format: crate::export::GivingFormat,
    /// Write to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<std::path::PathBuf>,
    /// The prefix of grant and organisation identifiers: "360G-" and 1 to 32 letters or digits.
    #[arg(long, env = "COMMTRACK_360G_PREFIX",
          default_value = crate::export::settings::DEFAULT_GRANT_PREFIX)]
    pub identifier_prefix: String,
}
