//! Writing a dataset's records, table by table, inside the caller's
//! transaction. Each record is converted and checked in full before its row
//! is written, and references are resolved against records of the file
//! already written, so the order of the file is the order of insertion.

use std::collections::{HashMap, HashSet};

use entity::enums::{
    Aggregation, AreaKind, ContractRecordStatus, EiaStatus, IndicatorUnit, OptionState,
    OrganisationKind, ProcurementRoute, Qualifier, Role, ServiceStatus,
};
use entity::{
    area, budget, contract, cost_share, extension_option, funding_stream, grant_award,
    grant_award_area, grant_award_theme, grant_programme, grant_round, grant_round_theme,
    indicator, observation, organisation, organisation_role, service, service_area,
    service_partner, service_theme, spend_line, theme,
};
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};

use crate::domain::{self, validate_term, ContractTermError, SplitNode, TermOption};
use crate::error::AppResult;

use super::file::{Dataset, ShareRecord};
use super::values::At;
use super::SeedCounts;

/// Natural key to id, for the records of the file written so far.
type Keys = HashMap<String, i64>;

/// Loads one dataset into one transaction.
pub(super) struct Loader<'a> {
    txn: &'a DatabaseTransaction,
    data: &'a Dataset,
    citations: Vec<String>,
    organisations: Keys,
    areas: Keys,
    themes: Keys,
    funding_streams: Keys,
    services: Keys,
    contracts: Keys,
    rounds: HashMap<(String, u32), i64>,
    counts: SeedCounts,
}

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

impl<'a> Loader<'a> {
    pub fn new(txn: &'a DatabaseTransaction, data: &'a Dataset) -> Self {
        Loader {
            txn,
            data,
            citations: data
                .about
                .documents
                .iter()
                .map(|d| d.citation.clone())
                .collect(),
            organisations: Keys::new(),
            areas: Keys::new(),
            themes: Keys::new(),
            funding_streams: Keys::new(),
            services: Keys::new(),
            contracts: Keys::new(),
            rounds: HashMap::new(),
            counts: SeedCounts::default(),
        }
    }

    /// Writes every record and returns the rows inserted per table.
    pub async fn run(mut self) -> AppResult<SeedCounts> {
        self.check_conflicts().await?;
        self.organisations().await?;
        self.areas().await?;
        self.themes().await?;
        self.funding_streams().await?;
        self.services().await?;
        self.contracts().await?;
        self.grants().await?;
        self.budgets().await?;
        self.spend_lines().await?;
        self.indicators().await?;
        Ok(self.counts)
    }

    /// Natural keys of the tables that are inserted, never reused, must not
    /// exist yet: a clear error beats a unique-constraint failure.
    async fn check_conflicts(&self) -> AppResult<()> {
        let d = self.data;
        let codes: Vec<&str> = d.services.iter().map(|s| s.code.as_str()).collect();
        let taken: Vec<String> = service::Entity::find()
            .filter(service::Column::Code.is_in(codes))
            .all(self.txn)
            .await?
            .into_iter()
            .map(|s| format!("service \"{}\"", s.code))
            .chain(
                grant_programme::Entity::find()
                    .filter(
                        grant_programme::Column::Name
                            .is_in(d.grant_programmes.iter().map(|p| p.name.as_str())),
                    )
                    .all(self.txn)
                    .await?
                    .into_iter()
                    .map(|p| format!("grant programme \"{}\"", p.name)),
            )
            .chain(
                indicator::Entity::find()
                    .filter(
                        indicator::Column::Code.is_in(d.indicators.iter().map(|i| i.code.as_str())),
                    )
                    .all(self.txn)
                    .await?
                    .into_iter()
                    .map(|i| format!("indicator \"{}\"", i.code)),
            )
            .collect();
        if taken.is_empty() {
            Ok(())
        } else {
            Err(crate::error::AppError::bad_input(
                "SEED_CONFLICT",
                format!(
                    "demo dataset: the database already holds {} from other data; \
                     the dataset cannot be loaded beside them",
                    taken.join(", ")
                ),
            ))
        }
    }

