//! API keys: issued once as `ct_<prefix>_<secret>`, stored only as the prefix
//! and a SHA-256 of the secret, checked in constant time, revoked (never deleted).
//!
//! The prefix (6 random bytes, 12 hex digits) is public: it finds the row with
//! one indexed lookup and lets an operator tell keys apart in `keys list`
//! without the secret. The secret is 32 random bytes (256 bits, 64 hex digits)
//! from the thread-local CSPRNG (ChaCha, seeded and reseeded from the OS). With
//! that much entropy a plain SHA-256 is the right hash: a slow password hash
//! protects guessable secrets, and these are not guessable.

use chrono::Utc;
use entity::api_key::{self, ApiKeyRole};
use rand::RngCore;
use sea_orm::ConnectionTrait;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::{Principal, Role};
use crate::error::{AppError, AppResult};
use crate::store::api_keys::{self as store, NewKey, Revoked};

/// What every key starts with, so that scanners and people recognise one.
pub const KEY_MARKER: &str = "ct_";
/// Random bytes in a key's public prefix.
const PREFIX_BYTES: usize = 6;
/// Random bytes in a key's secret.
const SECRET_BYTES: usize = 32;
/// The longest key name.
pub const MAX_NAME_CHARS: usize = 100;

/// A key just created: its row, and the only copy of the full key.
#[derive(Debug)]
pub struct IssuedKey {
    /// The stored row (prefix and hash, never the secret).
    pub row: api_key::Model,
    /// The key to hand to its holder: shown once, stored nowhere.
    pub key: String,
}

/// Why a presented key was refused: for the log only, since telling a caller
/// which part was wrong would help someone guessing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Not of the form `ct_<12 hex>_<64 hex>`.
    Malformed,
    /// No key has this prefix.
    UnknownPrefix,
    /// The prefix exists but the secret does not match.
    WrongSecret,
    /// The key was revoked.
    Revoked,
}

/// Where a key may be used.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum KeyUse {
    /// Everywhere its role allows.
    #[default]
    Everywhere,
    /// Only the iCalendar feed (`GET /calendar.ics`), which takes its key in
    /// the URL: such a key ends up in calendar apps and logs, so it opens
    /// nothing else. Only viewer keys may be calendar keys.
    CalendarFeed,
}

/// Creates a key called `name` with `role` (and, for a commissioner, the
/// organisation it writes for), usable where `key_use` says, and returns it:
/// the only time it is shown.
pub async fn create(
    db: &impl ConnectionTrait,
    name: &str,
    role: Role,
    organisation_id: Option<i64>,
    key_use: KeyUse,
) -> AppResult<IssuedKey> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        return Err(AppError::bad_input(
            "KEY_NAME_LENGTH",
            format!("name: 1 to {MAX_NAME_CHARS} characters"),
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(AppError::bad_input(
            "CONTROL_CHARACTERS",
            "name: control characters are not allowed",
        ));
    }
    match (role, organisation_id) {
        (Role::Commissioner, None) => {
            return Err(AppError::bad_input(
                "KEY_ORGANISATION_REQUIRED",
                "organisation: a commissioner key belongs to an organisation",
            ))
        }
        (Role::Viewer | Role::Analyst | Role::Admin, Some(_)) => {
            return Err(AppError::bad_input(
                "KEY_ORGANISATION_UNEXPECTED",
                "organisation: only commissioner keys belong to an organisation",
            ))
        }
        _ => {}
    }
    if key_use == KeyUse::CalendarFeed && role != Role::Viewer {
        return Err(AppError::bad_input(
            "KEY_CALENDAR_ROLE",
            "role: a calendar key reads only the calendar feed, so its role is viewer",
        ));
    }
    let prefix = random_hex(PREFIX_BYTES);
    let secret = random_hex(SECRET_BYTES);
    let row = store::insert(
        db,
        NewKey {
            name: name.to_owned(),
            prefix: prefix.clone(),
            secret_sha256: sha256_hex(&secret),
            role: to_stored(role),
            organisation_id,
            calendar_only: key_use == KeyUse::CalendarFeed,
            created_at: Utc::now(),
        },
    )
    .await?;
    Ok(IssuedKey {
        row,
        key: format!("{KEY_MARKER}{prefix}_{secret}"),
    })
}

