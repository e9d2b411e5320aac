//! A CSV row as a typed row of its kind. Values are parsed exactly as the
//! API parses them (the `Decimal`, `Date` and `FinancialYear` scalars' own
//! parsers); the business rules (two decimals, not negative, dates in
//! order...) are left to the checks the mutations share, so that one rule
//! has one code wherever it is broken.

use chrono::NaiveDate;
use entity::enums::Qualifier;
use rust_decimal::Decimal;

use super::read::{Columns, Record};
use super::RowError;
use crate::domain::input::{parse_date, parse_plain_decimal};
use crate::domain::FinancialYear;

/// The cells of one row, and the problems found reading them.
pub struct Cells<'a> {
    columns: &'a Columns,
    record: &'a Record,
    /// The row's fields do not line up with the header: no cell is read.
    misaligned: bool,
    /// What is wrong with the row so far.
    pub errors: Vec<RowError>,
}

impl<'a> Cells<'a> {
    /// The cells of `record`; a row whose field count is not the header's
    /// is refused as a whole (its values cannot be told apart).
    pub fn new(columns: &'a Columns, record: &'a Record) -> Self {
        let found = record.fields.len();
        let mut cells = Cells {
            columns,
            record,
            misaligned: found != columns.width(),
            errors: Vec::new(),
        };
        if cells.misaligned {
            cells.errors.push(RowError {
                line: record.line,
                column: None,
                code: "CSV_FIELD_COUNT",
                message: format!(
                    "the row has {found} field(s) but the header has {}; quote values that contain commas",
                    columns.width()
                ),
            });
        }
        cells
    }

    /// The line the row starts on.
    pub fn line(&self) -> u64 {
        self.record.line
    }

    /// Whether a row error was found.
    pub fn is_clean(&self) -> bool {
        self.errors.is_empty()
    }

    /// Records an error of the cell in `column`.
    pub fn reject(&mut self, column: &'static str, code: &'static str, message: impl Into<String>) {
        self.errors.push(RowError {
            line: self.record.line,
            column: Some(column),
            code,
            message: message.into(),
        });
    }

