//! Reach and outcome figures (people reached, a satisfaction rate, cases):
//! exact decimals with up to four places, stored scaled by 10^4.

use rust_decimal::Decimal;

/// The largest figure accepted: a trillion, far above any count of people
/// or cases, and small enough that sums of millions of figures fit an `i64`
/// once scaled by 10^4.
pub const MAX_FIGURE: i64 = 1_000_000_000_000;

/// Why a figure was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FigureError {
    /// More than four decimal places.
    #[error("{0} has more than 4 decimal places")]
    TooManyDecimals(Decimal),
    /// Below zero.
    #[error("{0} is negative; reach and outcome figures are zero or more")]
    Negative(Decimal),
    /// Above [`MAX_FIGURE`].
    #[error("{0} is out of range; the largest figure accepted is 1000000000000")]
    OutOfRange(Decimal),
    /// A percentage above 100.
    #[error("{0} is over 100 for a percentage")]
    Over100Percent(Decimal),
}

impl FigureError {
    /// A stable machine-readable code for API clients.
    pub fn code(&self) -> &'static str {
        match self {
            Self::TooManyDecimals(_) => "FIGURE_TOO_MANY_DECIMALS",
            Self::Negative(_) => "FIGURE_NEGATIVE",
            Self::OutOfRange(_) => "FIGURE_OUT_OF_RANGE",
            Self::Over100Percent(_) => "FIGURE_OVER_100_PERCENT",
        }
    }
}

/// A figure as an integer scaled by 10^4 (71.8 is 718000), exact: more than
/// four decimal places is refused rather than rounded, and so are negative
/// figures, figures above [`MAX_FIGURE`], and percentages above 100.
pub fn figure_to_e4(value: Decimal, is_percentage: bool) -> Result<i64, FigureError> {
    if value.is_sign_negative() && !value.is_zero() {
        return Err(FigureError::Negative(value));
    }
    if value.normalize().scale() > 4 {
        return Err(FigureError::TooManyDecimals(value));
    }
    if value > Decimal::from(MAX_FIGURE) {
        return Err(FigureError::OutOfRange(value));
    }
    if is_percentage && value > Decimal::ONE_HUNDRED {
        return Err(FigureError::Over100Percent(value));
    }
    let mut scaled = value.abs();
    scaled.rescale(4);
    i64::try_from(scaled.mantissa()).map_err(|_| FigureError::OutOfRange(value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn scales_reported_figures() {
        assert_eq!(figure_to_e4(dec("71.8"), true), Ok(718_000));
        assert_eq!(figure_to_e4(dec("30000"), false), Ok(300_000_000));
        assert_eq!(figure_to_e4(dec("0.0001"), false), Ok(1));
        assert_eq!(figure_to_e4(dec("100"), true), Ok(1_000_000));
        assert_eq!(figure_to_e4(dec("-0"), false), Ok(0));
        assert_eq!(
            figure_to_e4(dec("1000000000000"), false),
            Ok(MAX_FIGURE * 10_000)
        );
    }

    #[test]
    fn refuses_what_it_cannot_store_exactly() {
        let code = |s: &str, pct| figure_to_e4(dec(s), pct).unwrap_err().code();
        assert_eq!(code("71.80001", true), "FIGURE_TOO_MANY_DECIMALS");
        assert_eq!(code("-1", false), "FIGURE_NEGATIVE");
        assert_eq!(code("1000000000000.0001", false), "FIGURE_OUT_OF_RANGE");
        assert_eq!(code("100.01", true), "FIGURE_OVER_100_PERCENT");
        assert_eq!(figure_to_e4(dec("100.01"), false), Ok(1_000_100));
    }
}
