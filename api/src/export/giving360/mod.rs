//! Grant awards in the 360Giving Data Standard (1.4): a JSON package of
//! grants, the flat CSV of the standard's spreadsheet titles ([`flat`]),
//! and, beside them, the round figures the standard has no field for
//! (applications received, amount requested, oversubscription).
//!
//! - `id`: `<prefix>-grant-<award id>`; organisations `<prefix>-org-<id>`
//!   (commtrack holds no charity or company numbers, and the standard's
//!   guidance builds such identifiers from the publisher's prefix).
//! - `awardDate`: the award's own date, else its round's award date, else
//!   its round's closing date; `awardDateSource` says which, since a closing
//!   date is only a proxy.
//! - `beneficiaryLocation`: the areas the award covers (GB).
//! - `classifications`: its themes.

use std::collections::HashMap;

use chrono::NaiveDate;
use entity::{grant_round, organisation};
use serde::Serialize;

use crate::domain::aggregates::{ratio, Bound};
use crate::error::{AppError, AppResult};
use crate::export::settings::{last_change, timestamp, GrantPrefix};
use crate::export::{day, Pounds, CURRENCY};
use crate::store::exports::GrantRows;

pub mod flat;
pub mod rounds;

#[cfg(test)]
mod tests;

pub use rounds::{round_figures, RoundFigures};

/// The version of the standard the package follows.
pub const VERSION: &str = "1.4";
/// The vocabulary of theme classifications.
pub const THEME_VOCABULARY: &str = "commtrack-themes";

/// A 360Giving package.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GrantPackage {
    /// The standard's version.
    pub version: &'static str,
    /// What the package holds.
    pub title: String,
    /// When its contents last changed.
    pub modified: String,
    /// The publisher.
    pub publisher: PackagePublisher,
    /// The grants, by round then award.
    pub grants: Vec<Grant>,
    /// The figures of each round the standard has no field for (an
    /// additional field, which 360Giving allows).
    pub round_figures: Vec<RoundFigures>,
}

/// The publisher of a package.
#[derive(Clone, Debug, Serialize)]
pub struct PackagePublisher {
    /// Its name.
    pub name: String,
}

/// One grant.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Grant {
    /// `<prefix>-grant-<award id>`.
    pub id: String,
    /// The project's name.
    pub title: String,
    /// The award's description, or its project and round.
    pub description: String,
    /// `GBP`.
    pub currency: &'static str,
    /// The amount awarded, a number with two decimals.
    pub amount_awarded: Pounds,
    /// `YYYY-MM-DD`.
    pub award_date: String,
    /// Where `awardDate` comes from when it is not the award's own date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub award_date_source: Option<&'static str>,
    /// The recipient.
    pub recipient_organization: Vec<GrantOrganization>,
    /// The programme's funder.
    pub funding_organization: Vec<GrantOrganization>,
    /// The programme and round.
    pub grant_programme: Vec<GrantProgramme>,
    /// The areas the award covers.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub beneficiary_location: Vec<Location>,
    /// Its themes.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub classifications: Vec<Classification>,
}

/// An organisation in a grant.
#[derive(Clone, Debug, Serialize)]
pub struct GrantOrganization {
    /// `<prefix>-org-<id>`.
    pub id: String,
    /// Its name.
    pub name: String,
}

/// A grant programme (here, one round of one).
#[derive(Clone, Debug, Serialize)]
pub struct GrantProgramme {
    /// `programme-<id>-round-<number>`.
    pub code: String,
    /// The programme's and the round's names.
    pub title: String,
}

/// An area a grant's beneficiaries are in.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    /// The area's name.
    pub name: String,
    /// `GB`.
    pub country_code: &'static str,
}

/// A theme of a grant.
#[derive(Clone, Debug, Serialize)]
pub struct Classification {
    /// [`THEME_VOCABULARY`].
    pub vocabulary: &'static str,
    /// The theme's id.
    pub code: String,
    /// Its name.
    pub title: String,
}

/// The award date of an award in `round`, and where it came from when it
/// is not the award's own. `AWARD_DATE_UNKNOWN` when nothing gives one: the
/// standard requires a date and inventing one would mislead.
pub fn award_date(
    own: Option<NaiveDate>,
    round: &grant_round::Model,
    award_id: i64,
) -> AppResult<(NaiveDate, Option<&'static str>)> {
    if let Some(date) = own {
        return Ok((date, None));
    }
    if let Some(date) = round.awarded_on {
        return Ok((date, Some("the round's award date")));
    }
    if let Some(date) = round.closes_on {
        return Ok((
            date,
            Some("the round's closing date (the award date is not recorded)"),
        ));
    }
    Err(AppError::bad_input(
        "AWARD_DATE_UNKNOWN",
        format!(
            "award {award_id} of {:?} has no award date, and its round records neither an \
             award date nor a closing date; the 360Giving standard requires one",
            round.name
        ),
    ))
}

