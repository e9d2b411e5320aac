//! What an export is stamped with: the identifier prefixes of its records
//! (parsed, so a bad prefix is refused before anything is read), and the
//! date a package is published on.

use chrono::{DateTime, NaiveDate, Utc};

use crate::error::AppError;

/// The default prefix of OCDS `ocid`s (a registered prefix replaces it).
pub const DEFAULT_OCID_PREFIX: &str = "ocds-commtrack";
/// The default prefix of 360Giving grant and organisation identifiers.
pub const DEFAULT_GRANT_PREFIX: &str = "360G-commtrack";

/// The longest part after `ocds-` or `360G-`.
const MAX_PREFIX_TAIL: usize = 32;

/// The prefix of every `ocid`: `ocds-` and 1 to 32 lower-case letters or
/// digits (the prefixes the OCDS registry issues have six, e.g.
/// `ocds-213czf`). An `ocid` is the prefix, a hyphen and the contract's
/// reference, which never changes, so `ocid`s are stable across exports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OcidPrefix(String);

impl OcidPrefix {
    /// Parses a prefix; `OCID_PREFIX_INVALID` names the rule it breaks.
    pub fn parse(text: &str) -> Result<Self, AppError> {
        let valid = text.strip_prefix("ocds-").is_some_and(|tail| {
            (1..=MAX_PREFIX_TAIL).contains(&tail.len())
                && tail
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
        if valid {
            Ok(OcidPrefix(text.to_owned()))
        } else {
            Err(AppError::bad_input(
                "OCID_PREFIX_INVALID",
                format!(
                    "ocidPrefix: {:?} is not an OCDS prefix; it must be \"ocds-\" followed by \
                     1 to {MAX_PREFIX_TAIL} lower-case letters or digits, e.g. {DEFAULT_OCID_PREFIX}",
                    excerpt(text)
                ),
            ))
        }
    }

    /// The prefix as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The `ocid` of the contract with `reference`.
    pub fn ocid(&self, reference: &str) -> String {
        format!("{}-{reference}", self.0)
    }
}

impl Default for OcidPrefix {
    fn default() -> Self {
        OcidPrefix(DEFAULT_OCID_PREFIX.to_owned())
    }
}

/// The prefix of 360Giving identifiers: `360G-` and 1 to 32 letters or
/// digits (360Giving issues one per publisher). Grants are
/// `<prefix>-grant-<id>`; organisations without a registered number are
/// `<prefix>-org-<id>`, as the standard's identifier guidance says for
/// identifiers drawn from a funder's own records.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GrantPrefix(String);

impl GrantPrefix {
    /// Parses a prefix; `GRANT_PREFIX_INVALID` names the rule it breaks.
    pub fn parse(text: &str) -> Result<Self, AppError> {
        let valid = text.strip_prefix("360G-").is_some_and(|tail| {
            (1..=MAX_PREFIX_TAIL).contains(&tail.len())
                && tail.bytes().all(|b| b.is_ascii_alphanumeric())
        });
        if valid {
            Ok(GrantPrefix(text.to_owned()))
        } else {
            Err(AppError::bad_input(
                "GRANT_PREFIX_INVALID",
                format!(
                    "identifierPrefix: {:?} is not a 360Giving prefix; it must be \"360G-\" \
                     followed by 1 to {MAX_PREFIX_TAIL} letters or digits, e.g. {DEFAULT_GRANT_PREFIX}",
                    excerpt(text)
                ),
            ))
        }
    }

    /// The identifier of grant award `id`.
    pub fn grant(&self, id: i64) -> String {
        format!("{}-grant-{id}", self.0)
    }

    /// The identifier of organisation `id`.
    pub fn organisation(&self, id: i64) -> String {
        format!("{}-org-{id}", self.0)
    }
}

impl Default for GrantPrefix {
    fn default() -> Self {
        GrantPrefix(DEFAULT_GRANT_PREFIX.to_owned())
    }
}

/// At most 40 characters of what the caller sent, for error messages.
fn excerpt(text: &str) -> String {
    text.chars().take(40).collect()
}

/// When a record last changed, for the `date` of its release: the latest
/// change recorded through the API (its audit events), or, for records
/// loaded in bulk (the demo, a generated dataset), the latest day of their
/// own history (a start, a decision), at midnight UTC. So the same data
/// always gives the same date, and any change moves it on.
pub fn last_change(audited: Option<DateTime<Utc>>, days: &[NaiveDate]) -> DateTime<Utc> {
    let from_days = days
        .iter()
        .max()
        .map(|d| d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc());
    match (audited, from_days) {
        (Some(a), Some(d)) => a.max(d),
        (Some(a), None) => a,
        (None, Some(d)) => d,
        (None, None) => DateTime::<Utc>::UNIX_EPOCH,
    }
}

/// An RFC 3339 date-time in UTC, to the second (`2023-04-01T00:00:00Z`).
pub fn timestamp(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ocid_prefixes_follow_the_registry_shape() {
        for good in ["ocds-commtrack", "ocds-213czf", "ocds-a"] {
            assert_eq!(OcidPrefix::parse(good).unwrap().as_str(), good);
        }
        for bad in [
            "",
            "ocds-",
            "OCDS-abc",
            "ocds-ABC",
            "ocds-a b",
            "ocds-a/b",
            "commtrack",
            &format!("ocds-{}", "a".repeat(33)),
        ] {
            let err = OcidPrefix::parse(bad).unwrap_err();
            assert!(
                matches!(
                    err,
                    AppError::BadInput {
                        code: "OCID_PREFIX_INVALID",
                        ..
                    }
                ),
                "{bad:?}"
            );
            assert!(
                err.message().starts_with("ocidPrefix:"),
                "{}",
                err.message()
            );
        }
        let prefix = OcidPrefix::default();
        assert_eq!(
            prefix.ocid("WYCA-SARC-2023"),
            "ocds-commtrack-WYCA-SARC-2023"
        );
    }

    #[test]
    fn grant_prefixes_start_with_360g() {
        let prefix = GrantPrefix::parse("360G-commtrack").unwrap();
        assert_eq!(prefix.grant(7), "360G-commtrack-grant-7");
        assert_eq!(prefix.organisation(3), "360G-commtrack-org-3");
        for bad in ["", "360G-", "360g-x", "GB-COH-123", "360G-a-b", "360G-a b"] {
            let err = GrantPrefix::parse(bad).unwrap_err();
            assert!(
                matches!(
                    err,
                    AppError::BadInput {
                        code: "GRANT_PREFIX_INVALID",
                        ..
                    }
                ),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn the_last_change_is_the_latest_of_audit_and_history() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        assert_eq!(
            timestamp(last_change(None, &[d(2023, 4, 1), d(2025, 6, 30)])),
            "2025-06-30T00:00:00Z"
        );
        assert_eq!(
            timestamp(last_change(
                Some(at("2026-11-23T10:15:02.5Z")),
                &[d(2023, 4, 1)]
            )),
            "2026-11-23T10:15:02Z"
        );
        assert_eq!(
            timestamp(last_change(
                Some(at("2020-01-01T00:00:00Z")),
                &[d(2023, 4, 1)]
            )),
            "2023-04-01T00:00:00Z"
        );
    }
}
