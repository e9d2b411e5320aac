//! Scalars and small value types shared by every area: `Date`, `DateTime`,
//! `Decimal`, `FinancialYear`, `Money`, reported figures with their
//! qualifiers, and provenance.

use async_graphql::{
    Enum, InputValueError, InputValueResult, Scalar, ScalarType, SimpleObject, Value,
};
use chrono::{DateTime as ChronoDateTime, NaiveDate, Utc};
use rust_decimal::Decimal;

use crate::domain;
use crate::domain::input::parse_plain_decimal;

/// A calendar date, `YYYY-MM-DD` (e.g. `"2023-04-01"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date(pub NaiveDate);

/// A calendar date written `YYYY-MM-DD` (e.g. `"2023-04-01"`). No time, no time zone.
#[Scalar(name = "Date")]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(text) => domain::input::parse_date(text).map(Date).ok_or_else(|| {
                InputValueError::custom(format!("{text:?} is not a date: expected YYYY-MM-DD"))
            }),
            _ => Err(InputValueError::custom(
                "a Date must be a string YYYY-MM-DD",
            )),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.format("%Y-%m-%d").to_string())
    }
}

/// An instant in UTC.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateTime(pub ChronoDateTime<Utc>);

/// An instant, RFC 3339 in UTC with a `Z` (e.g. `"2026-11-23T09:30:00.000Z"`).
#[Scalar(name = "DateTime")]
impl ScalarType for DateTime {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(text) if text.ends_with('Z') => ChronoDateTime::parse_from_rfc3339(text)
                .map(|t| DateTime(t.with_timezone(&Utc)))
                .map_err(|_| {
                    InputValueError::custom("expected RFC 3339 in UTC, e.g. 2026-11-23T09:30:00Z")
                }),
            _ => Err(InputValueError::custom(
                "a DateTime must be a string in RFC 3339 with a Z, e.g. 2026-11-23T09:30:00Z",
            )),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
    }
}

/// An exact decimal number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DecimalScalar(pub Decimal);

/// An exact decimal number written as a string (e.g. `"208254.93"`). Input is
/// accepted only as a string: a JSON number would pass through a binary float
/// and could lose pennies, so it is refused.
#[Scalar(name = "Decimal")]
impl ScalarType for DecimalScalar {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(text) => parse_plain_decimal(text)
                .map(DecimalScalar)
                .ok_or_else(|| {
                    InputValueError::custom(format!(
                        "{text:?} is not a plain decimal: expected digits with an optional sign and fraction, such as \"-12.50\""
                    ))
                }),
            _ => Err(InputValueError::custom(
                "a Decimal must be a string such as \"1234.56\", not a JSON number",
            )),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.to_string())
    }
}

/// A UK financial year, 1 April to 31 March.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FinancialYearScalar(pub domain::FinancialYear);

/// A UK financial year, 1 April to 31 March, written `"2023-24"` (1 April 2023
/// to 31 March 2024).
#[Scalar(name = "FinancialYear")]
impl ScalarType for FinancialYearScalar {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(text) => text
                .parse::<domain::FinancialYear>()
                .map(FinancialYearScalar)
                .map_err(|err| InputValueError::custom(err.to_string())),
            _ => Err(InputValueError::custom(
                "a FinancialYear must be a string such as \"2023-24\"",
            )),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.label())
    }
}

impl FinancialYearScalar {
    /// The financial year of a stored start year (e.g. 2023 for 2023-24).
    pub fn from_start_year(start_year: i32) -> Option<Self> {
        domain::FinancialYear::from_start_year(start_year)
            .ok()
            .map(FinancialYearScalar)
    }
}

/// A currency, ISO 4217.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum CurrencyCode {
    /// Pound sterling.
    Gbp,
}

/// An amount of money: an exact decimal with two places, and its currency.
#[derive(SimpleObject, Clone, Debug)]
pub struct Money {
    /// The amount, always with two decimal places (e.g. `"350000.00"`).
    pub amount: DecimalScalar,
    /// The currency (GBP).
    pub currency_code: CurrencyCode,
}

impl Money {
    /// Money from stored integer pence.
    pub fn from_pence(pence: i64) -> Self {
        Money {
            amount: DecimalScalar(domain::pence_to_decimal(pence)),
            currency_code: CurrencyCode::Gbp,
        }
    }
}

/// How exactly a figure is known. Reports often give figures loosely ("just
/// over 30,000"): such a figure is not an exact 30000, and says so.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Qualifier {
    /// The figure is exact.
    Exact,
    /// Roughly this figure ("approximately").
    Approximate,
    /// This figure or more ("over", "just over").
    AtLeast,
    /// This figure or less ("nearly", "just under").
    AtMost,
}

