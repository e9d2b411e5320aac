//! How text typed by people becomes a decimal or a date. The GraphQL
//! scalars (`Decimal`, `Date`) and CSV import both parse with these, so a
//! value accepted by one is accepted by the other, and refused alike.

use chrono::NaiveDate;
use rust_decimal::Decimal;

/// Parses `-?digits(.digits)?` exactly, keeping the scale as written;
/// exponents, `NaN`, spaces, `+` and thousands separators are refused.
pub fn parse_plain_decimal(text: &str) -> Option<Decimal> {
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = match unsigned.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (unsigned, None),
    };
    let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !fraction.is_none_or(digits) {
        return None;
    }
    Decimal::from_str_exact(text).ok()
}

/// Parses a calendar date written exactly `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .filter(|_| text.len() == 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_plain_only() {
        for good in ["0", "12", "-12.50", "208254.93"] {
            assert_eq!(parse_plain_decimal(good).unwrap().to_string(), good);
        }
        for bad in [
            "", "1e3", "NaN", "+1", " 1", "1.", ".5", "1,000", "--1", "Infinity", "£5",
        ] {
            assert!(parse_plain_decimal(bad).is_none(), "{bad:?} accepted");
        }
    }

    #[test]
    fn dates_are_iso_only() {
        assert_eq!(
            parse_date("2023-04-01"),
            NaiveDate::from_ymd_opt(2023, 4, 1)
        );
        for bad in [
            "2023-4-1",
            "2023-02-30",
            "01/04/2023",
            "2023-04-01T00:00:00Z",
            "",
        ] {
            assert!(parse_date(bad).is_none(), "{bad}");
        }
    }
}
