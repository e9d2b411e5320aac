//! Importing spend lines: checked by the rules `recordSpend` uses
//! ([`spend_line_row`]), inserted in batches with their audit events and
//! their attributions to the paying organisations.

use std::collections::HashMap;

use entity::{contract, funding_stream, service, spend_line};
use sea_orm::{DatabaseTransaction, EntityTrait};

use super::{keys_in, prefetch, refused, unknown, Importer};
use crate::error::AppResult;
use crate::import::read::{Columns, Record};
use crate::import::rows::{Cells, SpendRow};
use crate::import::{Kind, Report};
use crate::store::aggregates::attributions::attribute_new_lines;
use crate::store::aggregates::rollups::SpendRollups;
use crate::store::writes::owners::service_owner;
use crate::store::writes::spend::{spend_line_row, RecordSpend};
use crate::store::writes::{audit_many, row_json, Actor, AuditAction, Change, Checks, WriteError};

/// Rows per `INSERT`: about a dozen parameters each keeps a statement far
/// below SQLite's and PostgreSQL's parameter limits.
const BATCH: usize = 500;

/// The state of a spend import.
#[derive(Default)]
pub(super) struct SpendImport {
    streams: HashMap<String, Option<funding_stream::Model>>,
    services: HashMap<String, Option<service::Model>>,
    contracts: HashMap<String, Option<contract::Model>>,
    service_owners: HashMap<i64, Option<i64>>,
    pending: Vec<spend_line::ActiveModel>,
    written: u64,
    /// The spend rollups, locked before the first line is written.
    rollups: Option<SpendRollups>,
    /// The lines written, whose rollups are added at the end.
    lines: Vec<i64>,
}

impl SpendImport {
    async fn check(
        &mut self,
        txn: &DatabaseTransaction,
        actor: &Actor<'_>,
        columns: &Columns,
        record: &Record,
        report: &mut Report,
    ) -> AppResult<()> {
        let mut cells = Cells::new(columns, record);
        let row = SpendRow::read(&mut cells);
        let line = cells.line();
        let Some(row) = row else {
            cells.errors.into_iter().for_each(|e| report.error(e));
            return Ok(());
        };
        let stream = self.streams.get(&row.funding_stream).cloned().flatten();
        if stream.is_none() {
            cells.errors.push(unknown(
                line,
                "fundingStream",
                "funding stream named",
                &row.funding_stream,
            ));
        }
        let service = match &row.service_code {
            Some(code) => {
                let found = self.services.get(code).cloned().flatten();
                if found.is_none() {
                    cells
                        .errors
                        .push(unknown(line, "serviceCode", "service has the code", code));
                }
                found
            }
            None => None,
        };
        let contract = match &row.contract_reference {
            Some(reference) => {
                let found = self.contracts.get(reference).cloned().flatten();
                if found.is_none() {
                    cells.errors.push(unknown(
                        line,
                        "contractReference",
                        "contract has the reference",
                        reference,
                    ));
                }
                found
            }
            None => None,
        };
        let Some(stream) = stream.filter(|_| cells.is_clean()) else {
            cells.errors.into_iter().for_each(|e| report.error(e));
            return Ok(());
        };
        // Who may write the line: as `recordSpend` decides (see `owners`).
        let (owner, owner_column) = match (&contract, &service) {
            (Some(c), _) => (Some(c.lead_commissioner_id), "contractReference"),
            (None, Some(s)) => {
                let owner = match self.service_owners.get(&s.id) {
                    Some(owner) => *owner,
                    None => {
                        let owner = service_owner(txn, s.id).await?;
                        self.service_owners.insert(s.id, owner);
                        owner
                    }
                };
                (owner, "serviceCode")
            }
            (None, None) => (None, "fundingStream"),
        };
        if let Err(err) = actor.may_write(owner) {
            return refused(Kind::Spend, line, owner_column, err, report);
        }
        let input = RecordSpend {
            funding_stream_id: stream.id,
            financial_year: row.financial_year,
            quarter: row.quarter,
            service_id: service.as_ref().map(|s| s.id),
            contract_id: contract.as_ref().map(|c| c.id),
            amount: row.amount,
            qualifier: row.qualifier,
            wording: row.wording,
            description: row.description,
        };
        let mut checks = Checks::default();
        let model = spend_line_row(&mut checks, &input, contract.as_ref());
        match model {
            Some(model) if checks.is_clean() => {
                if report.is_clean() {
                    self.pending.push(model);
                }
                Ok(())
            }
            _ => refused(
                Kind::Spend,
                line,
                owner_column,
                WriteError::Rejected(checks.take()),
                report,
            ),
        }
    }

    /// Inserts the queued lines, their audit events and attributions.
    async fn flush(&mut self, txn: &DatabaseTransaction, actor: &Actor<'_>) -> AppResult<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        if self.rollups.is_none() {
            self.rollups = Some(SpendRollups::lock(txn).await?);
        }
        let batch = std::mem::take(&mut self.pending);
        let saved = spend_line::Entity::insert_many(batch)
            .exec_with_returning(txn)
            .await?;
        self.lines.extend(saved.iter().map(|l| l.id));
        let attributed: Vec<(i64, i64, i64)> = saved
            .iter()
            .filter_map(|l| l.contract_id.map(|c| (l.id, c, l.amount_pence)))
            .collect();
        attribute_new_lines(txn, &attributed).await?;
        let changes = saved
            .iter()
            .map(|row| Change {
                entity_type: "SpendLine",
                entity_id: row.id,
                action: AuditAction::Created,
                reason: None,
                before: None,
                after: Some(row_json(row)),
            })
            .collect();
        audit_many(txn, actor, changes).await?;
        self.written += saved.len() as u64;
        Ok(())
    }
}

#[async_trait::async_trait]
impl Importer for SpendImport {
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
        prefetch::<service::Entity>(
            txn,
            &mut self.services,
            keys_in(columns, &rows, "serviceCode"),
            service::Column::Code,
            |m| &m.code,
        )
        .await?;
        prefetch::<contract::Entity>(
            txn,
            &mut self.contracts,
            keys_in(columns, &rows, "contractReference"),
            contract::Column::Reference,
            |m| &m.reference,
        )
        .await?;
        for record in &rows {
            self.check(txn, actor, columns, record, report).await?;
        }
        if !report.is_clean() {
            // Nothing will be committed: stop writing, keep checking.
            self.pending.clear();
        } else if self.pending.len() >= BATCH {
            self.flush(txn, actor).await?;
        }
        Ok(())
    }

    async fn finish(
        &mut self,
        txn: &DatabaseTransaction,
        actor: &Actor<'_>,
        report: &Report,
    ) -> AppResult<u64> {
        if report.is_clean() {
            self.flush(txn, actor).await?;
        }
        if let Some(rollups) = self.rollups.take() {
            rollups.add_lines(txn, &self.lines).await?;
        }
        Ok(self.written)
    }
}
