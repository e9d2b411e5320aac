//! UK public-sector financial years and their quarters.
//!
//! A financial year runs from 1 April to 31 March and is written with the
//! start year in full and the end year as two digits: "2023-24". Contract
//! values are reported per financial year, so an annual value is apportioned
//! to years by the number of days the contract overlaps each one
//! (see [`overlap_days`]).

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};

use super::plain_decimal::excerpt;

/// The earliest start year accepted from user input.
pub const MIN_START_YEAR: i32 = 1900;
/// The latest start year accepted from user input.
pub const MAX_START_YEAR: i32 = 2199;

/// Why a financial year or quarter could not be built.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FinancialYearError {
    /// The text is not of the form `YYYY-YY`.
    #[error("financial year {0:?} is malformed: it must be written YYYY-YY, e.g. \"2023-24\"")]
    Malformed(String),
    /// The two halves of the label are not consecutive years.
    #[error(
        "financial year {input:?} does not name consecutive years: \
         a year starting in {start_year} must be written \"{expected}\""
    )]
    NotConsecutive {
        /// The text as given.
        input: String,
        /// The start year that was read.
        start_year: i32,
        /// The label that would have been accepted.
        expected: String,
    },
    /// The start year lies outside [`MIN_START_YEAR`]..=[`MAX_START_YEAR`].
    #[error(
        "financial year starting in {0} is out of range: \
         the start year must be between 1900 and 2199"
    )]
    OutOfRange(i32),
    /// A quarter number other than 1 to 4.
    #[error("quarter {0} does not exist: quarters are numbered 1 to 4")]
    InvalidQuarter(u8),
}

impl FinancialYearError {
    /// A stable machine-readable code for API clients.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Malformed(_) => "FINANCIAL_YEAR_MALFORMED",
            Self::NotConsecutive { .. } => "FINANCIAL_YEAR_NOT_CONSECUTIVE",
            Self::OutOfRange(_) => "FINANCIAL_YEAR_OUT_OF_RANGE",
            Self::InvalidQuarter(_) => "QUARTER_INVALID",
        }
    }
}

/// A UK financial year, 1 April to 31 March, identified by its start year.
///
/// The 1900..=2199 range is a plausibility check on *input*
/// ([`FinancialYear::from_start_year`], [`FromStr`]); years derived from
/// dates ([`FinancialYear::containing`], [`FinancialYear::next`]) are not
/// clamped, because refusing a real date would be worse than accepting an odd
/// one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FinancialYear {
    start_year: i32,
}

impl FinancialYear {
    /// The financial year that contains `date` (1 April starts a new year).
    pub fn containing(date: NaiveDate) -> Self {
        let start_year = if date.month() >= 4 {
            date.year()
        } else {
            date.year() - 1
        };
        Self { start_year }
    }

    /// The financial year starting on 1 April of `start_year`.
    pub fn from_start_year(start_year: i32) -> Result<Self, FinancialYearError> {
        if !(MIN_START_YEAR..=MAX_START_YEAR).contains(&start_year) {
            return Err(FinancialYearError::OutOfRange(start_year));
        }
        Ok(Self { start_year })
    }

    /// The calendar year in which this financial year starts.
    pub fn start_year(self) -> i32 {
        self.start_year
    }

    /// 1 April of the start year.
    ///
    /// # Panics
    /// Only for years beyond chrono's calendar (about ±262,000), which no
    /// real date reaches.
    pub fn start_date(self) -> NaiveDate {
        ymd(self.start_year, 4, 1)
    }

    /// 31 March of the following year, the last day of this financial year.
    ///
    /// # Panics
    /// As [`FinancialYear::start_date`].
    pub fn end_date(self) -> NaiveDate {
        ymd(self.start_year + 1, 3, 31)
    }

    /// Whether `date` falls within this financial year.
    pub fn contains(self, date: NaiveDate) -> bool {
        Self::containing(date) == self
    }

    /// The following financial year.
    pub fn next(self) -> Self {
        Self {
            start_year: self.start_year + 1,
        }
    }

    /// The preceding financial year.
    pub fn previous(self) -> Self {
        Self {
            start_year: self.start_year - 1,
        }
    }

