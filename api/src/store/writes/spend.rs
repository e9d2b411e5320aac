//! Recording budgets and spend lines.

use entity::enums::Qualifier;
use entity::{budget, contract, funding_stream, service, spend_line};
use rust_decimal::Decimal;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, DatabaseTransaction,
    EntityTrait, QueryFilter, QuerySelect,
};

use super::owners::spend_owner;
use super::{
    audit, begin, referenced, row_json, Actor, AuditAction, Change, Checks, Rejection, WriteError,
    WriteResult,
};
use crate::domain::{text, FinancialYear};
use crate::store::aggregates::rebuild_spend_attributions;
use crate::store::aggregates::rollups::SpendRollups;

/// A funding stream's budget for a year.
pub struct RecordBudget {
    /// The funding stream.
    pub funding_stream_id: i64,
    /// The financial year.
    pub financial_year: FinancialYear,
    /// The amount in pounds.
    pub amount: Decimal,
    /// How exactly the amount is known.
    pub qualifier: Qualifier,
    /// The source's words for the qualifier.
    pub wording: Option<String>,
    /// Free notes.
    pub notes: Option<String>,
    /// The version of the budget being replaced; `None` to record a first
    /// budget for the stream and year.
    pub expected_version: Option<i32>,
}

/// A spend line.
pub struct RecordSpend {
    /// The funding stream paying.
    pub funding_stream_id: i64,
    /// The financial year.
    pub financial_year: FinancialYear,
    /// The quarter (1 to 4), if known.
    pub quarter: Option<u8>,
    /// The service the money was spent on.
    pub service_id: Option<i64>,
    /// The contract the money was spent under.
    pub contract_id: Option<i64>,
    /// The amount in pounds.
    pub amount: Decimal,
    /// How exactly the amount is known.
    pub qualifier: Qualifier,
    /// The source's words for the qualifier.
    pub wording: Option<String>,
    /// What the money was for.
    pub description: Option<String>,
}

/// Records or replaces a budget (admins only: funding streams belong to no
/// single organisation). Replacing needs the version read; recording a
/// first budget needs none, and one already there is a `CONFLICT`.
pub async fn record_budget(
    db: &DatabaseConnection,
    actor: &Actor<'_>,
    input: RecordBudget,
) -> WriteResult<budget::Model> {
    actor.may_write(None)?;
    let txn = begin(db).await?;
    let saved = record_budget_in(&txn, actor, input).await?;
    txn.commit().await?;
    Ok(saved)
}

/// [`record_budget`] inside the caller's transaction (CSV import writes
/// many in one): the same permission check, rules, write and audit event.
pub(crate) async fn record_budget_in(
    txn: &DatabaseTransaction,
    actor: &Actor<'_>,
    input: RecordBudget,
) -> WriteResult<budget::Model> {
    actor.may_write(None)?;
    let mut checks = Checks::default();
    let amount = checks.money(&["amount"], input.amount);
    let wording = checks.optional_text("wording", input.wording.as_deref(), text::CODE);
    let notes = checks.optional_text("notes", input.notes.as_deref(), text::LONG);
    referenced::<funding_stream::Entity>(
        txn,
        &mut checks,
        input.funding_stream_id,
        &["fundingStreamId"],
        "funding stream",
    )
    .await?;
    let (Some(amount), Some(wording), Some(notes), true) =
        (amount, wording, notes, checks.is_clean())
    else {
        return Err(checks.into_error());
    };
    let year = input.financial_year.start_year();
    let existing = budget::Entity::find()
        .filter(budget::Column::FundingStreamId.eq(input.funding_stream_id))
        .filter(budget::Column::FinancialYear.eq(year))
        .lock_exclusive()
        .one(txn)
        .await?;
    let current_version = existing.as_ref().map(|b| b.version);
    if current_version != input.expected_version {
        let message = match current_version {
            Some(v) => format!(
                "expectedVersion: a budget is already recorded for this stream and year, at version {v}; \
                 give that version to replace it"
            ),
            None => "expectedVersion: no budget is recorded for this stream and year; omit expectedVersion to record one".to_owned(),
        };
        return Err(WriteError::Rejected(vec![Rejection {
            current_version,
            ..Rejection::at(&["expectedVersion"], "CONFLICT", message)
        }]));
    }
    let (row, before, action) = match existing {
        Some(current) => {
            let mut row: budget::ActiveModel = current.clone().into();
            row.version = Set(current.version + 1);
            (row, Some(row_json(&current)), AuditAction::Updated)
        }
        None => (
            budget::ActiveModel {
                funding_stream_id: Set(input.funding_stream_id),
                financial_year: Set(year),
                is_illustrative: Set(false),
                ..Default::default()
            },
            None,
            AuditAction::Created,
        ),
    };
    let mut row = row;
    row.amount_pence = Set(amount);
    row.qualifier = Set(input.qualifier);
    row.wording = Set(wording);
    row.notes = Set(notes);
    let saved = if before.is_some() {
        row.update(txn).await?
    } else {
        row.insert(txn).await?
    };
    let change = Change {
        entity_type: "Budget",
        entity_id: saved.id,
        action,
        reason: None,
        before,
        after: Some(row_json(&saved)),
    };
    audit(txn, actor, change).await?;
    Ok(saved)
}

