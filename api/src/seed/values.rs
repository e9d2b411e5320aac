//! Converting a dataset file's values to stored values, through the domain
//! rules, with errors that name the record and field at fault.

use std::collections::{HashMap, HashSet};
use std::str::FromStr;

use chrono::NaiveDate;
use entity::enums::Qualifier;
use sea_orm::ActiveEnum;
use toml::value::Datetime;

use crate::domain::{decimal_to_pence, parse_amount, parse_percentage, FinancialYear, Quarter};
use crate::error::{AppError, AppResult};

use super::file::{CountFigure, MoneyFigure};

/// The record a value belongs to, for error messages: `contract
/// "WYCA-SARC-2023", field cost_shares[0].share: ...`.
#[derive(Clone, Debug)]
pub(super) struct At {
    what: String,
}

impl At {
    /// A record of kind `kind` with natural key `key`.
    pub fn new(kind: &str, key: impl std::fmt::Display) -> Self {
        At {
            what: format!("{kind} \"{key}\""),
        }
    }

    /// A record nested in this one, e.g. an option of a contract.
    pub fn child(&self, kind: &str, key: impl std::fmt::Display) -> Self {
        At {
            what: format!("{}, {kind} {key}", self.what),
        }
    }

    /// A bad-input error about `field` of this record.
    pub fn err(
        &self,
        field: &str,
        code: &'static str,
        message: impl std::fmt::Display,
    ) -> AppError {
        AppError::bad_input(
            code,
            format!("demo dataset: {}, field {field}: {message}", self.what),
        )
    }

    /// An error for a natural key that names no record of the dataset.
    pub fn unresolved(&self, field: &str, kind: &str, key: &str) -> AppError {
        self.err(
            field,
            "SEED_REFERENCE_UNRESOLVED",
            format!("no {kind} named \"{key}\" in the dataset"),
        )
    }

    /// Pounds to pence through [`parse_amount`] and [`decimal_to_pence`].
    pub fn pence(&self, field: &str, amount: &str) -> AppResult<i64> {
        parse_amount(amount)
            .and_then(decimal_to_pence)
            .map_err(|e| self.err(field, e.code(), e))
    }

    /// A money figure as (pence, qualifier, wording).
    pub fn money_figure(
        &self,
        field: &str,
        figure: &MoneyFigure,
    ) -> AppResult<(i64, Qualifier, Option<String>)> {
        Ok((
            self.pence(&format!("{field}.amount"), &figure.amount)?,
            self.enumerated(&format!("{field}.qualifier"), &figure.qualifier)?,
            self.wording(&format!("{field}.wording"), figure.wording.as_deref())?,
        ))
    }

    /// A count figure as (count, qualifier, wording).
    pub fn count_figure(
        &self,
        field: &str,
        figure: &CountFigure,
    ) -> AppResult<(i32, Qualifier, Option<String>)> {
        Ok((
            self.int(&format!("{field}.count"), figure.count)?,
            self.enumerated(&format!("{field}.qualifier"), &figure.qualifier)?,
            self.wording(&format!("{field}.wording"), figure.wording.as_deref())?,
        ))
    }

    /// A percentage share to parts per million through [`parse_percentage`].
    pub fn share_ppm(&self, field: &str, share: &str) -> AppResult<crate::domain::SharePpm> {
        parse_percentage(share).map_err(|e| self.err(field, e.code(), e))
    }

    /// A financial year label ("2023-24") to its start year.
    pub fn financial_year(&self, field: &str, label: &str) -> AppResult<i32> {
        FinancialYear::from_str(label)
            .map(FinancialYear::start_year)
            .map_err(|e| self.err(field, e.code(), e))
    }

    /// A quarter number, checked to be 1 to 4.
    pub fn quarter(&self, field: &str, quarter: Option<u8>) -> AppResult<Option<i32>> {
        quarter
            .map(|n| {
                Quarter::from_number(n)
                    .map(|q| i32::from(q.number()))
                    .map_err(|e| self.err(field, e.code(), e))
            })
            .transpose()
    }

