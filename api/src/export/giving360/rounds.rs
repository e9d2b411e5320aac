//! The figures of a grant round that 360Giving has no field for: the pot,
//! the applications received and the amount they requested (each with the
//! report's qualifier and words), the awards reported and recorded, and the
//! oversubscription (amount requested ÷ pot, by the API's ratio rule, as in
//! `GrantRound.summary`).

use entity::enums::Qualifier;
use entity::{grant_award, grant_round};
use serde::Serialize;

use super::{bound, oversubscription};
use crate::domain::aggregates::Bound;
use crate::export::{Figure, Pounds};

/// One round's figures.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RoundFigures {
    /// The programme's name.
    pub programme: String,
    /// The round's number.
    pub round: i32,
    /// The round's name.
    pub round_name: String,
    /// The pot, when reported.
    pub pot: Option<Pounds>,
    /// How exactly the pot is known (`EXACT`, `APPROXIMATE`, `AT_LEAST`, `AT_MOST`).
    pub pot_qualifier: Option<&'static str>,
    /// The report's words for the pot.
    pub pot_wording: Option<String>,
    /// Applications received, when reported.
    pub applications_received: Option<i32>,
    /// How exactly that number is known.
    pub applications_qualifier: Option<&'static str>,
    /// The report's words for it ("nearly").
    pub applications_wording: Option<String>,
    /// The amount the applications requested, when reported.
    pub amount_requested: Option<Pounds>,
    /// How exactly that amount is known.
    pub amount_requested_qualifier: Option<&'static str>,
    /// The report's words for it ("over").
    pub amount_requested_wording: Option<String>,
    /// How many awards the report says the round made, when it says.
    pub awards_reported: Option<i32>,
    /// The total the report says the round awarded, when it says.
    pub amount_reported: Option<Pounds>,
    /// Awards recorded for the round (a report may list only some).
    pub awards_recorded: usize,
    /// Their sum.
    pub awarded_total: Pounds,
    /// Amount requested ÷ pot, rounded half away from zero to 2 places.
    pub oversubscription: Option<Figure>,
    /// `EXACT` only when both figures are exact and nothing was rounded away.
    pub oversubscription_qualifier: Option<&'static str>,
}

/// The API's name for a bound.
fn bound_name(bound: Bound) -> &'static str {
    match bound {
        Bound::Exact => "EXACT",
        Bound::Approximate => "APPROXIMATE",
        Bound::AtLeast => "AT_LEAST",
        Bound::AtMost => "AT_MOST",
    }
}

/// The qualifier of a reported figure, `None` when the figure is not reported.
fn qualifier<T>(figure: Option<T>, stored: Option<Qualifier>) -> Option<&'static str> {
    figure.map(|_| bound_name(bound(stored)))
}

/// The figures of `round` of `programme`, from `awards` (any rounds').
pub fn round_figures(
    programme: &str,
    round: &grant_round::Model,
    awards: &[grant_award::Model],
) -> RoundFigures {
    let own: Vec<&grant_award::Model> = awards.iter().filter(|a| a.round_id == round.id).collect();
    let ratio = match (round.amount_requested_pence, round.pot_pence) {
        (Some(requested), Some(pot)) => oversubscription(
            requested,
            bound(round.amount_requested_qualifier),
            pot,
            bound(round.pot_qualifier),
        ),
        _ => None,
    };
    RoundFigures {
        programme: programme.to_owned(),
        round: round.number,
        round_name: round.name.clone(),
        pot: round.pot_pence.map(Pounds),
        pot_qualifier: qualifier(round.pot_pence, round.pot_qualifier),
        pot_wording: round.pot_wording.clone(),
        applications_received: round.applications_received,
        applications_qualifier: qualifier(
            round.applications_received,
            round.applications_qualifier,
        ),
        applications_wording: round.applications_wording.clone(),
        amount_requested: round.amount_requested_pence.map(Pounds),
        amount_requested_qualifier: qualifier(
            round.amount_requested_pence,
            round.amount_requested_qualifier,
        ),
        amount_requested_wording: round.amount_requested_wording.clone(),
        awards_reported: round.reported_awards_count,
        amount_reported: round.reported_awarded_pence.map(Pounds),
        awards_recorded: own.len(),
        awarded_total: Pounds(own.iter().map(|a| a.amount_pence).sum()),
        oversubscription: ratio.map(|r| Figure::from_decimal(r.value)),
        oversubscription_qualifier: ratio.map(|r| bound_name(r.bound)),
    }
}

/// The column titles of the round figures' CSV, in order.
pub const ROUND_COLUMNS: [&str; 18] = [
    "Programme",
    "Round",
    "Round Name",
    "Pot",
    "Pot Qualifier",
    "Pot Wording",
    "Applications Received",
    "Applications Qualifier",
    "Applications Wording",
    "Amount Requested",
    "Amount Requested Qualifier",
    "Amount Requested Wording",
    "Awards Reported",
    "Amount Reported",
    "Awards Recorded",
    "Amount Awarded",
    "Oversubscription",
    "Oversubscription Qualifier",
];

impl RoundFigures {
    /// The row of the round figures' CSV, in [`ROUND_COLUMNS`] order.
    pub fn csv_row(&self) -> [String; 18] {
        let text = |s: Option<&str>| s.unwrap_or_default().to_owned();
        [
            self.programme.clone(),
            self.round.to_string(),
            self.round_name.clone(),
            self.pot.map(Pounds::text).unwrap_or_default(),
            text(self.pot_qualifier),
            text(self.pot_wording.as_deref()),
            self.applications_received
                .map(|n| n.to_string())
                .unwrap_or_default(),
            text(self.applications_qualifier),
            text(self.applications_wording.as_deref()),
            self.amount_requested.map(Pounds::text).unwrap_or_default(),
            text(self.amount_requested_qualifier),
            text(self.amount_requested_wording.as_deref()),
            self.awards_reported
                .map(|n| n.to_string())
                .unwrap_or_default(),
            self.amount_reported.map(Pounds::text).unwrap_or_default(),
            self.awards_recorded.to_string(),
            self.awarded_total.text(),
            self.oversubscription.map(Figure::text).unwrap_or_default(),
            text(self.oversubscription_qualifier),
        ]
    }
}