/// Records a spend line (the owner of its contract or service; admins for
/// spend against a funding stream alone) and attributes it to the paying
/// organisations by the contract's split.
pub async fn record_spend(
    db: &DatabaseConnection,
    actor: &Actor<'_>,
    input: RecordSpend,
) -> WriteResult<spend_line::Model> {
    let txn = begin(db).await?;
    let mut checks = Checks::default();
    let found_contract = match input.contract_id {
        Some(id) => {
            referenced::<contract::Entity>(&txn, &mut checks, id, &["contractId"], "contract")
                .await?
        }
        None => None,
    };
    if let Some(id) = input.service_id {
        referenced::<service::Entity>(&txn, &mut checks, id, &["serviceId"], "service").await?;
    }
    if !checks.is_clean() {
        return Err(checks.into_error());
    }
    actor.may_write(spend_owner(&txn, input.contract_id, input.service_id).await?)?;
    let row = spend_line_row(&mut checks, &input, found_contract.as_ref());
    referenced::<funding_stream::Entity>(
        &txn,
        &mut checks,
        input.funding_stream_id,
        &["fundingStreamId"],
        "funding stream",
    )
    .await?;
    let (Some(row), true) = (row, checks.is_clean()) else {
        return Err(checks.into_error());
    };
    let rollups = SpendRollups::lock(&txn).await?;
    let row = row.insert(&txn).await?;
    if let Some(contract_id) = row.contract_id {
        rebuild_spend_attributions(&txn, Some(&[contract_id])).await?;
    }
    rollups.add_lines(&txn, &[row.id]).await?;
    let change = Change {
        entity_type: "SpendLine",
        entity_id: row.id,
        action: AuditAction::Created,
        reason: None,
        before: None,
        after: Some(row_json(&row)),
    };
    audit(&txn, actor, change).await?;
    txn.commit().await?;
    Ok(row)
}

/// The rules of a spend line whose contract (if any) was found, and the row
/// to insert; `None` when a rule is broken (each recorded in `checks`). The
/// `recordSpend` mutation and CSV import both check a line with this.
pub(crate) fn spend_line_row(
    checks: &mut Checks,
    input: &RecordSpend,
    contract: Option<&contract::Model>,
) -> Option<spend_line::ActiveModel> {
    if let (Some(contract), Some(service_id)) = (contract, input.service_id) {
        if contract.service_id != service_id {
            checks.reject_at(
                &["serviceId"],
                "SPEND_SERVICE_MISMATCH",
                "serviceId: the contract delivers another service; give the contract's service or none",
            );
        }
    }
    if contract.is_some_and(|c| c.archived_at.is_some()) {
        checks.reject_at(
            &["contractId"],
            "ARCHIVED",
            "contractId: the contract is archived",
        );
    }
    let amount = checks.money(&["amount"], input.amount);
    let wording = checks.optional_text("wording", input.wording.as_deref(), text::CODE);
    let description = checks.optional_text("description", input.description.as_deref(), text::LONG);
    let (Some(amount), Some(wording), Some(description)) = (amount, wording, description) else {
        return None;
    };
    Some(spend_line::ActiveModel {
        funding_stream_id: Set(input.funding_stream_id),
        financial_year: Set(input.financial_year.start_year()),
        quarter: Set(input.quarter.map(i32::from)),
        // A line under a contract is also under the contract's service.
        service_id: Set(input.service_id.or(contract.map(|c| c.service_id))),
        contract_id: Set(input.contract_id),
        amount_pence: Set(amount),
        qualifier: Set(input.qualifier),
        wording: Set(wording),
        description: Set(description),
        is_illustrative: Set(false),
        ..Default::default()
    })
}
