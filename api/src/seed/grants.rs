//! Grant programmes, their rounds and awards.

use entity::{
    grant_award, grant_award_area, grant_award_theme, grant_programme, grant_round,
    grant_round_theme,
};
use sea_orm::ActiveValue::Set;
use sea_orm::EntityTrait;

use crate::error::AppResult;

use super::insert::Loader;
use super::values::{key, keys, not_twice, opt_key, text, At, Keys};

impl Loader<'_> {
    /// Writes the grant programmes with their rounds, round themes and awards.
    pub(super) async fn grants(&mut self) -> AppResult<()> {
        let mut programmes = Keys::new();
        for prog in &self.data.grant_programmes {
            let at = At::new("grant programme", &prog.name);
            text(&at, "name", &prog.name, 200)?;
            not_twice(&at, "name", &programmes, &prog.name)?;
            let funder_id = key(
                &at,
                "funder",
                "organisation",
                &self.organisations,
                &prog.funder,
            )?;
            let funding_stream_id = opt_key(
                &at,
                "funding_stream",
                "funding stream",
                &self.funding_streams,
                prog.funding_stream.as_deref(),
            )?;
            let (is_illustrative, illustrative_fields) =
                at.illustrative(prog.illustrative, &prog.illustrative_fields)?;
            let source = at.source(&self.citations, &prog.source)?;
            let row = grant_programme::ActiveModel {
                name: Set(prog.name.clone()),
                funder_id: Set(funder_id),
                funding_stream_id: Set(funding_stream_id),
                description: Set(prog.description.clone()),
                source: Set(source),
                is_illustrative: Set(is_illustrative),
                illustrative_fields: Set(illustrative_fields),
                ..Default::default()
            };
            let programme_id = grant_programme::Entity::insert(row)
                .exec(self.txn)
                .await?
                .last_insert_id;
            self.counts.grant_programmes += 1;
            programmes.insert(prog.name.clone(), programme_id);

            for round in &prog.rounds {
                let at = at.child("round", round.number);
                let round_key = (prog.name.clone(), round.number);
                if self.rounds.contains_key(&round_key) {
                    return Err(at.err(
                        "number",
                        "SEED_DUPLICATE",
                        "the round number is used twice",
                    ));
                }
                let number = at.int("number", round.number)?;
                text(&at, "name", &round.name, 200)?;
                let pot = round
                    .pot
                    .as_ref()
                    .map(|f| at.money_figure("pot", f))
                    .transpose()?;
                let opens_on = at.opt_date("opens_on", round.opens_on.as_ref())?;
                let closes_on = at.opt_date("closes_on", round.closes_on.as_ref())?;
                if let (Some(opens), Some(closes)) = (opens_on, closes_on) {
                    if opens > closes {
                        return Err(at.err(
                            "closes_on",
                            "SEED_DATES_OUT_OF_ORDER",
                            format!("the round closes on {closes}, before it opens on {opens}"),
                        ));
                    }
                }
                let awarded_on = at.opt_date("awarded_on", round.awarded_on.as_ref())?;
                let applications = round
                    .applications
                    .as_ref()
                    .map(|f| at.count_figure("applications", f))
                    .transpose()?;
                let requested = round
                    .amount_requested
                    .as_ref()
                    .map(|f| at.money_figure("amount_requested", f))
                    .transpose()?;
                let awards_count = round
                    .reported_awards_count
                    .map(|n| at.int("reported_awards_count", n))
                    .transpose()?;
                let awarded = round
                    .reported_awarded
                    .as_deref()
                    .map(|a| at.pence("reported_awarded", a))
                    .transpose()?;
                let theme_ids = keys(&at, "themes", "theme", &self.themes, &round.themes)?;
                let (is_illustrative, illustrative_fields) =
                    at.illustrative(round.illustrative, &round.illustrative_fields)?;
                let source = at.source(&self.citations, &round.source)?;
                let row = grant_round::ActiveModel {
                    programme_id: Set(programme_id),
                    number: Set(number),
                    name: Set(round.name.clone()),
                    pot_pence: Set(pot.as_ref().map(|v| v.0)),
                    pot_qualifier: Set(pot.as_ref().map(|v| v.1)),
                    pot_wording: Set(pot.and_then(|v| v.2)),
                    opens_on: Set(opens_on),
                    closes_on: Set(closes_on),
                    awarded_on: Set(awarded_on),
                    applications_received: Set(applications.as_ref().map(|v| v.0)),
                    applications_qualifier: Set(applications.as_ref().map(|v| v.1)),
                    applications_wording: Set(applications.and_then(|v| v.2)),
                    amount_requested_pence: Set(requested.as_ref().map(|v| v.0)),
                    amount_requested_qualifier: Set(requested.as_ref().map(|v| v.1)),
                    amount_requested_wording: Set(requested.and_then(|v| v.2)),
                    reported_awards_count: Set(awards_count),
                    reported_awarded_pence: Set(awarded),
                    source: Set(source),
                    is_illustrative: Set(is_illustrative),
                    illustrative_fields: Set(illustrative_fields),
                    ..Default::default()
                };
                let round_id = grant_round::Entity::insert(row)
                    .exec(self.txn)
                    .await?
                    .last_insert_id;
                self.counts.grant_rounds += 1;
                self.counts.grant_round_themes +=
                    grant_round_theme::Entity::insert_many(theme_ids.into_iter().map(|theme_id| {
                        grant_round_theme::ActiveModel {
                            round_id: Set(round_id),
                            theme_id: Set(theme_id),
                        }
                    }))
                    .exec_without_returning(self.txn)
                    .await?;
                self.rounds.insert(round_key, round_id);

                for award in &round.awards {
                    let at = at.child("award", format!("\"{}\"", award.project));
                    text(&at, "project", &award.project, 200)?;
                    let recipient_id = key(
                        &at,
                        "recipient",
                        "organisation",
                        &self.organisations,
                        &award.recipient,
                    )?;
                    let partner_id = opt_key(
                        &at,
                        "partner",
                        "organisation",
                        &self.organisations,
                        award.partner.as_deref(),
                    )?;
                    let amount = at.pence("amount", &award.amount)?;
                    let awarded_on = at.opt_date("awarded_on", award.awarded_on.as_ref())?;
                    let area_ids = keys(&at, "areas", "area", &self.areas, &award.areas)?;
                    let theme_ids = keys(&at, "themes", "theme", &self.themes, &award.themes)?;
                    let (is_illustrative, illustrative_fields) =
                        at.illustrative(award.illustrative, &award.illustrative_fields)?;
                    let source = at.source(&self.citations, &award.source)?;
                    let row = grant_award::ActiveModel {
                        round_id: Set(round_id),
                        recipient_id: Set(recipient_id),
                        partner_id: Set(partner_id),
                        project_name: Set(award.project.clone()),
                        description: Set(award.description.clone()),
                        amount_pence: Set(amount),
                        awarded_on: Set(awarded_on),
                        source: Set(source),
                        is_illustrative: Set(is_illustrative),
                        illustrative_fields: Set(illustrative_fields),
                        ..Default::default()
                    };
                    let award_id = grant_award::Entity::insert(row)
                        .exec(self.txn)
                        .await?
                        .last_insert_id;
                    self.counts.grant_awards += 1;
                    self.counts.grant_award_areas +=
                        grant_award_area::Entity::insert_many(area_ids.into_iter().map(
                            |area_id| grant_award_area::ActiveModel {
                                award_id: Set(award_id),
                                area_id: Set(area_id),
                            },
                        ))
                        .exec_without_returning(self.txn)
                        .await?;
                    self.counts.grant_award_themes +=
                        grant_award_theme::Entity::insert_many(theme_ids.into_iter().map(
                            |theme_id| grant_award_theme::ActiveModel {
                                award_id: Set(award_id),
                                theme_id: Set(theme_id),
                            },
                        ))
                        .exec_without_returning(self.txn)
                        .await?;
                }
            }
        }
        Ok(())
    }
}
