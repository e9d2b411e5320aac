//! Importing budgets, observations and grant awards. Each row is written by
//! the very function its mutation runs (`record_budget_in`...), inside the
//! import's transaction: same permission check, rules, codes, write and
//! audit event. These files are small next to spend (a budget per stream
//! and year, awards per round), so row-by-row writing is fine; the human
//! keys are still looked up once per chunk.

use std::collections::HashMap;

use entity::{funding_stream, grant_programme, grant_round, indicator, organisation};
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, TransactionTrait};

use super::{keys_in, prefetch, refused, unknown, Importer};
use crate::error::AppResult;
use crate::import::read::{Columns, Record};
use crate::import::rows::{AwardRow, BudgetRow, Cells, ObservationRow};
use crate::import::{Kind, Report, RowError};
use crate::store::aggregates::rollups::ReachRollups;
use crate::store::writes::grants::{award_grant_in, NewAward};
use crate::store::writes::reach::{record_observation_in, RecordObservation};
use crate::store::writes::spend::{record_budget_in, RecordBudget};
use crate::store::writes::{Actor, WriteResult};

/// Runs one row's write in a savepoint, so that a row the database refuses
/// (PostgreSQL aborts a transaction on any failed statement) costs only
/// that row; reports a refusal as the row's errors.
async fn write_row<T>(
    txn: &DatabaseTransaction,
    kind: Kind,
    line: u64,
    owner_column: &'static str,
    report: &mut Report,
    write: impl AsyncFnOnce(&DatabaseTransaction) -> WriteResult<T>,
) -> AppResult<bool> {
    let savepoint = txn.begin().await?;
    match write(&savepoint).await {
        Ok(_) => {
            savepoint.commit().await?;
            Ok(true)
        }
        Err(err) => {
            savepoint.rollback().await?;
            refused(kind, line, owner_column, err, report)?;
            Ok(false)
        }
    }
}

/// Reads a row with `read`; reports its errors when it cannot be read.
fn read_row<T>(
    columns: &Columns,
    record: &Record,
    report: &mut Report,
    read: impl FnOnce(&mut Cells) -> Option<T>,
) -> Option<T> {
    let mut cells = Cells::new(columns, record);
    let row = read(&mut cells);
    if row.is_none() || !cells.is_clean() {
        cells.errors.into_iter().for_each(|e| report.error(e));
        return None;
    }
    row
}

/// The state of a budget import.
#[derive(Default)]
pub(super) struct BudgetImport {
    streams: HashMap<String, Option<funding_stream::Model>>,
    /// The line of each stream and year already in the file.
    seen: HashMap<(i64, i32), u64>,
    written: u64,
}

#[async_trait::async_trait]
impl Importer for BudgetImport {
    async fn chunk(
        &mut self,
        txn: &DatabaseTransaction,
        actor: &Actor<'_>,
        columns: &Columns,
        rows: Vec<Record>,
        report: &mut Report,
    ) -> AppResult<()> {
        prefetch::<funding_stream::Entity>(
            txn,
            &mut self.streams,
            keys_in(columns, &rows, "fundingStream"),
            funding_stream::Column::Name,
            |m| &m.name,
        )
        .await?;
        for record in &rows {
            let line = record.line;
            let Some(row) = read_row(columns, record, report, BudgetRow::read) else {
                continue;
            };
            let Some(stream) = self.streams.get(&row.funding_stream).cloned().flatten() else {
                report.error(unknown(
                    line,
                    "fundingStream",
                    "funding stream named",
                    &row.funding_stream,
                ));
                continue;
            };
            let key = (stream.id, row.financial_year.start_year());
            if let Some(first) = self.seen.insert(key, line) {
                report.error(RowError {
                    line,
                    column: Some("financialYear"),
                    code: "DUPLICATE",
                    message: format!(
                        "financialYear: line {first} already gives this funding stream's budget for {}",
                        row.financial_year.label()
                    ),
                });
                continue;
            }
            let input = RecordBudget {
                funding_stream_id: stream.id,
                financial_year: row.financial_year,
                amount: row.amount,
                qualifier: row.qualifier,
                wording: row.wording,
                notes: row.notes,
                expected_version: row.expected_version,
            };
            let write = async |t: &DatabaseTransaction| record_budget_in(t, actor, input).await;
            if write_row(txn, Kind::Budgets, line, "fundingStream", report, write).await? {
                self.written += 1;
            }
        }
        Ok(())
    }

    async fn finish(
        &mut self,
        _txn: &DatabaseTransaction,
        _actor: &Actor<'_>,
        _report: &Report,
    ) -> AppResult<u64> {
        Ok(self.written)
    }
}

/// The state of an observation import.
#[derive(Default)]
pub(super) struct ObservationImport {
    indicators: HashMap<String, Option<indicator::Model>>,
    written: u64,
    /// The reach rollups, locked before the first row is written.
    rollups: Option<ReachRollups>,
    /// The indicators observed, whose services' rollups are rebuilt at the end.
    observed: std::collections::BTreeSet<i64>,
}