    /// Number of days in the year: 366 when it contains a 29 February.
    pub fn days(self) -> i64 {
        // Any 29 February falls in the second calendar year of the pair.
        if is_leap_year(self.start_year + 1) {
            366
        } else {
            365
        }
    }

    /// The conventional label, e.g. "2023-24" or "1999-00".
    pub fn label(self) -> String {
        format!(
            "{:04}-{:02}",
            self.start_year,
            (self.start_year + 1).rem_euclid(100)
        )
    }

    /// First and last day (inclusive) of quarter `q` of this year.
    pub fn quarter_dates(self, q: Quarter) -> (NaiveDate, NaiveDate) {
        let y = self.start_year;
        match q {
            Quarter::Q1 => (ymd(y, 4, 1), ymd(y, 6, 30)),
            Quarter::Q2 => (ymd(y, 7, 1), ymd(y, 9, 30)),
            Quarter::Q3 => (ymd(y, 10, 1), ymd(y, 12, 31)),
            Quarter::Q4 => (ymd(y + 1, 1, 1), ymd(y + 1, 3, 31)),
        }
    }
}

impl fmt::Display for FinancialYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label())
    }
}

impl FromStr for FinancialYear {
    type Err = FinancialYearError;

    /// Strictly `YYYY-YY`: no spaces, no other separators, no short forms,
    /// so that one year has exactly one spelling in URLs and reports.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let b = s.as_bytes();
        let well_formed = b.len() == 7
            && b[..4].iter().all(u8::is_ascii_digit)
            && b[4] == b'-'
            && b[5..].iter().all(u8::is_ascii_digit);
        if !well_formed {
            return Err(FinancialYearError::Malformed(excerpt(s)));
        }
        // Both slices are ASCII digits of fixed width, so parsing cannot fail.
        let start_year: i32 = s[..4].parse().unwrap_or_default();
        let end_two: i32 = s[5..].parse().unwrap_or_default();
        let year = Self::from_start_year(start_year)?;
        if end_two != (start_year + 1) % 100 {
            return Err(FinancialYearError::NotConsecutive {
                input: s.to_owned(),
                start_year,
                expected: year.label(),
            });
        }
        Ok(year)
    }
}

/// A quarter of a financial year; Q1 is April to June.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Quarter {
    /// April to June.
    Q1,
    /// July to September.
    Q2,
    /// October to December.
    Q3,
    /// January to March.
    Q4,
}

impl Quarter {
    /// All quarters in financial-year order.
    pub const ALL: [Quarter; 4] = [Quarter::Q1, Quarter::Q2, Quarter::Q3, Quarter::Q4];

    /// The financial-year quarter that contains `date`.
    pub fn of(date: NaiveDate) -> Self {
        match date.month() {
            4..=6 => Quarter::Q1,
            7..=9 => Quarter::Q2,
            10..=12 => Quarter::Q3,
            _ => Quarter::Q4,
        }
    }

    /// 1 to 4.
    pub fn number(self) -> u8 {
        match self {
            Quarter::Q1 => 1,
            Quarter::Q2 => 2,
            Quarter::Q3 => 3,
            Quarter::Q4 => 4,
        }
    }

    /// The quarter numbered `n` (1 to 4).
    pub fn from_number(n: u8) -> Result<Self, FinancialYearError> {
        match n {
            1 => Ok(Quarter::Q1),
            2 => Ok(Quarter::Q2),
            3 => Ok(Quarter::Q3),
            4 => Ok(Quarter::Q4),
            _ => Err(FinancialYearError::InvalidQuarter(n)),
        }
    }
}

impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Q{}", self.number())
    }
}

/// Number of days two inclusive date ranges have in common, 0 if disjoint.
///
/// An empty range (start after end) overlaps nothing. Used to apportion a
/// contract's annual value to financial years by days.
pub fn overlap_days(
    a_start: NaiveDate,
    a_end_inclusive: NaiveDate,
    b_start: NaiveDate,
    b_end_inclusive: NaiveDate,
) -> i64 {
    let start = a_start.max(b_start);
    let end = a_end_inclusive.min(b_end_inclusive);
    ((end - start).num_days() + 1).max(0)
}

