//! CSV import of spend lines, budgets, observations and grant awards.
//!
//! A file is read as a stream ([`read`]: a blocking reader thread hands
//! rows over a bounded channel in chunks), each row is parsed into a typed
//! row ([`rows`], with the parsers the GraphQL scalars use), and
//! `store::import` resolves the human keys, checks the rules with the same
//! code as the mutations, and writes everything in one transaction. This
//! module knows the kinds, their columns and templates, and how errors are
//! reported: by line and column, with the mutations' codes.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

pub mod cli;
pub mod read;
pub mod rows;

/// What a file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Spend lines (`recordSpend`).
    Spend,
    /// Funding stream budgets (`recordBudget`).
    Budgets,
    /// Reach and outcome observations (`recordObservation`).
    Observations,
    /// Grant awards (`awardGrant`).
    GrantAwards,
}

/// A column of a kind's file.
#[derive(Clone, Copy, Debug)]
pub struct Column {
    /// The header, as in the mutation's input where the value is the same.
    pub name: &'static str,
    /// Whether every row must give a value.
    pub required: bool,
    /// The value in the template's example row.
    pub example: &'static str,
}

const fn col(name: &'static str, required: bool, example: &'static str) -> Column {
    Column {
        name,
        required,
        example,
    }
}

const SPEND: &[Column] = &[
    col("fundingStream", true, "Victims of Crime"),
    col("financialYear", true, "2023-24"),
    col("quarter", false, "Q1"),
    col("serviceCode", false, "ISAC"),
    col("contractReference", false, "WYCA-ISAC-2022"),
    col("amount", true, "112500.00"),
    col("qualifier", false, "EXACT"),
    col("wording", false, ""),
    col("description", false, "ISAC quarterly payment"),
];

const BUDGETS: &[Column] = &[
    col("fundingStream", true, "Community Safety"),
    col("financialYear", true, "2025-26"),
    col("amount", true, "1500000.00"),
    col("qualifier", false, "EXACT"),
    col("wording", false, ""),
    col("notes", false, "as agreed by the panel"),
    col("expectedVersion", false, ""),
];

const OBSERVATIONS: &[Column] = &[
    col("indicatorCode", true, "VRP-YOUNG-PEOPLE-REACHED"),
    col("periodStart", true, "2023-04-01"),
    col("periodEnd", true, "2024-03-31"),
    col("value", false, "31250"),
    col("qualifier", false, "EXACT"),
    col("wording", false, ""),
    col("target", false, ""),
    col("baseline", false, ""),
    col("notes", false, ""),
];

const GRANT_AWARDS: &[Column] = &[
    col("programme", true, "Mayor's Safer Communities Fund"),
    col("round", true, "Grant Round 4"),
    col("recipient", true, "Victim Support"),
    col("partner", false, ""),
    col("projectName", true, "Stalking awareness sessions"),
    col("description", false, ""),
    col("amount", true, "5000.00"),
    col("awardedOn", false, "2023-09-01"),
];

impl Kind {
    /// Every kind, in the order the documentation lists them.
    pub const ALL: [Kind; 4] = [
        Kind::Spend,
        Kind::Budgets,
        Kind::Observations,
        Kind::GrantAwards,
    ];

    /// The kind's name on the command line and in `/import/{kind}`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Spend => "spend",
            Kind::Budgets => "budgets",
            Kind::Observations => "observations",
            Kind::GrantAwards => "grant-awards",
        }
    }

    /// The kind's columns, in template order.
    pub fn columns(self) -> &'static [Column] {
        match self {
            Kind::Spend => SPEND,
            Kind::Budgets => BUDGETS,
            Kind::Observations => OBSERVATIONS,
            Kind::GrantAwards => GRANT_AWARDS,
        }
    }

    /// The column holding what a mutation's input field (`contractId`)
    /// names, for reporting its rejections by column.
    pub fn column_of_field(self, field: &str) -> &'static str {
        let renamed = match field {
            "fundingStreamId" => "fundingStream",
            "serviceId" => "serviceCode",
            "contractId" => "contractReference",
            "indicatorId" => "indicatorCode",
            "roundId" => "round",
            "recipientId" => "recipient",
            "partnerId" => "partner",
            other => other,
        };
        self.columns()
            .iter()
            .find(|c| c.name == renamed)
            .map(|c| c.name)
            .unwrap_or("")
    }

    /// The template: the header row and one example row (demo data).
    pub fn template(self) -> String {
        let mut writer = csv::Writer::from_writer(Vec::new());
        let columns = self.columns();
        // Writing to a Vec cannot fail.
        let _ = writer.write_record(columns.iter().map(|c| c.name));
        let _ = writer.write_record(columns.iter().map(|c| c.example));
        String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Kind {
    type Err = FileError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Kind::ALL.into_iter().find(|k| k.name() == s).ok_or_else(|| {
            FileError::new(
                "IMPORT_KIND_UNKNOWN",
                format!(
                    "unknown import kind {:?}: expected spend, budgets, observations or grant-awards",
                    s.chars().take(40).collect::<String>()
                ),
            )
        })
    }
}