impl From<entity::enums::Qualifier> for Qualifier {
    fn from(q: entity::enums::Qualifier) -> Self {
        use entity::enums::Qualifier as Q;
        match q {
            Q::Exact => Qualifier::Exact,
            Q::Approximate => Qualifier::Approximate,
            Q::AtLeast => Qualifier::AtLeast,
            Q::AtMost => Qualifier::AtMost,
        }
    }
}

impl From<Qualifier> for entity::enums::Qualifier {
    fn from(q: Qualifier) -> Self {
        use entity::enums::Qualifier as Q;
        match q {
            Qualifier::Exact => Q::Exact,
            Qualifier::Approximate => Q::Approximate,
            Qualifier::AtLeast => Q::AtLeast,
            Qualifier::AtMost => Q::AtMost,
        }
    }
}

/// An amount of money as reported, with how exactly it is known.
#[derive(SimpleObject, Clone, Debug)]
pub struct ReportedAmount {
    /// The amount.
    pub money: Money,
    /// How exactly the amount is known.
    pub qualifier: Qualifier,
    /// The source's own words for the qualifier (e.g. "just under"), if any.
    pub wording: Option<String>,
}

impl ReportedAmount {
    /// A reported amount from stored columns; `None` when no amount is stored.
    pub fn from_columns(
        pence: Option<i64>,
        qualifier: Option<entity::enums::Qualifier>,
        wording: Option<&String>,
    ) -> Option<Self> {
        Some(ReportedAmount {
            money: Money::from_pence(pence?),
            qualifier: qualifier.map(Qualifier::from).unwrap_or(Qualifier::Exact),
            wording: wording.cloned(),
        })
    }
}

/// A number as reported, with how exactly it is known.
#[derive(SimpleObject, Clone, Debug)]
pub struct ReportedValue {
    /// The value.
    pub value: DecimalScalar,
    /// How exactly the value is known.
    pub qualifier: Qualifier,
    /// The source's own words for the qualifier (e.g. "nearly"), if any.
    pub wording: Option<String>,
}

/// A whole number as reported, with how exactly it is known ("nearly 150").
#[derive(SimpleObject, Clone, Debug)]
pub struct ReportedCount {
    /// The number.
    pub value: i32,
    /// How exactly it is known.
    pub qualifier: Qualifier,
    /// The source's own words for the qualifier (e.g. "nearly"), if any.
    pub wording: Option<String>,
}

/// Where a record's facts come from.
#[derive(SimpleObject, Clone, Debug)]
pub struct Provenance {
    /// The source document and section the facts come from.
    pub source: Option<String>,
    /// True when the whole record is illustrative: invented to fill a gap in
    /// the sources, not a reported fact.
    pub is_illustrative: bool,
    /// Fields of this record whose values are illustrative (invented), by
    /// GraphQL field name; empty when every field is reported or the whole
    /// record is illustrative.
    pub illustrative_fields: Vec<String>,
}

impl Provenance {
    /// Provenance from the three stored columns every fact table carries.
    pub fn from_columns(
        source: &Option<String>,
        is_illustrative: bool,
        fields: &Option<String>,
    ) -> Self {
        Provenance {
            source: source.clone(),
            is_illustrative,
            illustrative_fields: fields
                .as_deref()
                .map(|list| {
                    list.split(',')
                        .map(str::trim)
                        .filter(|f| !f.is_empty())
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default(),
        }
    }
}

/// A scaled integer (`*_e4` columns: value × 10^4) as an exact decimal.
pub fn decimal_from_e4(scaled: i64) -> DecimalScalar {
    DecimalScalar(Decimal::new(scaled, 4).normalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_plain_strings_only() {
        for good in ["0", "12", "-12.50", "208254.93"] {
            assert_eq!(parse_plain_decimal(good).unwrap().to_string(), good);
        }
        for bad in [
            "", "1e3", "NaN", "+1", " 1", "1.", ".5", "1,000", "--1", "Infinity",
        ] {
            assert!(parse_plain_decimal(bad).is_none(), "{bad:?} accepted");
        }
        assert!(<DecimalScalar as ScalarType>::parse(Value::from(12.5)).is_err());
    }

    #[test]
    fn dates_are_strict() {
        assert!(<Date as ScalarType>::parse(Value::from("2023-04-01")).is_ok());
        for bad in [
            "2023-4-1",
            "2023-02-30",
            "01/04/2023",
            "2023-04-01T00:00:00Z",
        ] {
            assert!(
                <Date as ScalarType>::parse(Value::from(bad)).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn money_keeps_two_places() {
        assert_eq!(
            Money::from_pence(35_000_000).amount.0.to_string(),
            "350000.00"
        );
    }
}