/// The package of the loaded awards, with `prefix`'s identifiers.
pub fn grant_package(rows: &GrantRows, prefix: &GrantPrefix) -> AppResult<GrantPackage> {
    let organisations: HashMap<i64, &organisation::Model> =
        rows.organisations.iter().map(|o| (o.id, o)).collect();
    let organisation = |id: i64| -> AppResult<GrantOrganization> {
        let o = organisations
            .get(&id)
            .ok_or_else(|| AppError::internal(format!("organisation {id} was not loaded")))?;
        Ok(GrantOrganization {
            id: prefix.organisation(id),
            name: o.name.clone(),
        })
    };
    let rounds: HashMap<i64, &grant_round::Model> = rows.rounds.iter().map(|r| (r.id, r)).collect();
    let areas: HashMap<i64, &str> = rows.areas.iter().map(|a| (a.id, a.name.as_str())).collect();
    let themes: HashMap<i64, &str> = rows
        .themes
        .iter()
        .map(|t| (t.id, t.name.as_str()))
        .collect();
    let mut award_areas: HashMap<i64, Vec<i64>> = HashMap::new();
    for row in &rows.award_areas {
        award_areas
            .entry(row.award_id)
            .or_default()
            .push(row.area_id);
    }
    let mut award_themes: HashMap<i64, Vec<i64>> = HashMap::new();
    for row in &rows.award_themes {
        award_themes
            .entry(row.award_id)
            .or_default()
            .push(row.theme_id);
    }
    let funder = organisation(rows.programme.funder_id)?;
    let mut grants = Vec::with_capacity(rows.awards.len());
    let mut days = Vec::new();
    for award in &rows.awards {
        let round = rounds.get(&award.round_id).ok_or_else(|| {
            AppError::internal(format!("round {} was not loaded", award.round_id))
        })?;
        let (date, source) = award_date(award.awarded_on, round, award.id)?;
        days.push(date);
        let description = award
            .description
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map_or_else(
                || {
                    format!(
                        "{} ({}, {})",
                        award.project_name, rows.programme.name, round.name
                    )
                },
                str::to_owned,
            );
        grants.push(Grant {
            id: prefix.grant(award.id),
            title: award.project_name.clone(),
            description,
            currency: CURRENCY,
            amount_awarded: Pounds(award.amount_pence),
            award_date: day(date),
            award_date_source: source,
            recipient_organization: vec![organisation(award.recipient_id)?],
            funding_organization: vec![funder.clone()],
            grant_programme: vec![GrantProgramme {
                code: format!("programme-{}-round-{}", rows.programme.id, round.number),
                title: format!("{}: {}", rows.programme.name, round.name),
            }],
            beneficiary_location: award_areas
                .get(&award.id)
                .into_iter()
                .flatten()
                .filter_map(|id| areas.get(id))
                .map(|name| Location {
                    name: (*name).to_owned(),
                    country_code: "GB",
                })
                .collect(),
            classifications: award_themes
                .get(&award.id)
                .into_iter()
                .flatten()
                .filter_map(|id| themes.get(id).map(|name| (id, name)))
                .map(|(id, name)| Classification {
                    vocabulary: THEME_VOCABULARY,
                    code: id.to_string(),
                    title: (*name).to_owned(),
                })
                .collect(),
        });
    }
    for round in &rows.rounds {
        days.extend(round.awarded_on.into_iter().chain(round.closes_on));
    }
    let round_figures = rows
        .rounds
        .iter()
        .map(|round| round_figures(&rows.programme.name, round, &rows.awards))
        .collect();
    let title = match rows.rounds.as_slice() {
        [round] => format!("{}: {}", rows.programme.name, round.name),
        _ => rows.programme.name.clone(),
    };
    Ok(GrantPackage {
        version: VERSION,
        title,
        modified: timestamp(last_change(rows.audited, &days)),
        publisher: PackagePublisher {
            name: funder.name.clone(),
        },
        grants,
        round_figures,
    })
}

/// How exactly a reported figure is known, from its stored qualifier.
pub(crate) fn bound(qualifier: Option<entity::enums::Qualifier>) -> Bound {
    use entity::enums::Qualifier as Q;
    match qualifier {
        None | Some(Q::Exact) => Bound::Exact,
        Some(Q::Approximate) => Bound::Approximate,
        Some(Q::AtLeast) => Bound::AtLeast,
        Some(Q::AtMost) => Bound::AtMost,
    }
}

/// `numerator ÷ denominator` by the API's ratio rule, for the round figures.
pub(crate) fn oversubscription(
    requested: i64,
    requested_bound: Bound,
    pot: i64,
    pot_bound: Bound,
) -> Option<crate::domain::aggregates::Ratio> {
    ratio(
        i128::from(requested),
        requested_bound,
        i128::from(pot),
        pot_bound,
    )
}