fn is_leap_year(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("year within chrono's calendar")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn fy(y: i32) -> FinancialYear {
        FinancialYear::from_start_year(y).unwrap()
    }

    #[test]
    fn first_of_april_starts_a_new_year() {
        assert_eq!(FinancialYear::containing(d(2023, 3, 31)), fy(2022));
        assert_eq!(FinancialYear::containing(d(2023, 4, 1)), fy(2023));
        assert_eq!(FinancialYear::containing(d(2023, 12, 31)), fy(2023));
        assert_eq!(FinancialYear::containing(d(2024, 1, 1)), fy(2023));
    }

    #[test]
    fn start_year_range_is_enforced_on_input() {
        assert!(FinancialYear::from_start_year(1900).is_ok());
        assert!(FinancialYear::from_start_year(2199).is_ok());
        for bad in [1899, 2200, -1, i32::MAX] {
            let err = FinancialYear::from_start_year(bad).unwrap_err();
            assert_eq!(err.code(), "FINANCIAL_YEAR_OUT_OF_RANGE");
        }
    }

    #[test]
    fn boundaries_and_neighbours() {
        let y = fy(2023);
        assert_eq!(y.start_year(), 2023);
        assert_eq!(y.start_date(), d(2023, 4, 1));
        assert_eq!(y.end_date(), d(2024, 3, 31));
        assert!(y.contains(d(2023, 4, 1)) && y.contains(d(2024, 3, 31)));
        assert!(!y.contains(d(2023, 3, 31)) && !y.contains(d(2024, 4, 1)));
        assert_eq!(y.next(), fy(2024));
        assert_eq!(y.previous(), fy(2022));
        assert!(y.previous() < y && y < y.next());
    }

    #[test]
    fn days_counts_leap_february() {
        assert_eq!(fy(2023).days(), 366); // contains 29 Feb 2024
        assert_eq!(fy(2024).days(), 365);
        assert_eq!(fy(1900).days(), 365); // Feb 1901 has 28 days
        assert_eq!(fy(1999).days(), 366); // 2000 is leap
        assert_eq!(fy(2099).days(), 365); // 2100 is not
    }

    #[test]
    fn labels() {
        assert_eq!(fy(2023).label(), "2023-24");
        assert_eq!(fy(1999).to_string(), "1999-00");
        assert_eq!(fy(2009).to_string(), "2009-10");
        assert_eq!(fy(2199).to_string(), "2199-00");
    }

    #[test]
    fn parses_strict_labels() {
        assert_eq!("2023-24".parse::<FinancialYear>().unwrap(), fy(2023));
        assert_eq!("1999-00".parse::<FinancialYear>().unwrap(), fy(1999));
        let code = |s: &str| s.parse::<FinancialYear>().unwrap_err().code();
        for bad in [
            "",
            "2023/24",
            "23-24",
            " 2023-24",
            "2023-24 ",
            "2023-2024",
            "2023–24",
            "2023-2",
            "２０２３-24",
            "+023-24",
            "2023--4",
            "abcd-ef",
        ] {
            assert_eq!(code(bad), "FINANCIAL_YEAR_MALFORMED", "{bad:?}");
        }
        for bad in ["2023-25", "2023-23", "1999-99", "2023-00"] {
            assert_eq!(code(bad), "FINANCIAL_YEAR_NOT_CONSECUTIVE", "{bad:?}");
        }
        for bad in ["1899-00", "2200-01", "0000-01"] {
            assert_eq!(code(bad), "FINANCIAL_YEAR_OUT_OF_RANGE", "{bad:?}");
        }
    }

    #[test]
    fn error_messages_name_the_rule() {
        let e = "2023-25".parse::<FinancialYear>().unwrap_err();
        assert_eq!(
            e.to_string(),
            "financial year \"2023-25\" does not name consecutive years: \
             a year starting in 2023 must be written \"2023-24\""
        );
        let long = "x".repeat(1000);
        let msg = long.parse::<FinancialYear>().unwrap_err().to_string();
        assert!(msg.len() < 200, "input echo is capped: {msg}");
    }

    #[test]
    fn quarters() {
        assert_eq!(Quarter::of(d(2023, 4, 1)), Quarter::Q1);
        assert_eq!(Quarter::of(d(2023, 6, 30)), Quarter::Q1);
        assert_eq!(Quarter::of(d(2023, 7, 1)), Quarter::Q2);
        assert_eq!(Quarter::of(d(2023, 12, 31)), Quarter::Q3);
        assert_eq!(Quarter::of(d(2024, 3, 31)), Quarter::Q4);
        for q in Quarter::ALL {
            assert_eq!(Quarter::from_number(q.number()).unwrap(), q);
        }
        assert_eq!(Quarter::Q3.to_string(), "Q3");
        for bad in [0, 5, 255] {
            assert_eq!(
                Quarter::from_number(bad).unwrap_err().code(),
                "QUARTER_INVALID"
            );
        }
        let y = fy(2023);
        assert_eq!(
            y.quarter_dates(Quarter::Q1),
            (d(2023, 4, 1), d(2023, 6, 30))
        );
        assert_eq!(
            y.quarter_dates(Quarter::Q4),
            (d(2024, 1, 1), d(2024, 3, 31))
        );
    }

    #[test]
    fn overlap_days_cases() {
        let y = fy(2023);
        // SARC contract 2023-04-01..2027-03-31 covers the whole year.
        assert_eq!(
            overlap_days(d(2023, 4, 1), d(2027, 3, 31), y.start_date(), y.end_date()),
            366
        );
        // Touching on a single day counts that day.
        assert_eq!(
            overlap_days(d(2023, 1, 1), d(2023, 4, 1), y.start_date(), y.end_date()),
            1
        );
        // Disjoint and empty ranges overlap nothing.
        assert_eq!(
            overlap_days(d(2020, 1, 1), d(2021, 1, 1), y.start_date(), y.end_date()),
            0
        );
        assert_eq!(
            overlap_days(d(2023, 5, 2), d(2023, 5, 1), y.start_date(), y.end_date()),
            0
        );
    }

    fn arb_date() -> impl Strategy<Value = NaiveDate> {
        // 1900-01-01 .. about 2200: every day in the plausible range.
        (0i64..110_000).prop_map(|n| d(1900, 1, 1) + chrono::Duration::days(n))
    }

    proptest! {
        #[test]
        fn containing_year_contains_date(date in arb_date()) {
            let y = FinancialYear::containing(date);
            prop_assert!(y.contains(date));
            prop_assert!(y.start_date() <= date && date <= y.end_date());
            let (qs, qe) = y.quarter_dates(Quarter::of(date));
            prop_assert!(qs <= date && date <= qe);
        }

        #[test]
        fn label_round_trips(start in MIN_START_YEAR..=MAX_START_YEAR) {
            let y = fy(start);
            prop_assert_eq!(y.label().parse::<FinancialYear>().unwrap(), y);
        }

        #[test]
        fn quarters_and_days_tile_the_year(start in MIN_START_YEAR..=MAX_START_YEAR) {
            let y = fy(start);
            prop_assert_eq!((y.end_date() - y.start_date()).num_days() + 1, y.days());
            let total: i64 = Quarter::ALL
                .iter()
                .map(|&q| { let (s, e) = y.quarter_dates(q); (e - s).num_days() + 1 })
                .sum();
            prop_assert_eq!(total, y.days());
            prop_assert_eq!(y.next().start_date(), y.end_date().succ_opt().unwrap());
        }

        #[test]
        fn overlaps_over_years_sum_to_period_length(a in arb_date(), len in 0i64..3000) {
            let b = a + chrono::Duration::days(len);
            let mut y = FinancialYear::containing(a);
            let mut total = 0;
            while y.start_date() <= b {
                total += overlap_days(a, b, y.start_date(), y.end_date());
                y = y.next();
            }
            prop_assert_eq!(total, len + 1);
        }

        #[test]
        fn overlap_is_symmetric(a in arb_date(), b in arb_date(), c in arb_date(), e in arb_date()) {
            prop_assert_eq!(overlap_days(a, b, c, e), overlap_days(c, e, a, b));
        }
    }
}
