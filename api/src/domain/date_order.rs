//! Dates that must come in order (a round opens before it closes; a
//! contract starts before its initial term ends, which ends no later than its
//! maximum end) and dates within the calendar the records cover.

use chrono::{Datelike, NaiveDate};

use super::contract_term::EndDates;

/// The first year accepted for any recorded date (as the financial-year
/// columns' CHECK constraints: 1900 to 2199).
pub const FIRST_YEAR: i32 = 1900;
/// The last year accepted for any recorded date.
pub const LAST_YEAR: i32 = 2199;

/// Why a date or a sequence of dates was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DateRuleError {
    /// A date comes before one that must precede it.
    #[error(
        "{later_field} ({later}) is before {earlier_field} ({earlier}); it must be on or after it"
    )]
    OutOfOrder {
        /// The field that must come first.
        earlier_field: &'static str,
        /// Its date.
        earlier: NaiveDate,
        /// The field that comes too early (the one to fix).
        later_field: &'static str,
        /// Its date.
        later: NaiveDate,
    },
    /// A year outside [`FIRST_YEAR`]..=[`LAST_YEAR`].
    #[error("{field} ({date}) is out of range; dates must fall between 1900 and 2199")]
    OutOfRange {
        /// The field.
        field: &'static str,
        /// Its date.
        date: NaiveDate,
    },
}

impl DateRuleError {
    /// A stable machine-readable code for API clients.
    pub fn code(&self) -> &'static str {
        match self {
            Self::OutOfOrder { .. } => "DATES_OUT_OF_ORDER",
            Self::OutOfRange { .. } => "DATE_OUT_OF_RANGE",
        }
    }

    /// The field to fix.
    pub fn field(&self) -> &'static str {
        match self {
            Self::OutOfOrder { later_field, .. } => later_field,
            Self::OutOfRange { field, .. } => field,
        }
    }
}

/// Checks that `date` falls within the years records may cover.
pub fn check_in_range(field: &'static str, date: NaiveDate) -> Result<(), DateRuleError> {
    if (FIRST_YEAR..=LAST_YEAR).contains(&date.year()) {
        Ok(())
    } else {
        Err(DateRuleError::OutOfRange { field, date })
    }
}

/// Checks that the given dates, named by field, are in range and never
/// decrease; absent dates are skipped (a round with no opening date may
/// still have to close before it is awarded). Equal dates are in order.
/// Reports the first problem, naming the field that comes too early.
pub fn check_order(dates: &[(&'static str, Option<NaiveDate>)]) -> Result<(), DateRuleError> {
    let mut previous: Option<(&'static str, NaiveDate)> = None;
    for &(field, date) in dates {
        let Some(date) = date else { continue };
        check_in_range(field, date)?;
        if let Some((earlier_field, earlier)) = previous {
            if date < earlier {
                return Err(DateRuleError::OutOfOrder {
                    earlier_field,
                    earlier,
                    later_field: field,
                    later: date,
                });
            }
        }
        previous = Some((field, date));
    }
    Ok(())
}

/// A contract's dates are in order: start ≤ initial end ≤ current end ≤
/// maximum (contractual) end, all within range. The term rules make this
/// true of every validated term; it is checked again before every write
/// because the stored dates back indexes and a CHECK constraint, and a
/// clear error beats a constraint violation.
pub fn check_contract_dates(start: NaiveDate, ends: &EndDates) -> Result<(), DateRuleError> {
    check_order(&[
        ("startDate", Some(start)),
        ("initialEndDate", Some(ends.initial)),
        ("currentEndDate", Some(ends.current)),
        ("maximumEndDate", Some(ends.contractual)),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn ordered_dates_pass_and_gaps_are_skipped() {
        assert_eq!(
            check_order(&[
                ("opensOn", Some(d(2023, 4, 1))),
                ("closesOn", None),
                ("awardedOn", Some(d(2023, 4, 1))),
            ]),
            Ok(())
        );
        assert_eq!(check_order(&[]), Ok(()));
    }

    #[test]
    fn names_the_field_that_comes_too_early() {
        let err = check_order(&[
            ("opensOn", Some(d(2023, 6, 11))),
            ("closesOn", Some(d(2023, 6, 10))),
        ])
        .unwrap_err();
        assert_eq!(err.code(), "DATES_OUT_OF_ORDER");
        assert_eq!(err.field(), "closesOn");
        assert_eq!(
            err.to_string(),
            "closesOn (2023-06-10) is before opensOn (2023-06-11); it must be on or after it"
        );
        // Compared with the last date present, across a gap.
        let err = check_order(&[
            ("periodStart", Some(d(2023, 4, 1))),
            ("middle", None),
            ("periodEnd", Some(d(2023, 3, 31))),
        ])
        .unwrap_err();
        assert_eq!(err.field(), "periodEnd");
    }

    #[test]
    fn dates_stay_within_the_covered_years() {
        assert_eq!(check_in_range("startDate", d(1900, 1, 1)), Ok(()));
        assert_eq!(check_in_range("startDate", d(2199, 12, 31)), Ok(()));
        let err = check_order(&[("startDate", Some(d(1899, 12, 31)))]).unwrap_err();
        assert_eq!(
            (err.code(), err.field()),
            ("DATE_OUT_OF_RANGE", "startDate")
        );
        assert_eq!(
            check_in_range("decideBy", d(2200, 1, 1))
                .unwrap_err()
                .code(),
            "DATE_OUT_OF_RANGE"
        );
    }

    #[test]
    fn sarc_contract_dates_are_in_order() {
        let ends = EndDates {
            initial: d(2027, 3, 31),
            current: d(2027, 3, 31),
            contractual: d(2030, 3, 31),
        };
        assert_eq!(check_contract_dates(d(2023, 4, 1), &ends), Ok(()));
        let backwards = EndDates {
            current: d(2031, 3, 31),
            ..ends
        };
        assert_eq!(
            check_contract_dates(d(2023, 4, 1), &backwards)
                .unwrap_err()
                .field(),
            "maximumEndDate"
        );
        let late_end = EndDates {
            initial: d(2199, 3, 31),
            current: d(2199, 3, 31),
            contractual: d(2202, 3, 31),
        };
        assert_eq!(
            check_contract_dates(d(2195, 4, 1), &late_end)
                .unwrap_err()
                .code(),
            "DATE_OUT_OF_RANGE"
        );
    }
}
