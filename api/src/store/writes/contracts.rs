//! Creating, updating and archiving contracts (their end dates restated by
//! `terms`).

use chrono::NaiveDate;
use entity::enums::{
    ContractRecordStatus, EiaStatus, OptionState as StoredState, ProcurementRoute, Qualifier,
};
use entity::{contract, extension_option, organisation, service};
use rust_decimal::Decimal;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, DatabaseTransaction,
    EntityTrait, PaginatorTrait, QueryFilter,
};

use super::terms::{end_dates, options_of, term_option};
use super::{
    audit, begin, check_not_archived, check_version, lock, referenced, row_json, Actor,
    ArchiveTarget, AuditAction, Change, Checks, Patch, WriteResult,
};
use crate::domain::date_order::check_in_range;
use crate::domain::{text, OptionState, TermOption};
use crate::error::AppResult;
use crate::store::aggregates::rebuild_spend_attributions;

/// An extension option given with a new contract.
pub struct NewOption {
    /// Its length in months.
    pub length_months: i32,
    /// The last day it may be exercised or declined.
    pub decide_by: NaiveDate,
}

/// A new contract.
pub struct NewContract {
    /// Its reference, unique.
    pub reference: String,
    /// Its title.
    pub title: String,
    /// The service delivered.
    pub service_id: i64,
    /// The provider delivering it.
    pub provider_id: i64,
    /// The commissioner leading it (who owns the record).
    pub lead_commissioner_id: i64,
    /// The first day of service.
    pub start_date: NaiveDate,
    /// The initial term in months.
    pub initial_term_months: i32,
    /// The value per year, in pounds.
    pub annual_value: Option<Decimal>,
    /// The total value, in pounds.
    pub total_value: Option<Decimal>,
    /// How it was procured.
    pub procurement_route: ProcurementRoute,
    /// Its Equality Impact Assessment's progress.
    pub eia_status: EiaStatus,
    /// When the assessment is next reviewed.
    pub eia_review_date: Option<NaiveDate>,
    /// The name of the cost-sharing agreement.
    pub cost_share_agreement: Option<String>,
    /// Free notes.
    pub notes: Option<String>,
    /// Its extension options, in sequence.
    pub extension_options: Vec<NewOption>,
}

/// Changes to a contract; unset fields stay as they are.
pub struct ContractChanges {
    /// The contract.
    pub id: i64,
    /// The version the caller read.
    pub expected_version: i32,
    /// A new title.
    pub title: Option<String>,
    /// A new provider.
    pub provider_id: Option<i64>,
    /// A new lead commissioner (the caller must be allowed to write for it too).
    pub lead_commissioner_id: Option<i64>,
    /// A new start date.
    pub start_date: Option<NaiveDate>,
    /// A new initial term.
    pub initial_term_months: Option<i32>,
    /// A new value per year, or cleared.
    pub annual_value: Patch<Decimal>,
    /// A new total value, or cleared.
    pub total_value: Patch<Decimal>,
    /// A new recorded status (e.g. terminated).
    pub status: Option<ContractRecordStatus>,
    /// A new procurement route.
    pub procurement_route: Option<ProcurementRoute>,
    /// A new assessment status.
    pub eia_status: Option<EiaStatus>,
    /// A new assessment review date, or cleared.
    pub eia_review_date: Patch<NaiveDate>,
    /// New notes, or cleared.
    pub notes: Patch<String>,
}

/// The stored columns of a money field entered by a commissioner (exact).
fn money_columns(pence: Option<i64>) -> (Option<i64>, Option<Qualifier>) {
    (pence, pence.map(|_| Qualifier::Exact))
}

async fn reference_taken(txn: &DatabaseTransaction, reference: &str) -> AppResult<bool> {
    Ok(contract::Entity::find()
        .filter(contract::Column::Reference.eq(reference))
        .count(txn)
        .await?
        > 0)
}

/// Checks the organisations and service a contract points at.
async fn check_parties(
    txn: &DatabaseTransaction,
    checks: &mut Checks,
    service_id: Option<i64>,
    provider_id: Option<i64>,
    lead_id: Option<i64>,
) -> AppResult<()> {
    if let Some(id) = service_id {
        let found =
            referenced::<service::Entity>(txn, checks, id, &["serviceId"], "service").await?;
        if found.is_some_and(|s| s.archived_at.is_some()) {
            checks.reject_at(
                &["serviceId"],
                "ARCHIVED",
                "serviceId: the service is archived",
            );
        }
    }
    for (id, field) in [(provider_id, "providerId"), (lead_id, "leadCommissionerId")] {
        if let Some(id) = id {
            let found =
                referenced::<organisation::Entity>(txn, checks, id, &[field], "organisation")
                    .await?;
            if found.is_some_and(|o| o.archived_at.is_some()) {
                checks.reject_at(
                    &[field],
                    "ARCHIVED",
                    format!("{field}: the organisation is archived"),
                );
            }
        }
    }
    Ok(())
}