    async fn organisations(&mut self) -> AppResult<()> {
        let names = self.data.organisations.iter().map(|o| o.name.as_str());
        let existing: Keys = organisation::Entity::find()
            .filter(organisation::Column::Name.is_in(names))
            .all(self.txn)
            .await?
            .into_iter()
            .map(|o| (o.name, o.id))
            .collect();
        for rec in &self.data.organisations {
            let at = At::new("organisation", &rec.name);
            text(&at, "name", &rec.name, 200)?;
            if let Some(short) = &rec.short_name {
                text(&at, "short_name", short, 40)?;
            }
            let kind: OrganisationKind = at.enumerated("kind", &rec.kind)?;
            at.distinct("roles", &rec.roles)?;
            let roles = rec
                .roles
                .iter()
                .enumerate()
                .map(|(i, r)| at.enumerated::<Role>(&format!("roles[{i}]"), r))
                .collect::<AppResult<Vec<_>>>()?;
            let parent_id = match &rec.parent {
                Some(p) => Some(earlier(
                    &at,
                    "parent",
                    "organisation",
                    &self.organisations,
                    p,
                )?),
                None => None,
            };
            let (is_illustrative, illustrative_fields) =
                at.illustrative(rec.illustrative, &rec.illustrative_fields)?;
            let source = at.source(&self.citations, &rec.source)?;
            not_twice(&at, "name", &self.organisations, &rec.name)?;

            let (id, held) = match existing.get(&rec.name) {
                Some(&id) => {
                    let held: HashSet<Role> = organisation_role::Entity::find()
                        .filter(organisation_role::Column::OrganisationId.eq(id))
                        .all(self.txn)
                        .await?
                        .into_iter()
                        .map(|r| r.role)
                        .collect();
                    (id, held)
                }
                None => {
                    let row = organisation::ActiveModel {
                        name: Set(rec.name.clone()),
                        short_name: Set(rec.short_name.clone()),
                        kind: Set(kind),
                        parent_id: Set(parent_id),
                        description: Set(rec.description.clone()),
                        source: Set(source),
                        is_illustrative: Set(is_illustrative),
                        illustrative_fields: Set(illustrative_fields),
                        ..Default::default()
                    };
                    let id = organisation::Entity::insert(row)
                        .exec(self.txn)
                        .await?
                        .last_insert_id;
                    self.counts.organisations += 1;
                    (id, HashSet::new())
                }
            };
            // A reused organisation gains the roles the dataset gives it.
            let new_roles = roles.into_iter().filter(|r| !held.contains(r)).map(|role| {
                organisation_role::ActiveModel {
                    organisation_id: Set(id),
                    role: Set(role),
                }
            });
            self.counts.organisation_roles += organisation_role::Entity::insert_many(new_roles)
                .exec_without_returning(self.txn)
                .await?;
            self.organisations.insert(rec.name.clone(), id);
        }
        Ok(())
    }

    async fn areas(&mut self) -> AppResult<()> {
        let names = self.data.areas.iter().map(|a| a.name.as_str());
        let existing: Keys = area::Entity::find()
            .filter(area::Column::Name.is_in(names))
            .all(self.txn)
            .await?
            .into_iter()
            .map(|a| (a.name, a.id))
            .collect();
        for rec in &self.data.areas {
            let at = At::new("area", &rec.name);
            text(&at, "name", &rec.name, 200)?;
            let kind: AreaKind = at.enumerated("kind", &rec.kind)?;
            let parent_id = match &rec.parent {
                Some(p) => Some(earlier(&at, "parent", "area", &self.areas, p)?),
                None => None,
            };
            at.source(&self.citations, &rec.source)?;
            not_twice(&at, "name", &self.areas, &rec.name)?;
            let id = match existing.get(&rec.name) {
                Some(&id) => id,
                None => {
                    let row = area::ActiveModel {
                        name: Set(rec.name.clone()),
                        kind: Set(kind),
                        parent_id: Set(parent_id),
                        ..Default::default()
                    };
                    self.counts.areas += 1;
                    area::Entity::insert(row)
                        .exec(self.txn)
                        .await?
                        .last_insert_id
                }
            };
            self.areas.insert(rec.name.clone(), id);
        }
        Ok(())
    }

