//! The `commtrack` command: parse flags, open the database, dispatch.
//! Failures print one clear line to stderr and exit non-zero.

use std::process::ExitCode;

use clap::Parser;

use crate::config::{Cli, Command, ExportSchemaArgs, KeysCommand, LogFormat, SeedArgs, ServeArgs};
use crate::seed::SeedOutcome;

/// Runs the command line and returns the process exit code.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    init_tracing(cli.log_format);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("error: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(dispatch(cli.command)) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn dispatch(command: Command) -> Result<ExitCode, String> {
    match command {
        Command::Serve(args) => serve(args).await,
        Command::Migrate(args) => {
            crate::store::open(&args.database_url)
                .await
                .map_err(|e| e.to_string())?;
            println!("database is up to date");
            Ok(ExitCode::SUCCESS)
        }
        Command::Seed(args) => seed(args).await,
        Command::Generate(args) => generate(args).await,
        Command::ExportSchema(args) => export_schema(args),
        Command::Keys(command) => keys(command).await,
        Command::Import(command) => crate::import::cli::run(command).await,
        Command::Export(command) => crate::export::command::run(command).await,
    }
}

async fn serve(args: ServeArgs) -> Result<ExitCode, String> {
    let ocid_prefix = crate::export::OcidPrefix::parse(&args.ocid_prefix).map_err(|e| match e {
        crate::error::AppError::BadInput { code, message } => format!("{message} [{code}]"),
        other => other.message().to_owned(),
    })?;
    let db = crate::store::open_with(&args.database.database_url, args.db_connections)
        .await
        .map_err(|e| e.to_string())?;
    if args.demo {
        report_seed(
            crate::seed::load_demo(&db)
                .await
                .map_err(|e| seed_error(&e))?,
        );
    }
    let listener = tokio::net::TcpListener::bind(args.bind)
        .await
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AddrInUse => format!(
                "cannot listen on {}: the address is already in use",
                args.bind
            ),
            _ => format!("cannot listen on {}: {e}", args.bind),
        })?;
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    tracing::info!(%address, "commtrack listening; GraphiQL at http://{address}/graphql");
    let security = args.security();
    if security.public_read {
        tracing::warn!("public read is on: requests without an API key may read everything");
    }
    crate::http::serve(
        listener,
        db,
        crate::http::ServerOptions {
            metrics: args.metrics,
            ocid_prefix,
            loader_delay: std::time::Duration::from_micros(args.loader_delay_us),
            ..crate::http::ServerOptions::default()
        },
        security,
    )
    .await
    .map_err(|e| e.to_string())?;
    Ok(ExitCode::SUCCESS)
}

async fn seed(args: SeedArgs) -> Result<ExitCode, String> {
    let db = crate::store::open(&args.database.database_url)
        .await
        .map_err(|e| e.to_string())?;
    let progress = progress_bar("{spinner} loading the demo dataset ({elapsed})");
    let outcome = crate::seed::load_demo(&db).await;
    progress.finish_and_clear();
    report_seed(outcome.map_err(|e| seed_error(&e))?);
    Ok(ExitCode::SUCCESS)
}