/// Creates a contract with its options (its lead commissioner, or admins).
pub async fn create_contract(
    db: &DatabaseConnection,
    actor: &Actor<'_>,
    input: NewContract,
) -> WriteResult<(contract::Model, Vec<extension_option::Model>)> {
    actor.may_write(Some(input.lead_commissioner_id))?;
    let txn = begin(db).await?;
    let mut checks = Checks::default();
    let reference = checks.text("reference", &input.reference, text::REFERENCE);
    let title = checks.text("title", &input.title, text::NAME);
    let agreement = checks.optional_text(
        "costShareAgreement",
        input.cost_share_agreement.as_deref(),
        text::NAME,
    );
    let notes = checks.optional_text("notes", input.notes.as_deref(), text::LONG);
    let annual = input
        .annual_value
        .map(|v| checks.money(&["annualValue"], v));
    let total = input.total_value.map(|v| checks.money(&["totalValue"], v));
    checks.dates(check_in_range("startDate", input.start_date));
    if let Some(date) = input.eia_review_date {
        checks.dates(check_in_range("eiaReviewDate", date));
    }
    for (i, option) in input.extension_options.iter().enumerate() {
        if let Err(err) = check_in_range("decideBy", option.decide_by) {
            let index = i.to_string();
            checks.reject_at(
                &["extensionOptions", &index, "decideBy"],
                err.code(),
                err.to_string(),
            );
        }
    }
    check_parties(
        &txn,
        &mut checks,
        Some(input.service_id),
        Some(input.provider_id),
        Some(input.lead_commissioner_id),
    )
    .await?;
    if let Some(reference) = &reference {
        if reference_taken(&txn, reference).await? {
            checks.reject_at(
                &["reference"],
                "DUPLICATE",
                "reference: a contract with this reference already exists",
            );
        }
    }
    let options: Vec<TermOption> = input
        .extension_options
        .iter()
        .zip(1u32..)
        .map(|(o, sequence)| TermOption {
            sequence,
            length_months: u32::try_from(o.length_months).unwrap_or(0),
            decide_by: o.decide_by,
            state: OptionState::Available,
        })
        .collect();
    let (Some(reference), Some(title), Some(agreement), Some(notes), true) =
        (reference, title, agreement, notes, checks.is_clean())
    else {
        return Err(checks.into_error());
    };
    let ends = end_dates(input.start_date, input.initial_term_months, &options, None)?;
    let (annual_value_pence, annual_value_qualifier) = money_columns(annual.flatten());
    let (total_value_pence, total_value_qualifier) = money_columns(total.flatten());
    let row = contract::ActiveModel {
        reference: Set(reference),
        title: Set(title),
        service_id: Set(input.service_id),
        provider_id: Set(input.provider_id),
        lead_commissioner_id: Set(input.lead_commissioner_id),
        start_date: Set(input.start_date),
        initial_term_months: Set(input.initial_term_months),
        initial_end_date: Set(ends.initial),
        current_end_date: Set(ends.current),
        contractual_end_date: Set(ends.contractual),
        annual_value_pence: Set(annual_value_pence),
        annual_value_qualifier: Set(annual_value_qualifier),
        total_value_pence: Set(total_value_pence),
        total_value_qualifier: Set(total_value_qualifier),
        status: Set(ContractRecordStatus::Awarded),
        procurement_route: Set(input.procurement_route),
        eia_status: Set(input.eia_status),
        eia_review_date: Set(input.eia_review_date),
        cost_share_agreement: Set(agreement),
        notes: Set(notes),
        is_illustrative: Set(false),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let mut created = Vec::with_capacity(options.len());
    for option in &options {
        created.push(
            extension_option::ActiveModel {
                contract_id: Set(row.id),
                sequence: Set(option.sequence as i32),
                length_months: Set(option.length_months as i32),
                decide_by: Set(option.decide_by),
                state: Set(StoredState::Available),
                is_illustrative: Set(false),
                ..Default::default()
            }
            .insert(&txn)
            .await?,
        );
    }
    let mut after = row_json(&row);
    after["extension_options"] = created.iter().map(row_json).collect();
    let change = Change {
        entity_type: "Contract",
        entity_id: row.id,
        action: AuditAction::Created,
        reason: None,
        before: None,
        after: Some(after),
    };
    audit(&txn, actor, change).await?;
    txn.commit().await?;
    Ok((row, created))
}

/// Updates a contract (its lead commissioner, or admins; moving it to
/// another lead needs the right to write for both).
pub async fn update_contract(
    db: &DatabaseConnection,
    actor: &Actor<'_>,
    input: ContractChanges,
) -> WriteResult<contract::Model> {
    let txn = begin(db).await?;
    let current = lock::<contract::Entity>(&txn, input.id, &["id"], "contract").await?;
    actor.may_write(Some(current.lead_commissioner_id))?;
    if let Some(lead) = input
        .lead_commissioner_id
        .filter(|l| *l != current.lead_commissioner_id)
    {
        actor.may_write(Some(lead))?;
    }
    check_not_archived(current.archived_at)?;
    check_version(current.version, input.expected_version)?;
    let mut checks = Checks::default();
    let title = match &input.title {
        Some(title) => checks.text("title", title, text::NAME),
        None => Some(current.title.clone()),
    };
    let notes = checks.text_patch("notes", input.notes, text::LONG);
    let annual = match input.annual_value {
        Patch::Set(v) => checks.money(&["annualValue"], v).map(Patch::Set),
        Patch::Clear => Some(Patch::Clear),
        Patch::Keep => Some(Patch::Keep),
    };
    let total = match input.total_value {
        Patch::Set(v) => checks.money(&["totalValue"], v).map(Patch::Set),
        Patch::Clear => Some(Patch::Clear),
        Patch::Keep => Some(Patch::Keep),
    };
    if let Some(date) = input.start_date {
        checks.dates(check_in_range("startDate", date));
    }
    if let Some(date) = input.eia_review_date.as_set() {
        checks.dates(check_in_range("eiaReviewDate", *date));
    }
    check_parties(
        &txn,
        &mut checks,
        None,
        input.provider_id,
        input.lead_commissioner_id,
    )
    .await?;
    let (Some(title), Some(notes), Some(annual), Some(total), true) =
        (title, notes, annual, total, checks.is_clean())
    else {
        return Err(checks.into_error());
    };
    let start = input.start_date.unwrap_or(current.start_date);
    let months = input
        .initial_term_months
        .unwrap_or(current.initial_term_months);
    let options: Vec<TermOption> = options_of(&txn, current.id)
        .await?
        .iter()
        .map(term_option)
        .collect();
    let field = if input.initial_term_months.is_some() {
        "initialTermMonths"
    } else {
        "startDate"
    };
    let ends = end_dates(start, months, &options, Some(field))?;
    let mut row: contract::ActiveModel = current.clone().into();
    row.title = Set(title);
    row.provider_id = Set(input.provider_id.unwrap_or(current.provider_id));
    row.lead_commissioner_id = Set(input
        .lead_commissioner_id
        .unwrap_or(current.lead_commissioner_id));
    row.start_date = Set(start);
    row.initial_term_months = Set(months);
    row.initial_end_date = Set(ends.initial);
    row.current_end_date = Set(ends.current);
    row.contractual_end_date = Set(ends.contractual);
    // A value entered here is exact: the reported wording no longer applies.
    if annual != Patch::Keep {
        let (pence, qualifier) = money_columns(annual.apply(None));
        row.annual_value_pence = Set(pence);
        row.annual_value_qualifier = Set(qualifier);
        row.annual_value_wording = Set(None);
    }
    if total != Patch::Keep {
        let (pence, qualifier) = money_columns(total.apply(None));
        row.total_value_pence = Set(pence);
        row.total_value_qualifier = Set(qualifier);
        row.total_value_wording = Set(None);
    }
    row.status = Set(input.status.unwrap_or(current.status));
    row.procurement_route = Set(input.procurement_route.unwrap_or(current.procurement_route));
    row.eia_status = Set(input.eia_status.unwrap_or(current.eia_status));
    row.eia_review_date = Set(input.eia_review_date.apply(current.eia_review_date));
    row.notes = Set(notes.apply(current.notes.clone()));
    row.version = Set(current.version + 1);
    let updated = row.update(&txn).await?;
    if updated.lead_commissioner_id != current.lead_commissioner_id {
        // Spend under a contract without a split is borne by its lead.
        rebuild_spend_attributions(&txn, Some(&[updated.id])).await?;
    }
    let change = Change {
        entity_type: "Contract",
        entity_id: updated.id,
        action: AuditAction::Updated,
        reason: None,
        before: Some(row_json(&current)),
        after: Some(row_json(&updated)),
    };
    audit(&txn, actor, change).await?;
    txn.commit().await?;
    Ok(updated)
}

/// Archives a contract (its lead commissioner, or admins).
pub async fn archive_contract(
    db: &DatabaseConnection,
    actor: &Actor<'_>,
    target: ArchiveTarget,
) -> WriteResult<contract::Model> {
    let txn = begin(db).await?;
    let current = lock::<contract::Entity>(&txn, target.id, &["id"], "contract").await?;
    actor.may_write(Some(current.lead_commissioner_id))?;
    check_not_archived(current.archived_at)?;
    check_version(current.version, target.expected_version)?;
    let reason = target.reason()?;
    let mut row: contract::ActiveModel = current.clone().into();
    row.archived_at = Set(Some(chrono::Utc::now()));
    row.archive_reason = Set(Some(reason.clone()));
    row.version = Set(current.version + 1);
    let updated = row.update(&txn).await?;
    let change = Change {
        entity_type: "Contract",
        entity_id: updated.id,
        action: AuditAction::Archived,
        reason: Some(&reason),
        before: Some(row_json(&current)),
        after: Some(row_json(&updated)),
    };
    audit(&txn, actor, change).await?;
    txn.commit().await?;
    Ok(updated)
}