    async fn themes(&mut self) -> AppResult<()> {
        let names = self.data.themes.iter().map(|t| t.name.as_str());
        let existing: Keys = theme::Entity::find()
            .filter(theme::Column::Name.is_in(names))
            .all(self.txn)
            .await?
            .into_iter()
            .map(|t| (t.name, t.id))
            .collect();
        for rec in &self.data.themes {
            let at = At::new("theme", &rec.name);
            text(&at, "name", &rec.name, 200)?;
            at.source(&self.citations, &rec.source)?;
            not_twice(&at, "name", &self.themes, &rec.name)?;
            let id = match existing.get(&rec.name) {
                Some(&id) => id,
                None => {
                    let row = theme::ActiveModel {
                        name: Set(rec.name.clone()),
                        ..Default::default()
                    };
                    self.counts.themes += 1;
                    theme::Entity::insert(row)
                        .exec(self.txn)
                        .await?
                        .last_insert_id
                }
            };
            self.themes.insert(rec.name.clone(), id);
        }
        Ok(())
    }

    async fn funding_streams(&mut self) -> AppResult<()> {
        let names = self.data.funding_streams.iter().map(|f| f.name.as_str());
        let existing: Keys = funding_stream::Entity::find()
            .filter(funding_stream::Column::Name.is_in(names))
            .all(self.txn)
            .await?
            .into_iter()
            .map(|f| (f.name, f.id))
            .collect();
        for rec in &self.data.funding_streams {
            let at = At::new("funding stream", &rec.name);
            text(&at, "name", &rec.name, 200)?;
            at.source(&self.citations, &rec.source)?;
            not_twice(&at, "name", &self.funding_streams, &rec.name)?;
            let id = match existing.get(&rec.name) {
                Some(&id) => id,
                None => {
                    let row = funding_stream::ActiveModel {
                        name: Set(rec.name.clone()),
                        description: Set(rec.description.clone()),
                        ..Default::default()
                    };
                    self.counts.funding_streams += 1;
                    funding_stream::Entity::insert(row)
                        .exec(self.txn)
                        .await?
                        .last_insert_id
                }
            };
            self.funding_streams.insert(rec.name.clone(), id);
        }
        Ok(())
    }