/// A progress line on stderr, drawn only when stderr is a terminal (so
/// scripts and logs get none), ticking on its own.
pub(crate) fn progress_bar(template: &str) -> indicatif::ProgressBar {
    let bar =
        indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
    if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

async fn generate(args: crate::config::GenerateArgs) -> Result<ExitCode, String> {
    use crate::seed::generate::Scale;
    let db = crate::store::open(&args.database.database_url)
        .await
        .map_err(|e| e.to_string())?;
    let scale = match args.scale {
        crate::config::ScaleArg::Small => Scale::SMALL,
        crate::config::ScaleArg::National => Scale::NATIONAL,
    };
    let progress = progress_bar("{spinner} {msg}: {human_pos} rows inserted ({elapsed})");
    let generated =
        crate::seed::generate::generate_with_progress(&db, scale, args.seed, &progress).await;
    progress.finish_and_clear();
    let summary = generated.map_err(|e| format!("cannot generate: {}", e.message()))?;
    println!("{summary}");
    Ok(ExitCode::SUCCESS)
}

async fn keys(command: KeysCommand) -> Result<ExitCode, String> {
    match command {
        KeysCommand::Create(args) => {
            let db = crate::store::open(&args.database.database_url)
                .await
                .map_err(|e| e.to_string())?;
            let organisation_id = match &args.organisation {
                Some(name) => Some(
                    crate::store::api_keys::organisation_id_by_name(&db, name)
                        .await
                        .map_err(|e| app_error("cannot create the key", &e))?
                        .ok_or_else(|| format!("no organisation is named {name:?}"))?,
                ),
                None => None,
            };
            let key_use = if args.calendar_only {
                crate::auth::keys::KeyUse::CalendarFeed
            } else {
                crate::auth::keys::KeyUse::Everywhere
            };
            let issued =
                crate::auth::keys::create(&db, &args.name, args.role, organisation_id, key_use)
                    .await
                    .map_err(|e| app_error("cannot create the key", &e))?;
            eprintln!(
                "created key {} ({}, {}); it is shown only this once:",
                issued.row.id, issued.row.name, args.role
            );
            // The key alone on stdout, so that `KEY=$(commtrack keys create ...)` works.
            println!("{}", issued.key);
            Ok(ExitCode::SUCCESS)
        }
        KeysCommand::List(database) => {
            let db = crate::store::open(&database.database_url)
                .await
                .map_err(|e| e.to_string())?;
            let keys = crate::store::api_keys::list(&db)
                .await
                .map_err(|e| app_error("cannot list the keys", &e))?;
            println!("id\tprefix\trole\tname\torganisation\tcreated\tstatus\tuse");
            for listing in keys {
                let key = listing.key;
                let status = match key.revoked_at {
                    Some(at) => format!("revoked {}", at.format("%Y-%m-%dT%H:%M:%SZ")),
                    None => "active".to_owned(),
                };
                println!(
                    "{}\tct_{}\t{}\t{}\t{}\t{}\t{status}\t{}",
                    key.id,
                    key.prefix,
                    crate::auth::keys::from_stored(key.role),
                    key.name,
                    listing.organisation.as_deref().unwrap_or("-"),
                    key.created_at.format("%Y-%m-%dT%H:%M:%SZ"),
                    if key.calendar_only { "calendar" } else { "api" },
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        KeysCommand::Revoke(args) => {
            use crate::store::api_keys::Revoked;
            let db = crate::store::open(&args.database.database_url)
                .await
                .map_err(|e| e.to_string())?;
            match crate::auth::keys::revoke(&db, args.id)
                .await
                .map_err(|e| app_error("cannot revoke the key", &e))?
            {
                Revoked::Now(key) => println!("revoked key {} ({})", key.id, key.name),
                Revoked::Already(key) => {
                    println!("key {} ({}) was already revoked", key.id, key.name)
                }
                Revoked::NoSuchKey => return Err(format!("there is no key {}", args.id)),
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// One line for an error on the command line, where the operator may see
/// internal detail (it is their own database).
fn app_error(context: &str, err: &crate::error::AppError) -> String {
    match err {
        crate::error::AppError::Internal(detail) => format!("{context}: {detail}"),
        other => format!("{context}: {}", other.message()),
    }
}

fn report_seed(outcome: SeedOutcome) {
    match outcome {
        SeedOutcome::Loaded(counts) => tracing::info!(%counts, "demo dataset loaded"),
        SeedOutcome::AlreadyLoaded => tracing::info!("demo dataset already loaded; nothing to do"),
    }
}

fn seed_error(err: &crate::error::AppError) -> String {
    match err {
        crate::error::AppError::Internal(detail) => {
            format!("cannot load the demo dataset: {detail}")
        }
        other => format!("cannot load the demo dataset: {}", other.message()),
    }
}

fn export_schema(args: ExportSchemaArgs) -> Result<ExitCode, String> {
    let sdl = crate::graphql::sdl();
    if args.check {
        let committed = std::fs::read_to_string(&args.path)
            .map_err(|e| format!("cannot read {}: {e}", args.path.display()))?;
        if committed == sdl {
            println!("{} is up to date", args.path.display());
            Ok(ExitCode::SUCCESS)
        } else {
            eprintln!(
                "{} differs from the schema in the code: run `commtrack export-schema` and commit it",
                args.path.display()
            );
            Ok(ExitCode::FAILURE)
        }
    } else if args.path.as_os_str() == "-" {
        print!("{sdl}");
        Ok(ExitCode::SUCCESS)
    } else {
        std::fs::write(&args.path, sdl)
            .map_err(|e| format!("cannot write {}: {e}", args.path.display()))?;
        println!("wrote {}", args.path.display());
        Ok(ExitCode::SUCCESS)
    }
}

fn init_tracing(format: LogFormat) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("COMMTRACK_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Text => logs.try_init(),
        LogFormat::Json => logs
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .try_init(),
    };
}