/// A problem with the file as a whole (its header, its encoding, reading
/// it): nothing is imported.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FileError {
    /// The machine code (`CSV_NOT_UTF8`, `CSV_COLUMN_UNKNOWN`...).
    pub code: &'static str,
    /// What is wrong, for people.
    pub message: String,
    /// The line at fault, when there is one.
    pub line: Option<u64>,
}

impl FileError {
    /// A file error not tied to a line.
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        FileError {
            code,
            message: message.into(),
            line: None,
        }
    }

    /// A file error at `line`.
    pub fn at(line: u64, code: &'static str, message: impl Into<String>) -> Self {
        FileError {
            line: Some(line),
            ..FileError::new(code, message)
        }
    }
}

/// One problem with one row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RowError {
    /// The line of the file the row starts on (the header is line 1).
    pub line: u64,
    /// The column at fault; `None` for the row as a whole.
    pub column: Option<&'static str>,
    /// The rule's code, as the mutations give it (`MONEY_TOO_MANY_DECIMALS`).
    pub code: &'static str,
    /// What is wrong, for people.
    pub message: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}", self.line)?;
        if let Some(column) = self.column {
            write!(f, ", column {column}")?;
        }
        write!(f, ": {}: {}", self.code, self.message)
    }
}

/// How many row errors a report lists; the rest are only counted.
pub const MAX_LISTED_ERRORS: usize = 1000;

/// What an import did, or would do.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// The kind imported.
    pub kind: &'static str,
    /// Whether this was a dry run (nothing written).
    pub dry_run: bool,
    /// Data rows read (the header not counted).
    pub rows_read: u64,
    /// Rows written: all of them, or none.
    pub rows_imported: u64,
    /// The first [`MAX_LISTED_ERRORS`] row errors, in file order.
    pub errors: Vec<RowError>,
    /// How many row errors there were in all.
    pub error_count: u64,
}

impl Report {
    /// An empty report for `kind`.
    pub fn new(kind: Kind, dry_run: bool) -> Self {
        Report {
            kind: kind.name(),
            dry_run,
            rows_read: 0,
            rows_imported: 0,
            errors: Vec::new(),
            error_count: 0,
        }
    }

    /// Records a row error (listing it while under the cap).
    pub fn error(&mut self, error: RowError) {
        self.error_count += 1;
        if self.errors.len() < MAX_LISTED_ERRORS {
            self.errors.push(error);
        }
    }

    /// Whether every row was good.
    pub fn is_clean(&self) -> bool {
        self.error_count == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_and_unknown_ones_are_coded() {
        for kind in Kind::ALL {
            assert_eq!(kind.name().parse::<Kind>(), Ok(kind));
        }
        let err = "contracts".parse::<Kind>().unwrap_err();
        assert_eq!(err.code, "IMPORT_KIND_UNKNOWN");
    }

    #[test]
    fn templates_are_a_header_and_an_example_row() {
        let template = Kind::Spend.template();
        let mut lines = template.lines();
        assert_eq!(
            lines.next(),
            Some("fundingStream,financialYear,quarter,serviceCode,contractReference,amount,qualifier,wording,description")
        );
        assert!(lines
            .next()
            .unwrap()
            .starts_with("Victims of Crime,2023-24,Q1,ISAC,"));
        assert_eq!(lines.next(), None);
        // The example row of every kind parses.
        for kind in Kind::ALL {
            let rows = read::read_all(kind, kind.template().as_bytes()).unwrap();
            assert_eq!(rows.len(), 1, "{kind}");
        }
    }

    #[test]
    fn rejections_map_to_columns() {
        assert_eq!(
            Kind::Spend.column_of_field("contractId"),
            "contractReference"
        );
        assert_eq!(Kind::Spend.column_of_field("amount"), "amount");
        assert_eq!(
            Kind::GrantAwards.column_of_field("recipientId"),
            "recipient"
        );
        assert_eq!(Kind::Spend.column_of_field("nothing"), "");
    }

    #[test]
    fn reports_cap_the_listed_errors() {
        let mut report = Report::new(Kind::Spend, true);
        for line in 0..(MAX_LISTED_ERRORS as u64 + 5) {
            report.error(RowError {
                line,
                column: None,
                code: "X",
                message: String::new(),
            });
        }
        assert_eq!(report.errors.len(), MAX_LISTED_ERRORS);
        assert_eq!(report.error_count, MAX_LISTED_ERRORS as u64 + 5);
    }
}