    /// A whole number that must fit the database's INTEGER.
    pub fn int(&self, field: &str, n: u32) -> AppResult<i32> {
        i32::try_from(n).map_err(|_| {
            self.err(
                field,
                "SEED_NUMBER_OUT_OF_RANGE",
                format!("{n} is too large"),
            )
        })
    }

    /// A TOML value that must be a plain date (no time, no offset).
    pub fn date(&self, field: &str, value: &Datetime) -> AppResult<NaiveDate> {
        let bad = || {
            self.err(
                field,
                "SEED_DATE_MALFORMED",
                format!("{value} is not a plain date; write e.g. 2023-04-01"),
            )
        };
        match (value.date, value.time, value.offset) {
            (Some(d), None, None) => {
                NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
                    .ok_or_else(bad)
            }
            _ => Err(bad()),
        }
    }

    /// An optional date.
    pub fn opt_date(&self, field: &str, value: Option<&Datetime>) -> AppResult<Option<NaiveDate>> {
        value.map(|v| self.date(field, v)).transpose()
    }

    /// One of an enumeration's stored names, e.g. "at_least".
    pub fn enumerated<E>(&self, field: &str, value: &str) -> AppResult<E>
    where
        E: ActiveEnum<Value = String>,
    {
        E::try_from_value(&value.to_owned()).map_err(|_| {
            self.err(
                field,
                "SEED_UNKNOWN_VALUE",
                format!("\"{value}\" is not one of: {}", E::values().join(", ")),
            )
        })
    }

    /// The report's wording of a loose figure: if given, not blank.
    pub fn wording(&self, field: &str, wording: Option<&str>) -> AppResult<Option<String>> {
        match wording {
            Some(w) if w.trim().is_empty() => Err(self.err(
                field,
                "SEED_BLANK",
                "wording, when given, must not be blank",
            )),
            other => Ok(other.map(str::to_owned)),
        }
    }

    /// A decimal string scaled by 10^4 for the `*_e4` columns.
    pub fn e4(&self, field: &str, value: &str) -> AppResult<i64> {
        scaled_e4(value).map_err(|reason| {
            self.err(
                field,
                "SEED_VALUE_MALFORMED",
                format!("\"{value}\" {reason}"),
            )
        })
    }

    /// An optional decimal string scaled by 10^4.
    pub fn opt_e4(&self, field: &str, value: Option<&str>) -> AppResult<Option<i64>> {
        value.map(|v| self.e4(field, v)).transpose()
    }

    /// The illustrative marking of a record as stored: the flag, and the
    /// invented fields joined with commas. Field names must be GraphQL
    /// camelCase names, each listed once; a record is either wholly
    /// invented or has invented fields, not both.
    pub fn illustrative(
        &self,
        whole: bool,
        fields: &[String],
    ) -> AppResult<(bool, Option<String>)> {
        if whole && !fields.is_empty() {
            return Err(self.err(
                "illustrative_fields",
                "SEED_ILLUSTRATIVE_CONFLICT",
                "a record marked illustrative = true is wholly invented; drop illustrative_fields",
            ));
        }
        let mut seen = HashSet::new();
        for name in fields {
            let camel = name.starts_with(|c: char| c.is_ascii_lowercase())
                && name.chars().all(|c| c.is_ascii_alphanumeric());
            if !camel {
                return Err(self.err(
                    "illustrative_fields",
                    "SEED_ILLUSTRATIVE_FIELD_MALFORMED",
                    format!("\"{name}\" is not a GraphQL camelCase field name, e.g. \"decideBy\""),
                ));
            }
            if !seen.insert(name.as_str()) {
                return Err(self.err(
                    "illustrative_fields",
                    "SEED_ILLUSTRATIVE_FIELD_DUPLICATE",
                    format!("\"{name}\" is listed twice"),
                ));
            }
        }
        Ok((whole, (!fields.is_empty()).then(|| fields.join(","))))
    }

    /// Checks a citation: it must start with one of the dataset's document
    /// citations followed by ", " and the paragraph, so every stored fact
    /// can be traced to a place in a report.
    pub fn source(&self, citations: &[String], source: &str) -> AppResult<Option<String>> {
        let cites_a_document = citations.iter().any(|c| {
            source
                .strip_prefix(c.as_str())
                .and_then(|rest| rest.strip_prefix(", "))
                .is_some_and(|paragraph| !paragraph.trim().is_empty())
        });
        if cites_a_document {
            Ok(Some(source.to_owned()))
        } else {
            Err(self.err(
                "source",
                "SEED_SOURCE_UNCITED",
                format!(
                    "\"{source}\" does not cite a document of [about]; write \"<citation>, <paragraph>\" with one of: {}",
                    citations.join("; ")
                ),
            ))
        }
    }