    async fn services(&mut self) -> AppResult<()> {
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

    async fn contracts(&mut self) -> AppResult<()> {
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

    async fn grants(&mut self) -> AppResult<()> {
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

    async fn budgets(&mut self) -> AppResult<()> {
        let mut seen = HashSet::new();
        for rec in &self.data.budgets {
            let at = At::new(
                "budget",
                format!("{} {}", rec.funding_stream, rec.financial_year),
            );
            let stream_id = key(
                &at,
                "funding_stream",
                "funding stream",
                &self.funding_streams,
                &rec.funding_stream,
            )?;
            let year = at.financial_year("financial_year", &rec.financial_year)?;
            let amount = at.pence("amount", &rec.amount)?;
            let qualifier: Qualifier = at.enumerated("qualifier", &rec.qualifier)?;
            let wording = at.wording("wording", rec.wording.as_deref())?;
            let (is_illustrative, illustrative_fields) =
                at.illustrative(rec.illustrative, &rec.illustrative_fields)?;
            let source = at.source(&self.citations, &rec.source)?;
            // One budget per stream and year: the file must not repeat one,
            // and a funding stream reused from other data may already have it.
            let clash = !seen.insert((stream_id, year))
                || budget::Entity::find()
                    .filter(budget::Column::FundingStreamId.eq(stream_id))
                    .filter(budget::Column::FinancialYear.eq(year))
                    .one(self.txn)
                    .await?
                    .is_some();
            if clash {
                return Err(at.err(
                    "financial_year",
                    "SEED_CONFLICT",
                    "a budget for this funding stream and year already exists",
                ));
            }
            let row = budget::ActiveModel {
                funding_stream_id: Set(stream_id),
                financial_year: Set(year),
                amount_pence: Set(amount),
                qualifier: Set(qualifier),
                wording: Set(wording),
                notes: Set(rec.notes.clone()),
                source: Set(source),
                is_illustrative: Set(is_illustrative),
                illustrative_fields: Set(illustrative_fields),
                ..Default::default()
            };
            budget::Entity::insert(row).exec(self.txn).await?;
            self.counts.budgets += 1;
        }
        Ok(())
    }

    async fn spend_lines(&mut self) -> AppResult<()> {
        for (i, rec) in self.data.spend_lines.iter().enumerate() {
            let at = At::new("spend line", i + 1);
            let stream_id = key(
                &at,
                "funding_stream",
                "funding stream",
                &self.funding_streams,
                &rec.funding_stream,
            )?;
            let year = at.financial_year("financial_year", &rec.financial_year)?;
            let quarter = at.quarter("quarter", rec.quarter)?;
            let service_id = opt_key(
                &at,
                "service",
                "service",
                &self.services,
                rec.service.as_deref(),
            )?;
            let contract_id = opt_key(
                &at,
                "contract",
                "contract",
                &self.contracts,
                rec.contract.as_deref(),
            )?;
            let amount = at.pence("amount", &rec.amount)?;
            let qualifier: Qualifier = at.enumerated("qualifier", &rec.qualifier)?;
            let wording = at.wording("wording", rec.wording.as_deref())?;
            let (is_illustrative, illustrative_fields) =
                at.illustrative(rec.illustrative, &rec.illustrative_fields)?;
            let source = at.source(&self.citations, &rec.source)?;
            let row = spend_line::ActiveModel {
                funding_stream_id: Set(stream_id),
                financial_year: Set(year),
                quarter: Set(quarter),
                service_id: Set(service_id),
                contract_id: Set(contract_id),
                amount_pence: Set(amount),
                qualifier: Set(qualifier),
                wording: Set(wording),
                description: Set(rec.description.clone()),
                source: Set(source),
                is_illustrative: Set(is_illustrative),
                illustrative_fields: Set(illustrative_fields),
                ..Default::default()
            };
            spend_line::Entity::insert(row).exec(self.txn).await?;
            self.counts.spend_lines += 1;
        }
        Ok(())
    }

    async fn indicators(&mut self) -> AppResult<()> {
        let mut codes = Keys::new();
        for rec in &self.data.indicators {
            let at = At::new("indicator", &rec.code);
            text(&at, "code", &rec.code, 60)?;
            text(&at, "name", &rec.name, 200)?;
            let unit: IndicatorUnit = at.enumerated("unit", &rec.unit)?;
            let aggregation: Aggregation = at.enumerated("aggregation", &rec.aggregation)?;
            let s = &rec.subject;
            let service_id = opt_key(
                &at,
                "subject.service",
                "service",
                &self.services,
                s.service.as_deref(),
            )?;
            let contract_id = opt_key(
                &at,
                "subject.contract",
                "contract",
                &self.contracts,
                s.contract.as_deref(),
            )?;
            let organisation_id = opt_key(
                &at,
                "subject.organisation",
                "organisation",
                &self.organisations,
                s.organisation.as_deref(),
            )?;
            let round_id = match &s.grant_round {
                Some(r) => Some(
                    *self
                        .rounds
                        .get(&(r.programme.clone(), r.number))
                        .ok_or_else(|| {
                            at.unresolved(
                                "subject.grant_round",
                                "grant round",
                                &format!("{} round {}", r.programme, r.number),
                            )
                        })?,
                ),
                None => None,
            };
            if service_id.is_none()
                && contract_id.is_none()
                && organisation_id.is_none()
                && round_id.is_none()
            {
                return Err(at.err(
                    "subject",
                    "SEED_SUBJECT_MISSING",
                    "name a service, contract, organisation or grant_round",
                ));
            }
            at.source(&self.citations, &rec.source)?;
            not_twice(&at, "code", &codes, &rec.code)?;
            let row = indicator::ActiveModel {
                code: Set(rec.code.clone()),
                name: Set(rec.name.clone()),
                description: Set(rec.description.clone()),
                unit: Set(unit),
                aggregation: Set(aggregation),
                service_id: Set(service_id),
                contract_id: Set(contract_id),
                round_id: Set(round_id),
                organisation_id: Set(organisation_id),
                ..Default::default()
            };
            let indicator_id = indicator::Entity::insert(row)
                .exec(self.txn)
                .await?
                .last_insert_id;
            self.counts.indicators += 1;
            codes.insert(rec.code.clone(), indicator_id);

            for (i, o) in rec.observations.iter().enumerate() {
                let at = at.child("observation", i + 1);
                let start = at.date("period_start", &o.period_start)?;
                let end = at.date("period_end", &o.period_end)?;
                if start > end {
                    return Err(at.err(
                        "period_end",
                        "SEED_DATES_OUT_OF_ORDER",
                        format!("the period ends on {end}, before it starts on {start}"),
                    ));
                }
                let value = at.opt_e4("value", o.value.as_deref())?;
                let qualifier: Option<Qualifier> = o
                    .qualifier
                    .as_deref()
                    .map(|q| at.enumerated("qualifier", q))
                    .transpose()?;
                let wording = at.wording("wording", o.wording.as_deref())?;
                if value.is_some() != qualifier.is_some() || (value.is_none() && wording.is_some())
                {
                    return Err(at.err(
                        "qualifier",
                        "SEED_QUALIFIER_WITHOUT_VALUE",
                        "a value needs a qualifier, and a qualifier or wording needs a value",
                    ));
                }
                let target = at.opt_e4("target", o.target.as_deref())?;
                let baseline = at.opt_e4("baseline", o.baseline.as_deref())?;
                if value.is_none() && target.is_none() {
                    return Err(at.err(
                        "value",
                        "SEED_OBSERVATION_EMPTY",
                        "an observation needs a value or a target",
                    ));
                }
                let (is_illustrative, illustrative_fields) =
                    at.illustrative(o.illustrative, &o.illustrative_fields)?;
                let source = at.source(&self.citations, &o.source)?;
                let row = observation::ActiveModel {
                    indicator_id: Set(indicator_id),
                    period_start: Set(start),
                    period_end: Set(end),
                    value_e4: Set(value),
                    qualifier: Set(qualifier),
                    wording: Set(wording),
                    target_e4: Set(target),
                    baseline_e4: Set(baseline),
                    notes: Set(o.notes.clone()),
                    source: Set(source),
                    is_illustrative: Set(is_illustrative),
                    illustrative_fields: Set(illustrative_fields),
                    ..Default::default()
                };
                observation::Entity::insert(row).exec(self.txn).await?;
                self.counts.observations += 1;
            }
        }
        Ok(())
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

/// A required text: not blank, at most `max` characters (the schema's limit).
fn text(at: &At, field: &str, value: &str, max: usize) -> AppResult<()> {
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
fn key(at: &At, field: &str, kind: &str, known: &Keys, name: &str) -> AppResult<i64> {
    known
        .get(name)
        .copied()
        .ok_or_else(|| at.unresolved(field, kind, name))
}

/// Resolves an optional natural key.
fn opt_key(
    at: &At,
    field: &str,
    kind: &str,
    known: &Keys,
    name: Option<&str>,
) -> AppResult<Option<i64>> {
    name.map(|n| key(at, field, kind, known, n)).transpose()
}

/// Resolves a list of natural keys, each to be named once.
fn keys(at: &At, field: &str, kind: &str, known: &Keys, names: &[String]) -> AppResult<Vec<i64>> {
    at.distinct(field, names)?;
    names
        .iter()
        .enumerate()
        .map(|(i, n)| key(at, &format!("{field}[{i}]"), kind, known, n))
        .collect()
}

/// Resolves a parent, which must be listed before its children so that the
/// rows can be written in file order.
fn earlier(at: &At, field: &str, kind: &str, known: &Keys, name: &str) -> AppResult<i64> {
    known.get(name).copied().ok_or_else(|| {
        at.err(
            field,
            "SEED_REFERENCE_UNRESOLVED",
            format!("no {kind} named \"{name}\" earlier in the dataset"),
        )
    })
}

/// Refuses a natural key the file has already defined.
fn not_twice(at: &At, field: &str, known: &Keys, name: &str) -> AppResult<()> {
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
