//! Exact money: pounds as [`Decimal`] at the edges, integer pence inside.
//!
//! Amounts cross the API as plain decimal strings ("7280.50") so that no
//! float ever touches them, are stored as `i64` pence, and are shown to
//! people as "£7,280.50". Amounts entered by users are never negative;
//! pence values produced by calculations (e.g. refunds) may be.

use rust_decimal::Decimal;

use super::plain_decimal::{digits_value, excerpt, lex};

/// The largest amount accepted, in pence: £9,999,999,999.99.
///
/// Far above any single commissioned-service contract, yet small enough that
/// [`MAX_SAFE_SUM_TERMS`] (over nine million) maximal amounts can be added in
/// an `i64` without overflow, so totals over whole tables need no checked
/// arithmetic.
pub const MAX_PENCE: i64 = 999_999_999_999;

/// How many amounts of up to [`MAX_PENCE`] (in either sign) can be summed in
/// an `i64` without overflow.
pub const MAX_SAFE_SUM_TERMS: i64 = i64::MAX / MAX_PENCE;

const _: () = assert!(MAX_SAFE_SUM_TERMS >= 9_000_000);

/// Why an amount was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// Not a plain decimal string.
    #[error(
        "amount {input:?} is malformed: {reason}; write plain digits with an \
         optional decimal point and one or two pence digits, e.g. \"7280.50\""
    )]
    Malformed {
        /// The input (shortened if long).
        input: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// More than two digits after the decimal point.
    #[error("amount {0:?} has more than 2 decimal places; amounts are recorded to the penny")]
    TooManyDecimals(String),
    /// Below zero.
    #[error("amount {0:?} is negative; amounts must be zero or more")]
    Negative(String),
    /// Above [`MAX_PENCE`].
    #[error("amount {0:?} is out of range; the largest amount accepted is £9,999,999,999.99")]
    OutOfRange(String),
}

impl MoneyError {
    /// A stable machine-readable code for API clients.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Malformed { .. } => "MONEY_MALFORMED",
            Self::TooManyDecimals(_) => "MONEY_TOO_MANY_DECIMALS",
            Self::Negative(_) => "MONEY_NEGATIVE",
            Self::OutOfRange(_) => "MONEY_OUT_OF_RANGE",
        }
    }
}

/// Parses a user-entered amount in pounds, returning it with scale 2.
///
/// Accepts only digits with an optional decimal point followed by one or two
/// digits: "0", "7280", "7280.5", "7280.00". Everything else is refused:
/// blanks, whitespace, signs, exponents, "NaN", "Infinity", thousands
/// separators and currency symbols are `MONEY_MALFORMED`; a third decimal
/// place is `MONEY_TOO_MANY_DECIMALS` even when it is zero, because silently
/// rounding an entered figure would hide a typing error; "-1" is
/// `MONEY_NEGATIVE`; above [`MAX_PENCE`] is `MONEY_OUT_OF_RANGE`.
pub fn parse_amount(s: &str) -> Result<Decimal, MoneyError> {
    parse_pence(s).map(pence_to_decimal)
}

fn parse_pence(s: &str) -> Result<i64, MoneyError> {
    let lexed = lex(s).map_err(|reason| MoneyError::Malformed {
        input: excerpt(s),
        reason,
    })?;
    if lexed.negative {
        // "-0" is not a negative amount, just a sign where none is allowed.
        return Err(if lexed.is_zero() {
            MoneyError::Malformed {
                input: excerpt(s),
                reason: "a sign is not allowed",
            }
        } else {
            MoneyError::Negative(excerpt(s))
        });
    }
    if lexed.frac.len() > 2 {
        return Err(MoneyError::TooManyDecimals(excerpt(s)));
    }
    let max_pounds = (MAX_PENCE / 100) as u64;
    let pounds =
        digits_value(lexed.int, max_pounds).ok_or_else(|| MoneyError::OutOfRange(excerpt(s)))?;
    // "5" after the point means fifty pence, not five.
    let frac_pence = match lexed.frac.as_bytes() {
        [] => 0,
        [t] => u64::from(t - b'0') * 10,
        [t, u] => u64::from(t - b'0') * 10 + u64::from(u - b'0'),
        _ => unreachable!("fraction length checked above"),
    };
    let pence = pounds * 100 + frac_pence;
    if pence > MAX_PENCE as u64 {
        return Err(MoneyError::OutOfRange(excerpt(s)));
    }
    Ok(pence as i64)
}

/// Converts a pounds [`Decimal`] to pence under the same rules as
/// [`parse_amount`]: not negative, at most two significant decimal places
/// (trailing zeros such as 7280.5000 from a database column are fine), and
/// no more than [`MAX_PENCE`].
pub fn decimal_to_pence(d: Decimal) -> Result<i64, MoneyError> {
    if d.is_sign_negative() && !d.is_zero() {
        return Err(MoneyError::Negative(d.to_string()));
    }
    if d.normalize().scale() > 2 {
        return Err(MoneyError::TooManyDecimals(d.to_string()));
    }
    if d > pence_to_decimal(MAX_PENCE) {
        return Err(MoneyError::OutOfRange(d.to_string()));
    }
    let mut at_pence = d.abs();
    // Exact: at most two significant decimals and the value is small.
    at_pence.rescale(2);
    i64::try_from(at_pence.mantissa()).map_err(|_| MoneyError::OutOfRange(d.to_string()))
}

/// Pence as pounds with scale 2, so 35000000 displays as "350000.00".
pub fn pence_to_decimal(p: i64) -> Decimal {
    Decimal::new(p, 2)
}

