//! Shared lexer for the plain decimal strings accepted for money and shares.
//!
//! Amounts and percentages arrive as strings (never floats) so that no value
//! is rounded before it is validated. Both accept the same narrow syntax,
//! digits with an optional decimal point and fraction, and differ only in
//! their limits, so the syntax lives here once.

/// A syntactically valid plain decimal, split at the decimal point.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Lexed<'a> {
    /// A leading `-` was present (callers decide how to report it).
    pub negative: bool,
    /// One or more ASCII digits before the point.
    pub int: &'a str,
    /// The ASCII digits after the point; empty when there is no point.
    pub frac: &'a str,
}

impl Lexed<'_> {
    /// Whether every digit is zero.
    pub fn is_zero(&self) -> bool {
        self.int.bytes().chain(self.frac.bytes()).all(|b| b == b'0')
    }
}

/// Splits `s` into digits, or says in words why it is not a plain decimal.
pub(super) fn lex(s: &str) -> Result<Lexed<'_>, &'static str> {
    let (negative, body) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    if s.is_empty() {
        return Err("it is empty");
    }
    if s.chars().any(char::is_whitespace) {
        return Err("it contains whitespace");
    }
    if s.starts_with('+') {
        return Err("a sign is not allowed");
    }
    if s.contains(',') {
        return Err("thousands separators are not allowed");
    }
    let (int, frac) = match body.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    let all_digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(int) || !frac.is_none_or(all_digits) {
        if s.contains(['e', 'E']) && s.bytes().any(|b| b.is_ascii_digit()) {
            return Err("exponent notation is not allowed");
        }
        return Err("only digits and one decimal point are allowed");
    }
    if int.is_empty() {
        return Err("digits are required before the decimal point");
    }
    if frac == Some("") {
        return Err("digits are required after the decimal point");
    }
    Ok(Lexed {
        negative,
        int,
        frac: frac.unwrap_or(""),
    })
}

/// Parses an all-digit string with leading zeros ignored, `None` if its value
/// exceeds `limit`; digit strings of any length are safe.
pub(super) fn digits_value(digits: &str, limit: u64) -> Option<u64> {
    let significant = digits.trim_start_matches('0');
    // No u64 has more than 20 digits; stop early rather than loop on junk.
    if significant.len() > 20 {
        return None;
    }
    let value = significant.bytes().try_fold(0u64, |acc, b| {
        acc.checked_mul(10)?.checked_add(u64::from(b - b'0'))
    })?;
    (value <= limit).then_some(value)
}

/// Shortens user input echoed in error messages so that a hostile string
/// cannot bloat responses or logs.
pub(super) fn excerpt(s: &str) -> String {
    const MAX_CHARS: usize = 40;
    if s.chars().count() <= MAX_CHARS {
        s.to_owned()
    } else {
        s.chars().take(MAX_CHARS).chain(['…']).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexes_plain_decimals() {
        let l = lex("7280.50").unwrap();
        assert_eq!((l.negative, l.int, l.frac), (false, "7280", "50"));
        let l = lex("-0").unwrap();
        assert!(l.negative && l.is_zero());
        assert_eq!(lex("12").unwrap().frac, "");
    }

    #[test]
    fn explains_rejections() {
        assert_eq!(lex(""), Err("it is empty"));
        assert_eq!(lex(" 1"), Err("it contains whitespace"));
        assert_eq!(lex("+1"), Err("a sign is not allowed"));
        assert_eq!(lex("1,000"), Err("thousands separators are not allowed"));
        assert_eq!(lex("1e3"), Err("exponent notation is not allowed"));
        assert_eq!(
            lex("NaN"),
            Err("only digits and one decimal point are allowed")
        );
        assert_eq!(
            lex("1.2.3"),
            Err("only digits and one decimal point are allowed")
        );
        assert_eq!(
            lex(".5"),
            Err("digits are required before the decimal point")
        );
        assert_eq!(
            lex("5."),
            Err("digits are required after the decimal point")
        );
        assert_eq!(
            lex("-"),
            Err("digits are required before the decimal point")
        );
        assert_eq!(
            lex("--1"),
            Err("only digits and one decimal point are allowed")
        );
    }

    #[test]
    fn digits_value_never_overflows() {
        assert_eq!(digits_value("000123", 1000), Some(123));
        assert_eq!(digits_value("1001", 1000), None);
        assert_eq!(digits_value(&"9".repeat(100), u64::MAX), None);
        assert_eq!(digits_value(&"0".repeat(100), 0), Some(0));
        assert_eq!(
            digits_value("18446744073709551615", u64::MAX),
            Some(u64::MAX)
        );
        assert_eq!(digits_value("18446744073709551616", u64::MAX), None);
    }

    #[test]
    fn excerpt_caps_length() {
        assert_eq!(excerpt("short"), "short");
        assert_eq!(excerpt(&"é".repeat(100)).chars().count(), 41);
    }
}
