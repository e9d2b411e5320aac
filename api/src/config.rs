//! Command-line flags, with environment-variable fallbacks, turned into plain
//! configuration values passed down explicitly (no globals).

use std::net::SocketAddr;

use clap::{Args, Parser, Subcommand};

/// The default database: an SQLite file in the working directory, created and
/// migrated on first run.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://commtrack.db";

/// commtrack: commissioned-service contracts, grants, spend and outcomes, served over GraphQL.
#[derive(Debug, Parser)]
#[command(name = "commtrack", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
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
    /// Print the GraphQL schema (SDL), or check the committed `schema.graphql`.
    ExportSchema(ExportSchemaArgs),
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
    /// Load the demo dataset (West Yorkshire) if the database is empty.
    #[arg(long)]
    pub demo: bool,
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
