//! Services and contracts, with their options and cost-sharing trees.

use entity::enums::{
    ContractRecordStatus, EiaStatus, OptionState, ProcurementRoute, ServiceStatus,
};
use entity::{
    contract, cost_share, extension_option, service, service_area, service_partner, service_theme,
};
use sea_orm::ActiveValue::Set;
use sea_orm::EntityTrait;

use crate::domain::{self, validate_term, ContractTerm, ContractTermError, SplitNode, TermOption};
use crate::error::AppResult;

use super::file::ShareRecord;
use super::insert::Loader;
use super::values::{earlier, key, keys, not_twice, opt_key, text, At};

/// A cost share checked and resolved, waiting to be written. Shares are
/// planned in pre-order, so a parent always precedes its children.
struct PlannedShare {
    parent: Option<usize>,
    position: i32,
    organisation_id: i64,
    share_ppm: i32,
    source: Option<String>,
    illustrative: (bool, Option<String>),
}

impl Loader<'_> {
    /// Writes the services with their areas, themes and partners; a parent
    /// programme must come before its parts.
    pub(super) async fn services(&mut self) -> AppResult<()> {
        for rec in &self.data.services {
            let at = At::new("service", &rec.code);
            text(&at, "code", &rec.code, 40)?;
            text(&at, "name", &rec.name, 200)?;
            let status: ServiceStatus = at.enumerated("status", &rec.status)?;
            let funding_stream_id = opt_key(
                &at,
                "funding_stream",
                "funding stream",
                &self.funding_streams,
                rec.funding_stream.as_deref(),
            )?;
            let parent_id = match &rec.parent {
                Some(p) => Some(earlier(&at, "parent", "service", &self.services, p)?),
                None => None,
            };
            let area_ids = keys(&at, "areas", "area", &self.areas, &rec.areas)?;
            let theme_ids = keys(&at, "themes", "theme", &self.themes, &rec.themes)?;
            let partner_ids = keys(
                &at,
                "partners",
                "organisation",
                &self.organisations,
                &rec.partners,
            )?;
            let (is_illustrative, illustrative_fields) =
                at.illustrative(rec.illustrative, &rec.illustrative_fields)?;
            let source = at.source(&self.citations, &rec.source)?;
            not_twice(&at, "code", &self.services, &rec.code)?;

            let row = service::ActiveModel {
                code: Set(rec.code.clone()),
                name: Set(rec.name.clone()),
                description: Set(rec.description.clone()),
                status: Set(status),
                funding_stream_id: Set(funding_stream_id),
                parent_id: Set(parent_id),
                source: Set(source),
                is_illustrative: Set(is_illustrative),
                illustrative_fields: Set(illustrative_fields),
                ..Default::default()
            };
            let id = service::Entity::insert(row)
                .exec(self.txn)
                .await?
                .last_insert_id;
            self.counts.services += 1;
            self.counts.service_areas +=
                service_area::Entity::insert_many(area_ids.into_iter().map(|area_id| {
                    service_area::ActiveModel {
                        service_id: Set(id),
                        area_id: Set(area_id),
                    }
                }))
                .exec_without_returning(self.txn)
                .await?;
            self.counts.service_themes +=
                service_theme::Entity::insert_many(theme_ids.into_iter().map(|theme_id| {
                    service_theme::ActiveModel {
                        service_id: Set(id),
                        theme_id: Set(theme_id),
                    }
                }))
                .exec_without_returning(self.txn)
                .await?;
            self.counts.service_partners +=
                service_partner::Entity::insert_many(partner_ids.into_iter().map(|org| {
                    service_partner::ActiveModel {
                        service_id: Set(id),
                        organisation_id: Set(org),
                    }
                }))
                .exec_without_returning(self.txn)
                .await?;
            self.services.insert(rec.code.clone(), id);
        }
        Ok(())
    }

    /// Writes the contracts with their extension options and cost shares,
    /// after checking the term with `validate_term` and the split with
    /// `validate_split`, the rules the API applies to user edits.
    pub(super) async fn contracts(&mut self) -> AppResult<()> {
        for rec in &self.data.contracts {
            let at = At::new("contract", &rec.reference);
            text(&at, "reference", &rec.reference, 60)?;
            text(&at, "title", &rec.title, 200)?;
            let service_id = key(&at, "service", "service", &self.services, &rec.service)?;
            let provider_id = key(
                &at,
                "provider",
                "organisation",
                &self.organisations,
                &rec.provider,
            )?;
            let lead_id = key(
                &at,
                "lead_commissioner",
                "organisation",
                &self.organisations,
                &rec.lead_commissioner,
            )?;
            let start = at.date("start_date", &rec.start_date)?;
            let months = at.int("initial_term_months", rec.initial_term_months)?;
            let annual = rec
                .annual_value
                .as_ref()
                .map(|f| at.money_figure("annual_value", f))
                .transpose()?;
            let total = rec
                .total_value
                .as_ref()
                .map(|f| at.money_figure("total_value", f))
                .transpose()?;
            let status: ContractRecordStatus = at.enumerated("status", &rec.status)?;
            let route: ProcurementRoute =
                at.enumerated("procurement_route", &rec.procurement_route)?;
            let eia: EiaStatus = at.enumerated("eia_status", &rec.eia_status)?;
            let eia_review = at.opt_date("eia_review_date", rec.eia_review_date.as_ref())?;
            let (is_illustrative, illustrative_fields) =
                at.illustrative(rec.illustrative, &rec.illustrative_fields)?;
            let source = at.source(&self.citations, &rec.source)?;
            not_twice(&at, "reference", &self.contracts, &rec.reference)?;

            // Options: each checked alone, then the term as a whole by the
            // domain rule that the API applies to user edits.
            let mut options = Vec::with_capacity(rec.options.len());
            let mut term_options = Vec::with_capacity(rec.options.len());
            for (i, o) in rec.options.iter().enumerate() {
                let field = |name: &str| format!("options[{i}].{name}");
                let at_o = at.child("option", o.sequence);
                let sequence = at.int(&field("sequence"), o.sequence)?;
                let length = at.int(&field("length_months"), o.length_months)?;
                let decide_by = at.date(&field("decide_by"), &o.decide_by)?;
                let state: OptionState = at.enumerated(&field("state"), &o.state)?;
                let decided_on = at.opt_date(&field("decided_on"), o.decided_on.as_ref())?;
                let decided = matches!(state, OptionState::Exercised | OptionState::Declined);
                if decided != decided_on.is_some() {
                    return Err(at.err(
                        &field("decided_on"),
                        "SEED_DECISION_DATE",
                        "an exercised or declined option has a decided_on date, and no other does",
                    ));
                }
                let illustrative = at_o.illustrative(o.illustrative, &o.illustrative_fields)?;
                let source = at_o.source(&self.citations, &o.source)?;
                term_options.push(TermOption {
                    sequence: o.sequence,
                    length_months: o.length_months,
                    decide_by,
                    state: domain_state(state),
                });
                options.push(extension_option::ActiveModel {
                    sequence: Set(sequence),
                    length_months: Set(length),
                    decide_by: Set(decide_by),
                    state: Set(state),
                    decided_on: Set(decided_on),
                    decision_note: Set(o.decision_note.clone()),
                    source: Set(source),
                    is_illustrative: Set(illustrative.0),
                    illustrative_fields: Set(illustrative.1),
                    ..Default::default()
                });
            }
            validate_term(start, rec.initial_term_months, &term_options).map_err(|e| {
                let field = match e {
                    ContractTermError::InitialTermOutOfRange { .. } => "initial_term_months",
                    _ => "options",
                };
                at.err(field, e.code(), e)
            })?;
            let ends = ContractTerm {
                start,
                initial_term_months: rec.initial_term_months,
            }
            .end_dates(&term_options);

            // Cost shares: the whole tree is checked before any row is written.
            let mut shares = Vec::new();
            if !rec.cost_shares.is_empty() {
                let tree =
                    self.plan_shares(&at, "cost_shares", &rec.cost_shares, None, &mut shares)?;
                domain::validate_split(&tree).map_err(|violations| {
                    let detail: Vec<String> = violations.iter().map(ToString::to_string).collect();
                    at.err("cost_shares", violations[0].code(), detail.join("; "))
                })?;
            }

            let row = contract::ActiveModel {
                reference: Set(rec.reference.clone()),
                title: Set(rec.title.clone()),
                service_id: Set(service_id),
                provider_id: Set(provider_id),
                lead_commissioner_id: Set(lead_id),
                start_date: Set(start),
                initial_term_months: Set(months),
                initial_end_date: Set(ends.initial),
                current_end_date: Set(ends.current),
                contractual_end_date: Set(ends.contractual),
                annual_value_pence: Set(annual.as_ref().map(|v| v.0)),
                annual_value_qualifier: Set(annual.as_ref().map(|v| v.1)),
                annual_value_wording: Set(annual.and_then(|v| v.2)),
                total_value_pence: Set(total.as_ref().map(|v| v.0)),
                total_value_qualifier: Set(total.as_ref().map(|v| v.1)),
                total_value_wording: Set(total.and_then(|v| v.2)),
                status: Set(status),
                procurement_route: Set(route),
                eia_status: Set(eia),
                eia_review_date: Set(eia_review),
                cost_share_agreement: Set(rec.cost_share_agreement.clone()),
                notes: Set(rec.notes.clone()),
                source: Set(source),
                is_illustrative: Set(is_illustrative),
                illustrative_fields: Set(illustrative_fields),
                ..Default::default()
            };
            let id = contract::Entity::insert(row)
                .exec(self.txn)
                .await?
                .last_insert_id;
            self.counts.contracts += 1;
            for mut option in options {
                option.contract_id = Set(id);
                extension_option::Entity::insert(option)
                    .exec(self.txn)
                    .await?;
                self.counts.extension_options += 1;
            }
            let mut share_ids: Vec<i64> = Vec::with_capacity(shares.len());
            for share in shares {
                let row = cost_share::ActiveModel {
                    contract_id: Set(id),
                    parent_id: Set(share.parent.map(|p| share_ids[p])),
                    organisation_id: Set(share.organisation_id),
                    share_ppm: Set(share.share_ppm),
                    position: Set(share.position),
                    source: Set(share.source),
                    is_illustrative: Set(share.illustrative.0),
                    illustrative_fields: Set(share.illustrative.1),
                    ..Default::default()
                };
                share_ids.push(
                    cost_share::Entity::insert(row)
                        .exec(self.txn)
                        .await?
                        .last_insert_id,
                );
                self.counts.cost_shares += 1;
            }
            self.contracts.insert(rec.reference.clone(), id);
        }
        Ok(())
    }

    /// Parses and resolves one level of a cost-sharing tree (and, through
    /// recursion, its sub-levels), appending the rows to write to `out` in
    /// pre-order and returning the level as the domain's split for
    /// [`domain::validate_split`].
    fn plan_shares(
        &self,
        at: &At,
        path: &str,
        level: &[ShareRecord],
        parent: Option<usize>,
        out: &mut Vec<PlannedShare>,
    ) -> AppResult<Vec<SplitNode<String>>> {
        let mut nodes = Vec::with_capacity(level.len());
        for (position, rec) in level.iter().enumerate() {
            let here = format!("{path}[{position}]");
            let share = at.share_ppm(&format!("{here}.share"), &rec.share)?;
            let organisation_id = key(
                at,
                &format!("{here}.party"),
                "organisation",
                &self.organisations,
                &rec.party,
            )?;
            let at_share = at.child("cost share", &here);
            let illustrative = at_share.illustrative(rec.illustrative, &rec.illustrative_fields)?;
            let source = at_share.source(&self.citations, &rec.source)?;
            let index = out.len();
            out.push(PlannedShare {
                parent,
                position: position as i32,
                organisation_id,
                // At most 1,000,000, so it fits.
                share_ppm: share.ppm() as i32,
                source,
                illustrative,
            });
            let children = self.plan_shares(
                at,
                &format!("{here}.children"),
                &rec.children,
                Some(index),
                out,
            )?;
            nodes.push(SplitNode {
                party: rec.party.clone(),
                share,
                children,
            });
        }
        Ok(nodes)
    }
}

/// The stored option state as the domain's, for [`validate_term`].
fn domain_state(state: OptionState) -> domain::OptionState {
    match state {
        OptionState::Available => domain::OptionState::Available,
        OptionState::Exercised => domain::OptionState::Exercised,
        OptionState::Declined => domain::OptionState::Declined,
        OptionState::Lapsed => domain::OptionState::Lapsed,
    }
}