    /// A cell's text, `None` when blank or absent.
    pub fn text(&self, column: &str) -> Option<&'a str> {
        if self.misaligned {
            return None;
        }
        self.columns.cell(&self.record.fields, column)
    }

    /// A cell that must be given; `None` (and `VALUE_REQUIRED`) when blank.
    pub fn required(&mut self, column: &'static str) -> Option<&'a str> {
        let value = self.text(column);
        if value.is_none() && !self.misaligned {
            self.reject(
                column,
                "VALUE_REQUIRED",
                format!("{column}: a value is required"),
            );
        }
        value
    }

    /// Parses an optional cell with `parse`; the outer `None` means refused.
    fn optional<T>(
        &mut self,
        column: &'static str,
        parse: impl FnOnce(&str) -> Result<T, (&'static str, String)>,
    ) -> Option<Option<T>> {
        match self.text(column) {
            None => Some(None),
            Some(text) => match parse(text) {
                Ok(value) => Some(Some(value)),
                Err((code, message)) => {
                    self.reject(column, code, format!("{column}: {message}"));
                    None
                }
            },
        }
    }

    /// Parses a required cell with `parse`.
    fn must<T>(
        &mut self,
        column: &'static str,
        parse: impl FnOnce(&str) -> Result<T, (&'static str, String)>,
    ) -> Option<T> {
        let text = self.required(column)?;
        match parse(text) {
            Ok(value) => Some(value),
            Err((code, message)) => {
                self.reject(column, code, format!("{column}: {message}"));
                None
            }
        }
    }

    /// An amount of money (its rules are checked later, as in `recordSpend`).
    pub fn money(&mut self, column: &'static str) -> Option<Decimal> {
        self.must(column, |text| decimal(text, "MONEY_MALFORMED"))
    }

    /// An optional figure.
    pub fn figure(&mut self, column: &'static str) -> Option<Option<Decimal>> {
        self.optional(column, |text| decimal(text, "DECIMAL_MALFORMED"))
    }

    /// A required date.
    pub fn date(&mut self, column: &'static str) -> Option<NaiveDate> {
        self.must(column, date)
    }

    /// An optional date.
    pub fn optional_date(&mut self, column: &'static str) -> Option<Option<NaiveDate>> {
        self.optional(column, date)
    }

    /// A financial year, `2023-24`.
    pub fn financial_year(&mut self, column: &'static str) -> Option<FinancialYear> {
        self.must(column, |text| {
            text.parse::<FinancialYear>()
                .map_err(|err| (err.code(), err.to_string()))
        })
    }

    /// A quarter, `Q1` to `Q4` (the GraphQL `Quarter` values).
    pub fn quarter(&mut self, column: &'static str) -> Option<Option<u8>> {
        self.optional(column, |text| match text {
            "Q1" => Ok(1),
            "Q2" => Ok(2),
            "Q3" => Ok(3),
            "Q4" => Ok(4),
            _ => Err((
                "QUARTER_INVALID",
                format!("{text:?} is not a quarter: expected Q1, Q2, Q3 or Q4"),
            )),
        })
    }

    /// A qualifier (the GraphQL `Qualifier` values); `EXACT` when blank.
    pub fn qualifier(&mut self, column: &'static str) -> Option<Qualifier> {
        let parsed = self.optional(column, |text| match text {
            "EXACT" => Ok(Qualifier::Exact),
            "APPROXIMATE" => Ok(Qualifier::Approximate),
            "AT_LEAST" => Ok(Qualifier::AtLeast),
            "AT_MOST" => Ok(Qualifier::AtMost),
            _ => Err((
                "QUALIFIER_INVALID",
                format!(
                    "{text:?} is not a qualifier: expected EXACT, APPROXIMATE, AT_LEAST or AT_MOST"
                ),
            )),
        })?;
        Some(parsed.unwrap_or(Qualifier::Exact))
    }

    /// An optional whole number.
    pub fn integer(&mut self, column: &'static str) -> Option<Option<i32>> {
        self.optional(column, |text| {
            text.parse::<i32>().map_err(|_| {
                (
                    "INTEGER_MALFORMED",
                    format!("{text:?} is not a whole number"),
                )
            })
        })
    }

    /// An optional text, as given (the shared checks clean it).
    pub fn optional_text(&self, column: &str) -> Option<String> {
        self.text(column).map(str::to_owned)
    }
}

fn decimal(text: &str, code: &'static str) -> Result<Decimal, (&'static str, String)> {
    parse_plain_decimal(text).ok_or_else(|| {
        (
            code,
            format!(
                "{:?} is not a plain decimal: expected digits with an optional fraction, such as \"1234.50\" (no commas, currency signs or exponents)",
                text.chars().take(40).collect::<String>()
            ),
        )
    })
}

fn date(text: &str) -> Result<NaiveDate, (&'static str, String)> {
    parse_date(text).ok_or_else(|| {
        (
            "DATE_MALFORMED",
            format!(
                "{:?} is not a date: expected YYYY-MM-DD",
                text.chars().take(40).collect::<String>()
            ),
        )
    })
}

/// A spend line as read, references still by name.
#[derive(Debug)]
pub struct SpendRow {
    /// The funding stream's name.
    pub funding_stream: String,
    /// The financial year.
    pub financial_year: FinancialYear,
    /// The quarter, 1 to 4.
    pub quarter: Option<u8>,
    /// The service's code.
    pub service_code: Option<String>,
    /// The contract's reference.
    pub contract_reference: Option<String>,
    /// The amount in pounds.
    pub amount: Decimal,
    /// How exactly the amount is known.
    pub qualifier: Qualifier,
    /// The source's words for the qualifier.
    pub wording: Option<String>,
    /// What the money was for.
    pub description: Option<String>,
}

impl SpendRow {
    /// Reads a spend row; `None` when a cell is refused (see `cells.errors`).
    pub fn read(cells: &mut Cells) -> Option<SpendRow> {
        let funding_stream = cells.required("fundingStream");
        let financial_year = cells.financial_year("financialYear");
        let quarter = cells.quarter("quarter");
        let amount = cells.money("amount");
        let qualifier = cells.qualifier("qualifier");
        Some(SpendRow {
            funding_stream: funding_stream?.to_owned(),
            financial_year: financial_year?,
            quarter: quarter?,
            service_code: cells.optional_text("serviceCode"),
            contract_reference: cells.optional_text("contractReference"),
            amount: amount?,
            qualifier: qualifier?,
            wording: cells.optional_text("wording"),
            description: cells.optional_text("description"),
        })
    }
}

/// A budget as read.
#[derive(Debug)]
pub struct BudgetRow {
    /// The funding stream's name.
    pub funding_stream: String,
    /// The financial year.
    pub financial_year: FinancialYear,
    /// The amount in pounds.
    pub amount: Decimal,
    /// How exactly the amount is known.
    pub qualifier: Qualifier,
    /// The source's words for the qualifier.
    pub wording: Option<String>,
    /// Free notes.
    pub notes: Option<String>,
    /// The version of the budget replaced; blank to record a first one.
    pub expected_version: Option<i32>,
}

impl BudgetRow {
    /// Reads a budget row.
    pub fn read(cells: &mut Cells) -> Option<BudgetRow> {
        let funding_stream = cells.required("fundingStream");
        let financial_year = cells.financial_year("financialYear");
        let amount = cells.money("amount");
        let qualifier = cells.qualifier("qualifier");
        let expected_version = cells.integer("expectedVersion");
        Some(BudgetRow {
            funding_stream: funding_stream?.to_owned(),
            financial_year: financial_year?,
            amount: amount?,
            qualifier: qualifier?,
            wording: cells.optional_text("wording"),
            notes: cells.optional_text("notes"),
            expected_version: expected_version?,
        })
    }
}

/// An observation as read.
#[derive(Debug)]
pub struct ObservationRow {
    /// The indicator's code.
    pub indicator_code: String,
    /// The first day of the period.
    pub period_start: NaiveDate,
    /// The last day of the period.
    pub period_end: NaiveDate,
    /// The value.
    pub value: Option<Decimal>,
    /// How exactly the value is known.
    pub qualifier: Qualifier,
    /// The source's words for the qualifier.
    pub wording: Option<String>,
    /// The target.
    pub target: Option<Decimal>,
    /// The baseline.
    pub baseline: Option<Decimal>,
    /// Free notes.
    pub notes: Option<String>,
}

impl ObservationRow {
    /// Reads an observation row.
    pub fn read(cells: &mut Cells) -> Option<ObservationRow> {
        let indicator_code = cells.required("indicatorCode");
        let period_start = cells.date("periodStart");
        let period_end = cells.date("periodEnd");
        let value = cells.figure("value");
        let qualifier = cells.qualifier("qualifier");
        let target = cells.figure("target");
        let baseline = cells.figure("baseline");
        Some(ObservationRow {
            indicator_code: indicator_code?.to_owned(),
            period_start: period_start?,
            period_end: period_end?,
            value: value?,
            qualifier: qualifier?,
            wording: cells.optional_text("wording"),
            target: target?,
            baseline: baseline?,
            notes: cells.optional_text("notes"),
        })
    }
}

/// A grant award as read.
#[derive(Debug)]
pub struct AwardRow {
    /// The programme's name.
    pub programme: String,
    /// The round's name within the programme.
    pub round: String,
    /// The recipient organisation's name.
    pub recipient: String,
    /// The partner organisation's name.
    pub partner: Option<String>,
    /// The project funded.
    pub project_name: String,
    /// What the project does.
    pub description: Option<String>,
    /// The amount in pounds.
    pub amount: Decimal,
    /// When it was awarded.
    pub awarded_on: Option<NaiveDate>,
}

impl AwardRow {
    /// Reads a grant award row.
    pub fn read(cells: &mut Cells) -> Option<AwardRow> {
        let programme = cells.required("programme");
        let round = cells.required("round");
        let recipient = cells.required("recipient");
        // Blank is refused by the shared text rule, as `awardGrant` does.
        let project_name = cells.text("projectName").unwrap_or_default();
        let amount = cells.money("amount");
        let awarded_on = cells.optional_date("awardedOn");
        Some(AwardRow {
            programme: programme?.to_owned(),
            round: round?.to_owned(),
            recipient: recipient?.to_owned(),
            partner: cells.optional_text("partner"),
            project_name: project_name.to_owned(),
            description: cells.optional_text("description"),
            amount: amount?,
            awarded_on: awarded_on?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::read::read_all;
    use crate::import::Kind;

    fn spend(file: &str) -> Vec<(Option<SpendRow>, Vec<RowError>)> {
        let header =
            csv::StringRecord::from(file.lines().next().unwrap().split(',').collect::<Vec<_>>());
        let columns = Columns::from_header(Kind::Spend, &header).unwrap();
        read_all(Kind::Spend, file.as_bytes())
            .unwrap()
            .iter()
            .map(|record| {
                let mut cells = Cells::new(&columns, record);
                let row = SpendRow::read(&mut cells);
                (row, cells.errors)
            })
            .collect()
    }

    #[test]
    fn a_good_row_is_typed() {
        let rows = spend("fundingStream,financialYear,quarter,amount,qualifier\nVictims of Crime,2023-24,Q2,7280.50,AT_MOST\n");
        let (row, errors) = &rows[0];
        assert!(errors.is_empty(), "{errors:?}");
        let row = row.as_ref().unwrap();
        assert_eq!(row.financial_year.start_year(), 2023);
        assert_eq!(row.quarter, Some(2));
        assert_eq!(row.amount.to_string(), "7280.50");
        assert_eq!(row.qualifier, Qualifier::AtMost);
        assert_eq!(row.service_code, None);
    }

    #[test]
    fn every_bad_cell_of_a_row_is_reported_with_its_column() {
        let rows = spend(
            "fundingStream,financialYear,quarter,amount,qualifier\n,2023-25,Q5,\"1,000\",ROUGHLY\n",
        );
        let (row, errors) = &rows[0];
        assert!(row.is_none());
        let found: Vec<(u64, Option<&str>, &str)> =
            errors.iter().map(|e| (e.line, e.column, e.code)).collect();
        assert_eq!(
            found,
            vec![
                (2, Some("fundingStream"), "VALUE_REQUIRED"),
                (2, Some("financialYear"), "FINANCIAL_YEAR_NOT_CONSECUTIVE"),
                (2, Some("quarter"), "QUARTER_INVALID"),
                (2, Some("amount"), "MONEY_MALFORMED"),
                (2, Some("qualifier"), "QUALIFIER_INVALID"),
            ]
        );
    }

    #[test]
    fn money_is_parsed_as_the_api_parses_it() {
        for (amount, ok) in [
            ("12.345", true), // parsed; the shared rule refuses it with MONEY_TOO_MANY_DECIMALS
            ("1e3", false),
            ("£5", false),
            (" 5", false),
            ("-5", true), // parsed; the shared rule refuses it with MONEY_NEGATIVE
        ] {
            let rows = spend(&format!(
                "fundingStream,financialYear,amount\nVictims of Crime,2023-24,{amount}\n"
            ));
            assert_eq!(rows[0].1.is_empty(), ok, "{amount}: {:?}", rows[0].1);
        }
    }

    #[test]
    fn a_row_with_too_many_fields_is_refused_as_a_whole() {
        let rows = spend("fundingStream,financialYear,amount\nVictims of Crime,2023-24,1,000.00\n");
        assert_eq!(rows[0].1.len(), 1);
        assert_eq!(rows[0].1[0].code, "CSV_FIELD_COUNT");
        assert_eq!(rows[0].1[0].column, None);
    }
}