#[async_trait::async_trait]
impl Importer for ObservationImport {
    async fn chunk(
        &mut self,
        txn: &DatabaseTransaction,
        actor: &Actor<'_>,
        columns: &Columns,
        rows: Vec<Record>,
        report: &mut Report,
    ) -> AppResult<()> {
        prefetch::<indicator::Entity>(
            txn,
            &mut self.indicators,
            keys_in(columns, &rows, "indicatorCode"),
            indicator::Column::Code,
            |m| &m.code,
        )
        .await?;
        if self.rollups.is_none() {
            self.rollups = Some(ReachRollups::lock(txn).await?);
        }
        for record in &rows {
            let line = record.line;
            let Some(row) = read_row(columns, record, report, ObservationRow::read) else {
                continue;
            };
            let Some(found) = self.indicators.get(&row.indicator_code).cloned().flatten() else {
                report.error(unknown(
                    line,
                    "indicatorCode",
                    "indicator has the code",
                    &row.indicator_code,
                ));
                continue;
            };
            self.observed.insert(found.id);
            let input = RecordObservation {
                indicator_id: found.id,
                period_start: row.period_start,
                period_end: row.period_end,
                value: row.value,
                qualifier: row.qualifier,
                wording: row.wording,
                target: row.target,
                baseline: row.baseline,
                notes: row.notes,
            };
            let write =
                async |t: &DatabaseTransaction| record_observation_in(t, actor, input).await;
            if write_row(
                txn,
                Kind::Observations,
                line,
                "indicatorCode",
                report,
                write,
            )
            .await?
            {
                self.written += 1;
            }
        }
        Ok(())
    }

    async fn finish(
        &mut self,
        txn: &DatabaseTransaction,
        _actor: &Actor<'_>,
        _report: &Report,
    ) -> AppResult<u64> {
        if let Some(rollups) = self.rollups.take() {
            let observed: Vec<i64> = self.observed.iter().copied().collect();
            rollups.refresh(txn, &observed).await?;
        }
        Ok(self.written)
    }
}

/// The state of a grant award import.
#[derive(Default)]
pub(super) struct AwardImport {
    programmes: HashMap<String, Option<grant_programme::Model>>,
    /// Rounds by programme id and round name.
    rounds: HashMap<(i64, String), i64>,
    /// Programmes whose rounds are loaded.
    rounds_loaded: std::collections::HashSet<i64>,
    organisations: HashMap<String, Option<organisation::Model>>,
    written: u64,
}

#[async_trait::async_trait]
impl Importer for AwardImport {
    async fn chunk(
        &mut self,
        txn: &DatabaseTransaction,
        actor: &Actor<'_>,
        columns: &Columns,
        rows: Vec<Record>,
        report: &mut Report,
    ) -> AppResult<()> {
        prefetch::<grant_programme::Entity>(
            txn,
            &mut self.programmes,
            keys_in(columns, &rows, "programme"),
            grant_programme::Column::Name,
            |m| &m.name,
        )
        .await?;
        let mut names = keys_in(columns, &rows, "recipient");
        names.extend(keys_in(columns, &rows, "partner"));
        prefetch::<organisation::Entity>(
            txn,
            &mut self.organisations,
            names,
            organisation::Column::Name,
            |m| &m.name,
        )
        .await?;
        let programme_ids: Vec<i64> = self
            .programmes
            .values()
            .flatten()
            .map(|p| p.id)
            .filter(|id| !self.rounds_loaded.contains(id))
            .collect();
        if !programme_ids.is_empty() {
            let rounds = grant_round::Entity::find()
                .filter(grant_round::Column::ProgrammeId.is_in(programme_ids.iter().copied()))
                .all(txn)
                .await?;
            for round in rounds {
                self.rounds
                    .insert((round.programme_id, round.name), round.id);
            }
            self.rounds_loaded.extend(programme_ids);
        }
        for record in &rows {
            let line = record.line;
            let Some(row) = read_row(columns, record, report, AwardRow::read) else {
                continue;
            };
            let organisation = |name: &str| {
                self.organisations
                    .get(name)
                    .cloned()
                    .flatten()
                    .map(|o| o.id)
            };
            let mut errors = Vec::new();
            let programme = self.programmes.get(&row.programme).cloned().flatten();
            let round = match &programme {
                Some(p) => {
                    let round = self.rounds.get(&(p.id, row.round.clone())).copied();
                    if round.is_none() {
                        errors.push(unknown(
                            line,
                            "round",
                            "round of this programme is named",
                            &row.round,
                        ));
                    }
                    round
                }
                None => {
                    errors.push(unknown(
                        line,
                        "programme",
                        "grant programme is named",
                        &row.programme,
                    ));
                    None
                }
            };
            let recipient = organisation(&row.recipient);
            if recipient.is_none() {
                errors.push(unknown(
                    line,
                    "recipient",
                    "organisation is named",
                    &row.recipient,
                ));
            }
            let partner = match &row.partner {
                Some(name) => {
                    let found = organisation(name);
                    if found.is_none() {
                        errors.push(unknown(line, "partner", "organisation is named", name));
                    }
                    found
                }
                None => None,
            };
            let (Some(round_id), Some(recipient_id), true) = (round, recipient, errors.is_empty())
            else {
                errors.into_iter().for_each(|e| report.error(e));
                continue;
            };
            let input = NewAward {
                round_id,
                recipient_id,
                partner_id: partner,
                project_name: row.project_name,
                description: row.description,
                amount: row.amount,
                awarded_on: row.awarded_on,
            };
            let write = async |t: &DatabaseTransaction| award_grant_in(t, actor, input).await;
            if write_row(txn, Kind::GrantAwards, line, "programme", report, write).await? {
                self.written += 1;
            }
        }
        Ok(())
    }

    async fn finish(
        &mut self,
        _txn: &DatabaseTransaction,
        _actor: &Actor<'_>,
        _report: &Report,
    ) -> AppResult<u64> {
        Ok(self.written)
    }
}