/// Formats pence for people: "£208,254.93"; negative values as "-£12.50".
pub fn format_pounds(p: i64) -> String {
    let abs = p.unsigned_abs();
    let digits = (abs / 100).to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if p < 0 { "-" } else { "" };
    format!("{sign}£{grouped}.{:02}", abs % 100)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn code(s: &str) -> &'static str {
        parse_amount(s).unwrap_err().code()
    }

    #[test]
    fn parses_plain_amounts_at_scale_two() {
        for (input, shown) in [
            ("0", "0.00"),
            ("7280", "7280.00"),
            ("7280.5", "7280.50"),
            ("7280.00", "7280.00"),
            ("0.01", "0.01"),
            ("007.50", "7.50"),
            ("9999999999.99", "9999999999.99"),
        ] {
            let d = parse_amount(input).unwrap();
            assert_eq!(d.to_string(), shown, "{input}");
            assert_eq!(d.scale(), 2);
        }
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            "", " ", " 1", "1 ", "+1", "1e3", "1E3", "NaN", "Infinity", "inf", "1,000", "£5", "5.",
            ".5", "1.2.3", "0x10", "1_000", "١٢", "-0", "-0.00", "--1", "-", "5p",
        ] {
            assert_eq!(code(bad), "MONEY_MALFORMED", "{bad:?}");
        }
    }

    #[test]
    fn distinguishes_the_other_rules() {
        assert_eq!(code("7280.001"), "MONEY_TOO_MANY_DECIMALS");
        assert_eq!(code("7280.000"), "MONEY_TOO_MANY_DECIMALS");
        assert_eq!(code("-1"), "MONEY_NEGATIVE");
        assert_eq!(code("-0.01"), "MONEY_NEGATIVE");
        assert_eq!(code("-1.234"), "MONEY_NEGATIVE");
        assert_eq!(code("10000000000"), "MONEY_OUT_OF_RANGE");
        assert_eq!(code("10000000000.00"), "MONEY_OUT_OF_RANGE");
        assert_eq!(code(&"9".repeat(60)), "MONEY_OUT_OF_RANGE");
    }

    #[test]
    fn messages_name_the_rule() {
        assert_eq!(
            parse_amount("1.234").unwrap_err().to_string(),
            "amount \"1.234\" has more than 2 decimal places; amounts are recorded to the penny"
        );
        assert!(parse_amount("1,000")
            .unwrap_err()
            .to_string()
            .contains("thousands separators are not allowed"));
        let huge = parse_amount(&"x".repeat(10_000)).unwrap_err().to_string();
        assert!(huge.len() < 300);
    }

    #[test]
    fn decimal_to_pence_applies_the_same_rules() {
        assert_eq!(decimal_to_pence(dec("7280.5")), Ok(728050));
        assert_eq!(decimal_to_pence(dec("7280.5000")), Ok(728050));
        assert_eq!(decimal_to_pence(dec("0")), Ok(0));
        assert_eq!(decimal_to_pence(dec("-0.00")), Ok(0));
        assert_eq!(decimal_to_pence(dec("9999999999.99")), Ok(MAX_PENCE));
        let code = |s: &str| decimal_to_pence(dec(s)).unwrap_err().code();
        assert_eq!(code("0.001"), "MONEY_TOO_MANY_DECIMALS");
        assert_eq!(code("-5"), "MONEY_NEGATIVE");
        assert_eq!(code("10000000000"), "MONEY_OUT_OF_RANGE");
        assert_eq!(code("79228162514264337593543950335"), "MONEY_OUT_OF_RANGE");
    }

    #[test]
    fn pence_to_decimal_keeps_two_places() {
        assert_eq!(pence_to_decimal(35_000_000).to_string(), "350000.00");
        assert_eq!(pence_to_decimal(-1).to_string(), "-0.01");
        assert_eq!(pence_to_decimal(0).to_string(), "0.00");
    }

    #[test]
    fn formats_pounds_for_people() {
        assert_eq!(format_pounds(20_825_493), "£208,254.93");
        assert_eq!(format_pounds(0), "£0.00");
        assert_eq!(format_pounds(5), "£0.05");
        assert_eq!(format_pounds(100_000), "£1,000.00");
        assert_eq!(format_pounds(99_999), "£999.99");
        assert_eq!(format_pounds(-1250), "-£12.50");
        assert_eq!(format_pounds(MAX_PENCE), "£9,999,999,999.99");
        assert_eq!(format_pounds(i64::MIN), "-£92,233,720,368,547,758.08");
    }

    #[test]
    fn bound_leaves_room_for_large_sums() {
        let total = (0..MAX_SAFE_SUM_TERMS).try_fold(0i64, |acc, _| acc.checked_add(MAX_PENCE));
        assert!(total.is_some());
    }

    proptest! {
        #[test]
        fn decimal_text_round_trips(p in 0..=MAX_PENCE) {
            let d = pence_to_decimal(p);
            prop_assert_eq!(parse_amount(&d.to_string()), Ok(d));
            prop_assert_eq!(decimal_to_pence(d), Ok(p));
        }

        #[test]
        fn formatted_pounds_parse_back(p in 0..=MAX_PENCE) {
            let text = format_pounds(p).replace(['£', ','], "");
            prop_assert_eq!(decimal_to_pence(parse_amount(&text).unwrap()), Ok(p));
        }

        #[test]
        fn arbitrary_text_never_panics(s in "\\PC{0,30}") {
            if let Ok(d) = parse_amount(&s) {
                prop_assert_eq!(d.scale(), 2);
                prop_assert!(s.bytes().all(|b| b.is_ascii_digit() || b == b'.'));
            }
        }
    }
}