    /// Checks that a list of natural keys names each key once.
    pub fn distinct(&self, field: &str, keys: &[String]) -> AppResult<()> {
        let mut seen = HashSet::new();
        match keys.iter().find(|k| !seen.insert(k.as_str())) {
            Some(dup) => Err(self.err(
                field,
                "SEED_DUPLICATE",
                format!("\"{dup}\" is listed twice"),
            )),
            None => Ok(()),
        }
    }
}

/// A plain decimal string ("71.8", "30000", "-2.5") as an exact integer
/// scaled by 10^4: "71.8" is 718000. More than 4 decimal places is an error
/// rather than a rounding, so no reported figure is silently altered.
pub(super) fn scaled_e4(s: &str) -> Result<i64, &'static str> {
    let (negative, body) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() || !digits(int) || !digits(frac) || (body.contains('.') && frac.is_empty()) {
        return Err("is not a plain decimal such as \"71.8\"");
    }
    if frac.len() > 4 {
        return Err("has more than 4 decimal places");
    }
    let mut value: i64 = 0;
    for b in int.bytes().chain(frac.bytes()) {
        value = value
            .checked_mul(10)
            .and_then(|v| v.checked_add(i64::from(b - b'0')))
            .ok_or("is out of range")?;
    }
    for _ in frac.len()..4 {
        value = value.checked_mul(10).ok_or("is out of range")?;
    }
    Ok(if negative { -value } else { value })
}

/// Natural key to id, for the records of the file written so far.
pub(super) type Keys = HashMap<String, i64>;

/// A required text: not blank, at most `max` characters (the schema's limit).
pub(super) fn text(at: &At, field: &str, value: &str, max: usize) -> AppResult<()> {
    let len = value.chars().count();
    if value.trim().is_empty() || len > max {
        Err(at.err(
            field,
            "SEED_TEXT_LENGTH",
            format!("must be 1 to {max} characters and not blank, not {len}"),
        ))
    } else {
        Ok(())
    }
}

/// Resolves a natural key against the records of the file written so far.
pub(super) fn key(at: &At, field: &str, kind: &str, known: &Keys, name: &str) -> AppResult<i64> {
    known
        .get(name)
        .copied()
        .ok_or_else(|| at.unresolved(field, kind, name))
}

/// Resolves an optional natural key.
pub(super) fn opt_key(
    at: &At,
    field: &str,
    kind: &str,
    known: &Keys,
    name: Option<&str>,
) -> AppResult<Option<i64>> {
    name.map(|n| key(at, field, kind, known, n)).transpose()
}

/// Resolves a list of natural keys, each to be named once.
pub(super) fn keys(
    at: &At,
    field: &str,
    kind: &str,
    known: &Keys,
    names: &[String],
) -> AppResult<Vec<i64>> {
    at.distinct(field, names)?;
    names
        .iter()
        .enumerate()
        .map(|(i, n)| key(at, &format!("{field}[{i}]"), kind, known, n))
        .collect()
}

/// Resolves a parent, which must be listed before its children so that the
/// rows can be written in file order.
pub(super) fn earlier(
    at: &At,
    field: &str,
    kind: &str,
    known: &Keys,
    name: &str,
) -> AppResult<i64> {
    known.get(name).copied().ok_or_else(|| {
        at.err(
            field,
            "SEED_REFERENCE_UNRESOLVED",
            format!("no {kind} named \"{name}\" earlier in the dataset"),
        )
    })
}

/// Refuses a natural key the file has already defined.
pub(super) fn not_twice(at: &At, field: &str, known: &Keys, name: &str) -> AppResult<()> {
    if known.contains_key(name) {
        Err(at.err(
            field,
            "SEED_DUPLICATE",
            "the dataset defines this record twice",
        ))
    } else {
        Ok(())
    }
}
