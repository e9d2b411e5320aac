//! Open-data exports: the Open Contracting Data Standard (OCDS 1.1 release
//! packages, with the budget breakdown, renewal, options and metrics
//! extensions) for contracts, and the 360Giving Data Standard (JSON and the
//! flat CSV) for grant rounds and programmes.
//!
//! The mapping from loaded rows to documents is pure ([`ocds`],
//! [`giving360`]); the rows come from `store::exports` in a fixed number of
//! batched queries, whatever the number of contracts or awards. Documents are
//! serde structs, written by `serde_json` and `csv`.
//!
//! - [`ocds`]: contracts as OCDS releases.
//! - [`giving360`]: grant awards as 360Giving grants, and the round figures
//!   the standard has no place for.
//! - [`settings`]: identifier prefixes and the dates a document is stamped with.
//! - [`command`]: the `commtrack export` subcommand.
//! - [`stream`]: an HTTP body written as an export is built.

use chrono::{NaiveDate, NaiveTime};
use sea_orm::DatabaseConnection;
use serde::{Serialize, Serializer};
use serde_json::value::RawValue;

use crate::domain::pence_to_decimal;
use crate::error::{AppError, AppResult};
use crate::store::exports::GrantScope;

pub mod command;
pub mod giving360;
pub mod ocds;
pub mod settings;
pub mod stream;

pub use settings::{GrantPrefix, OcidPrefix};

/// The forms a 360Giving export takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum GivingFormat {
    /// A 360Giving JSON package, with the round figures beside the grants.
    Json,
    /// The flat CSV of the grants.
    Csv,
    /// The round figures (applications, amount requested,
    /// oversubscription) as CSV.
    RoundsCsv,
}

/// The 360Giving export of the awards in `scope`, in `format`.
pub async fn giving360_document(
    db: &DatabaseConnection,
    scope: &GrantScope,
    prefix: &GrantPrefix,
    format: GivingFormat,
) -> AppResult<Vec<u8>> {
    let rows = crate::store::exports::grant_rows(db, scope).await?;
    let package = giving360::grant_package(&rows, prefix)?;
    if format == GivingFormat::Json && package.grants.is_empty() {
        return Err(AppError::NotFound(format!(
            "grants: {:?} has no awards recorded in the rounds asked for, and a 360Giving \
             package holds at least one grant (the round figures are in the rounds-csv format)",
            scope.programme
        )));
    }
    let mut out = Vec::new();
    match format {
        GivingFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &package).map_err(AppError::internal)?
        }
        GivingFormat::Csv => giving360::flat::write_grants(&package, &mut out)?,
        GivingFormat::RoundsCsv => giving360::flat::write_rounds(&package.round_figures, &mut out)?,
    }
    Ok(out)
}

/// The currency of every amount commtrack records.
pub const CURRENCY: &str = "GBP";

/// An amount of money in pence, written as a JSON *number* with exactly two
/// decimals (`7280.00`), as both standards require numbers. The digits are
/// written as they are: no float ever holds them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pounds(pub i64);

impl Pounds {
    /// The amount as text with two decimals ("7280.00"), for CSV cells.
    pub fn text(self) -> String {
        pence_to_decimal(self.0).to_string()
    }
}

impl Serialize for Pounds {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        number(self.text(), serializer)
    }
}

/// A figure stored × 10^4 (observed values), written as a JSON number
/// without trailing zeros (`30000`, `71.8`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Figure(pub i64);

impl Figure {
    /// A decimal with at most four places (a ratio such as 2.43); extra
    /// places are rounded half away from zero.
    pub fn from_decimal(value: rust_decimal::Decimal) -> Figure {
        let mut scaled =
            value.round_dp_with_strategy(4, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
        scaled.rescale(4);
        Figure(i64::try_from(scaled.mantissa()).unwrap_or(i64::MAX))
    }

    /// The figure as text ("71.8").
    pub fn text(self) -> String {
        rust_decimal::Decimal::new(self.0, 4)
            .normalize()
            .to_string()
    }
}

impl Serialize for Figure {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        number(self.text(), serializer)
    }
}

/// Writes decimal `digits` as a JSON number through `serde_json`'s raw
/// values: a float would round pennies away on large amounts.
fn number<S: Serializer>(digits: String, serializer: S) -> Result<S::Ok, S::Error> {
    let raw = RawValue::from_string(digits).map_err(serde::ser::Error::custom)?;
    raw.serialize(serializer)
}

/// The first moment of `date`, as an RFC 3339 date-time in UTC.
pub fn start_of(date: NaiveDate) -> String {
    format!("{}T00:00:00Z", date.format("%Y-%m-%d"))
}

/// The last second of `date` (end dates are inclusive days), as an RFC 3339
/// date-time in UTC.
pub fn end_of(date: NaiveDate) -> String {
    let last = date.and_time(NaiveTime::from_hms_opt(23, 59, 59).unwrap_or_default());
    format!("{}Z", last.format("%Y-%m-%dT%H:%M:%S"))
}

/// A calendar date as `YYYY-MM-DD`.
pub fn day(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_a_json_number_with_two_decimals() {
        let text = serde_json::to_string(&[Pounds(728_000), Pounds(63_995_071), Pounds(-5)])
            .expect("serialises");
        assert_eq!(text, "[7280.00,639950.71,-0.05]");
        // The largest amount commtrack stores keeps its last penny.
        let max = serde_json::to_string(&Pounds(crate::domain::MAX_PENCE)).unwrap();
        assert_eq!(max, "9999999999.99");
    }

    #[test]
    fn figures_drop_trailing_zeros() {
        let text = serde_json::to_string(&[Figure(300_000_000), Figure(718_000)]).unwrap();
        assert_eq!(text, "[30000,71.8]");
    }

    #[test]
    fn dates_are_whole_days_in_utc() {
        let d = NaiveDate::from_ymd_opt(2027, 3, 31).unwrap();
        assert_eq!(start_of(d), "2027-03-31T00:00:00Z");
        assert_eq!(end_of(d), "2027-03-31T23:59:59Z");
        assert_eq!(day(d), "2027-03-31");
    }
}
