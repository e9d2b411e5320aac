//! The built-in demo dataset: the facts of the two source reports (see
//! `shared/domain.md`), kept as a readable data file, [`DEMO`]
//! (`seed/demo.toml`), and loaded into the database by [`load_demo`].
//!
//! The file is data, not Rust, so that anyone can check a figure against the
//! report it cites: every record carries a `source` citation, loose figures
//! keep the report's qualifier and wording ("just over 30,000"), and anything
//! invented to fill a gap is marked `illustrative` (a whole record) or listed
//! in `illustrative_fields` (invented fields of a reported record).
//!
//! Loading is one transaction, all or nothing. Every amount, share,
//! financial year and term goes through the same domain rules as user input
//! (`crate::domain`), each cost-sharing tree is checked by
//! [`validate_split`](crate::domain::validate_split) before it is stored,
//! and a natural key that names no record of the file is an error naming
//! the key. Loading is idempotent: a database that already holds the
//! dataset's contracts is left alone ([`SeedOutcome::AlreadyLoaded`]); a
//! database holding other data gets the dataset added, reusing any
//! organisation, area, theme or funding stream of the same name.
//!
//! - `file`: the serde structs mirroring the file.
//! - `values`: conversions of file values through the domain rules, and
//!   natural-key resolution.
//! - `insert`: the loader and the reference tables; `contracts` (services,
//!   contracts, options, cost shares), `grants` and `figures` (budgets,
//!   spend, indicators) write the rest.

use std::collections::BTreeSet;
use std::fmt;

use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait,
};

use crate::error::{AppError, AppResult};

mod contracts;
mod figures;
pub mod file;
pub mod generate;
mod grants;
mod insert;
mod values;

#[cfg(test)]
mod tests;

pub use file::Dataset;

/// The demo dataset as shipped: `seed/demo.toml`, compiled into the binary.
pub const DEMO: &str = include_str!("demo.toml");

/// What [`load_demo`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SeedOutcome {
    /// The dataset was written; the counts are the rows inserted per table.
    Loaded(SeedCounts),
    /// The database already held the dataset; nothing was changed.
    AlreadyLoaded,
}

/// Rows inserted per table by one load. Rows reused rather than inserted
/// (an organisation, area, theme or funding stream already present under
/// the same name) are not counted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SeedCounts {
    /// `organisations` rows.
    pub organisations: u64,
    /// `organisation_roles` rows.
    pub organisation_roles: u64,
    /// `areas` rows.
    pub areas: u64,
    /// `themes` rows.
    pub themes: u64,
    /// `funding_streams` rows.
    pub funding_streams: u64,
    /// `services` rows.
    pub services: u64,
    /// `service_areas` rows.
    pub service_areas: u64,
    /// `service_themes` rows.
    pub service_themes: u64,
    /// `service_partners` rows.
    pub service_partners: u64,
    /// `contracts` rows.
    pub contracts: u64,
    /// `extension_options` rows.
    pub extension_options: u64,
    /// `cost_shares` rows.
    pub cost_shares: u64,
    /// `grant_programmes` rows.
    pub grant_programmes: u64,
    /// `grant_rounds` rows.
    pub grant_rounds: u64,
    /// `grant_round_themes` rows.
    pub grant_round_themes: u64,
    /// `grant_awards` rows.
    pub grant_awards: u64,
    /// `grant_award_areas` rows.
    pub grant_award_areas: u64,
    /// `grant_award_themes` rows.
    pub grant_award_themes: u64,
    /// `budgets` rows.
    pub budgets: u64,
    /// `spend_lines` rows.
    pub spend_lines: u64,
    /// `indicators` rows.
    pub indicators: u64,
    /// `observations` rows.
    pub observations: u64,
}

