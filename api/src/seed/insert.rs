//! Writing a dataset's records, table by table, inside the caller's
//! transaction. Each record is converted and checked in full before its row
//! is written, and references are resolved against records of the file
//! already written, so the order of the file is the order of insertion.
//!
//! This module holds the loader and the reference tables (organisations,
//! areas, themes, funding streams), which reuse rows already present under
//! the same name; `contracts`, `grants` and `figures` add the rest.

use std::collections::{HashMap, HashSet};

use entity::enums::{AreaKind, OrganisationKind, Role};
use entity::{
    area, funding_stream, grant_programme, indicator, organisation, organisation_role, service,
    theme,
};
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};

use crate::error::AppResult;
use crate::store::aggregates::rollups::{ReachRollups, SpendRollups};

use super::file::Dataset;
use super::values::{earlier, not_twice, text, At, Keys};
use super::SeedCounts;

/// Loads one dataset into one transaction.
pub(super) struct Loader<'a> {
    /// Every row goes through this one transaction: all or nothing.
    pub(super) txn: &'a DatabaseTransaction,
    /// The parsed file.
    pub(super) data: &'a Dataset,
    /// The document citations every `source` must start with.
    pub(super) citations: Vec<String>,
    // Natural key to id for the records of the file written (or reused) so
    // far; references resolve only against these, never against other data.
    pub(super) organisations: Keys,
    pub(super) areas: Keys,
    pub(super) themes: Keys,
    pub(super) funding_streams: Keys,
    pub(super) services: Keys,
    pub(super) contracts: Keys,
    /// Grant rounds by (programme name, round number).
    pub(super) rounds: HashMap<(String, u32), i64>,
    /// Rows inserted so far.
    pub(super) counts: SeedCounts,
}

impl<'a> Loader<'a> {
    /// A loader writing `data` through `txn`.
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
        let reach = ReachRollups::lock(self.txn).await?;
        let spend = SpendRollups::lock(self.txn).await?;
        self.organisations().await?;
        self.areas().await?;
        self.themes().await?;
        self.funding_streams().await?;
        self.services().await?;
        self.contracts().await?;
        self.grants().await?;
        self.budgets().await?;
        let spent = self.spend_lines().await?;
        let indicators = self.indicators().await?;
        // Summaries read the rollups of the streams spent from and the
        // services observed.
        spend.add_lines(self.txn, &spent).await?;
        reach.refresh(self.txn, &indicators).await?;
        // Spend by commissioner reads the derived attributions: derive them
        // for this dataset's contracts in the same transaction.
        let contracts: Vec<i64> = self.contracts.values().copied().collect();
        crate::store::aggregates::rebuild_spend_attributions(self.txn, Some(&contracts)).await?;
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
}