/// The verdict on a presented `key`: the caller holding it, or why it is
/// refused. The outer error is a database failure, not a verdict.
pub async fn authenticate(
    db: &impl ConnectionTrait,
    key: &str,
) -> AppResult<Result<Principal, Refusal>> {
    let Some((prefix, secret)) = split(key) else {
        return Ok(Err(Refusal::Malformed));
    };
    let Some(row) = store::find_by_prefix(db, prefix).await? else {
        return Ok(Err(Refusal::UnknownPrefix));
    };
    Ok(if !secret_matches(secret, &row.secret_sha256) {
        Err(Refusal::WrongSecret)
    } else if row.revoked_at.is_some() {
        Err(Refusal::Revoked)
    } else {
        Ok(principal_of(&row))
    })
}

/// Revokes key `id` (effective at once: every request looks its key up).
pub async fn revoke(db: &impl ConnectionTrait, id: i64) -> AppResult<Revoked> {
    store::revoke(db, id, Utc::now()).await
}

/// The principal a stored key stands for.
pub fn principal_of(row: &api_key::Model) -> Principal {
    Principal {
        key_id: Some(row.id),
        name: format!("key {} ({})", row.id, row.name),
        role: from_stored(row.role),
        organisation_id: row.organisation_id,
        key_use: if row.calendar_only {
            KeyUse::CalendarFeed
        } else {
            KeyUse::Everywhere
        },
    }
}

/// The stored form of a role.
pub fn to_stored(role: Role) -> ApiKeyRole {
    match role {
        Role::Viewer => ApiKeyRole::Viewer,
        Role::Analyst => ApiKeyRole::Analyst,
        Role::Commissioner => ApiKeyRole::Commissioner,
        Role::Admin => ApiKeyRole::Admin,
    }
}

/// The role a stored key has.
pub fn from_stored(role: ApiKeyRole) -> Role {
    match role {
        ApiKeyRole::Viewer => Role::Viewer,
        ApiKeyRole::Analyst => Role::Analyst,
        ApiKeyRole::Commissioner => Role::Commissioner,
        ApiKeyRole::Admin => Role::Admin,
    }
}

/// `(prefix, secret)` of a well-formed key.
fn split(key: &str) -> Option<(&str, &str)> {
    let rest = key.strip_prefix(KEY_MARKER)?;
    let (prefix, secret) = rest.split_once('_')?;
    let is_hex = |s: &str, bytes: usize| {
        s.len() == bytes * 2 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    };
    (is_hex(prefix, PREFIX_BYTES) && is_hex(secret, SECRET_BYTES)).then_some((prefix, secret))
}

/// Whether `secret` hashes to `stored`, compared in constant time so that the
/// time taken says nothing about how much of the hash matched.
fn secret_matches(secret: &str, stored: &str) -> bool {
    sha256_hex(secret)
        .as_bytes()
        .ct_eq(stored.as_bytes())
        .into()
}

fn sha256_hex(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

fn random_hex(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buffer);
    hex::encode(buffer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_have_256_bit_secrets_and_a_recognisable_form() {
        let secret = random_hex(SECRET_BYTES);
        let prefix = random_hex(PREFIX_BYTES);
        let key = format!("{KEY_MARKER}{prefix}_{secret}");
        assert_eq!(key.len(), 3 + 12 + 1 + 64);
        assert_eq!(split(&key), Some((prefix.as_str(), secret.as_str())));
        assert_ne!(
            random_hex(SECRET_BYTES),
            secret,
            "fresh randomness each time"
        );
    }

    #[test]
    fn malformed_keys_are_refused_before_any_lookup() {
        let good = format!("ct_{}_{}", "a".repeat(12), "b".repeat(64));
        assert!(split(&good).is_some());
        for bad in [
            String::new(),
            "ct_".to_owned(),
            good.to_uppercase(),
            good.replacen("ct_", "xx_", 1),
            format!("ct_{}_{}", "a".repeat(11), "b".repeat(64)),
            format!("ct_{}_{}", "a".repeat(12), "b".repeat(63)),
            format!("ct_{}_{}", "g".repeat(12), "b".repeat(64)),
            format!("{good}_"),
            format!("{good} "),
        ] {
            assert_eq!(split(&bad), None, "{bad:?}");
        }
    }

    #[test]
    fn only_the_right_secret_matches_its_hash() {
        let secret = random_hex(SECRET_BYTES);
        let stored = sha256_hex(&secret);
        assert_eq!(stored.len(), 64);
        assert!(secret_matches(&secret, &stored));
        assert!(!secret_matches(&random_hex(SECRET_BYTES), &stored));
        assert!(!secret_matches(&secret, &stored[..63]));
        // A known vector: SHA-256("abc").
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn roles_round_trip_through_storage_and_text() {
        for role in Role::ALL {
            assert_eq!(from_stored(to_stored(role)), role);
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        assert!("owner".parse::<Role>().is_err());
    }
}