impl SeedCounts {
    /// Each table's name with its count, in load order.
    pub fn tables(&self) -> [(&'static str, u64); 22] {
        [
            ("organisations", self.organisations),
            ("organisation_roles", self.organisation_roles),
            ("areas", self.areas),
            ("themes", self.themes),
            ("funding_streams", self.funding_streams),
            ("services", self.services),
            ("service_areas", self.service_areas),
            ("service_themes", self.service_themes),
            ("service_partners", self.service_partners),
            ("contracts", self.contracts),
            ("extension_options", self.extension_options),
            ("cost_shares", self.cost_shares),
            ("grant_programmes", self.grant_programmes),
            ("grant_rounds", self.grant_rounds),
            ("grant_round_themes", self.grant_round_themes),
            ("grant_awards", self.grant_awards),
            ("grant_award_areas", self.grant_award_areas),
            ("grant_award_themes", self.grant_award_themes),
            ("budgets", self.budgets),
            ("spend_lines", self.spend_lines),
            ("indicators", self.indicators),
            ("observations", self.observations),
        ]
    }

    /// Rows inserted in all tables.
    pub fn total(&self) -> u64 {
        self.tables().iter().map(|(_, n)| n).sum()
    }
}

impl fmt::Display for SeedCounts {
    /// One line: "organisations 20, organisation_roles 21, ...".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (table, n)) in self.tables().iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{table} {n}")?;
        }
        Ok(())
    }
}

/// Parses a dataset file. Syntax errors, unknown keys and wrongly typed
/// values are `SEED_MALFORMED` with TOML's line and column; the values
/// themselves are checked when the dataset is loaded.
pub fn parse_dataset(text: &str) -> AppResult<Dataset> {
    toml::from_str(text).map_err(|e| {
        AppError::bad_input(
            "SEED_MALFORMED",
            format!("demo dataset: {}", e.to_string().trim_end()),
        )
    })
}

/// Loads the built-in demo dataset ([`DEMO`]) into `db`, in one transaction.
///
/// Returns [`SeedOutcome::AlreadyLoaded`] without changing anything when all
/// of the dataset's contract references already exist. Otherwise inserts
/// every record, reusing organisations, areas, themes and funding streams
/// that already exist under the same name, and returns the rows inserted.
/// A value the domain rules refuse, an unresolved natural key, or a record
/// that clashes with other data already in the database is an
/// [`AppError::BadInput`] naming the record and field, and leaves the
/// database as it was.
pub async fn load_demo(db: &DatabaseConnection) -> AppResult<SeedOutcome> {
    load_dataset(db, &parse_dataset(DEMO)?).await
}

/// Loads any dataset in the shape of [`DEMO`] under the rules of
/// [`load_demo`].
pub async fn load_dataset(db: &DatabaseConnection, data: &Dataset) -> AppResult<SeedOutcome> {
    let txn = db.begin().await?;
    // Checking presence inside the transaction keeps two concurrent loads
    // from both deciding to insert.
    let result = match presence(&txn, data).await {
        Ok(true) => Ok(SeedOutcome::AlreadyLoaded),
        Ok(false) => insert::Loader::new(&txn, data)
            .run()
            .await
            .map(SeedOutcome::Loaded),
        Err(err) => Err(err),
    };
    match result {
        Ok(SeedOutcome::Loaded(counts)) => {
            txn.commit().await?;
            Ok(SeedOutcome::Loaded(counts))
        }
        other => {
            // Nothing to keep: already loaded, or failed part-way.
            if let Err(err) = txn.rollback().await {
                tracing::warn!(error = %err, "rolling back the demo dataset load failed");
            }
            other
        }
    }
}

/// Whether the dataset is already in the database: true when every contract
/// reference exists, false when none does. Some but not all is an error,
/// since loading would then clash with the contracts already there.
async fn presence<C: ConnectionTrait>(db: &C, data: &Dataset) -> AppResult<bool> {
    use entity::contract;

    // Contracts are what identify the dataset: the reference tables may
    // legitimately exist already with other data.
    let references: BTreeSet<&str> = data
        .contracts
        .iter()
        .map(|c| c.reference.as_str())
        .collect();
    if references.is_empty() {
        return Err(AppError::bad_input(
            "SEED_NO_CONTRACTS",
            "demo dataset: it has no contracts, so whether it is already loaded cannot be told",
        ));
    }
    let mut found: Vec<String> = contract::Entity::find()
        .filter(contract::Column::Reference.is_in(references.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.reference)
        .collect();
    found.sort();
    found.dedup();
    if found.is_empty() {
        Ok(false)
    } else if found.len() == references.len() {
        Ok(true)
    } else {
        Err(AppError::bad_input(
            "SEED_PARTIALLY_LOADED",
            format!(
                "demo dataset: the database holds some of its contracts ({}) but not all; \
                 it cannot be loaded over them",
                found.join(", ")
            ),
        ))
    }
}
