//! Budgets, spend lines, and indicators with their observations.

use std::collections::HashSet;

use entity::enums::{Aggregation, IndicatorUnit, Qualifier};
use entity::{budget, indicator, observation, spend_line};
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::error::AppResult;

use super::insert::Loader;
use super::values::{key, not_twice, opt_key, text, At, Keys};

impl Loader<'_> {
    /// Writes the budgets, one per funding stream and financial year.
    pub(super) async fn budgets(&mut self) -> AppResult<()> {
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

    /// Writes the spend lines; returns their ids.
    pub(super) async fn spend_lines(&mut self) -> AppResult<Vec<i64>> {
        let mut ids = Vec::with_capacity(self.data.spend_lines.len());
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
            let id = spend_line::Entity::insert(row)
                .exec(self.txn)
                .await?
                .last_insert_id;
            ids.push(id);
            self.counts.spend_lines += 1;
        }
        Ok(ids)
    }

    /// Writes the indicators and their observations (values scaled by 10^4);
    /// returns the indicators' ids.
    pub(super) async fn indicators(&mut self) -> AppResult<Vec<i64>> {
        let mut codes = Keys::new();
        let mut ids = Vec::with_capacity(self.data.indicators.len());
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
            ids.push(indicator_id);

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
        Ok(ids)
    }
}
