//! Adding, exercising and declining a contract's extension options.
//!
//! Options belong to their contract: every change to one restates the
//! contract's end dates, raises the contract's version and appears in the
//! contract's history as well as the option's. Rows are locked contract
//! first, then option, in every write, so two writers never wait on each
//! other in opposite orders.

use chrono::NaiveDate;
use entity::enums::OptionState as StoredState;
use entity::{contract, extension_option};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, DatabaseConnection, DatabaseTransaction, EntityTrait,
};

use super::terms::{end_dates, options_of, restate, term_option};
use super::{
    audit, begin, check_not_archived, check_version, lock, rejected, row_json, Actor, AuditAction,
    Change, Checks, WriteError, WriteResult,
};
use crate::domain::date_order::check_in_range;
use crate::domain::term_changes::{check_exercise_in_sequence, next_sequence};
use crate::domain::{check_decline, check_exercise, text, OptionState, TermOption};

/// An option to add at the end of a contract's sequence.
pub struct AddOption {
    /// The contract.
    pub contract_id: i64,
    /// The contract's version the caller read.
    pub expected_version: i32,
    /// The option's length in months.
    pub length_months: i32,
    /// The last day it may be exercised or declined.
    pub decide_by: NaiveDate,
}

/// A decision on an option.
pub struct OptionDecision {
    /// The option.
    pub option_id: i64,
    /// The option's version the caller read.
    pub expected_version: i32,
    /// Why a decision after the decide-by date should stand.
    pub override_reason: Option<String>,
    /// A note on the decision.
    pub note: Option<String>,
}

/// An option and its contract after a change.
pub type OptionAndContract = (extension_option::Model, contract::Model);

/// Adds an extension option (the contract's lead commissioner, or admins).
pub async fn add_extension_option(
    db: &DatabaseConnection,
    actor: &Actor<'_>,
    input: AddOption,
) -> WriteResult<OptionAndContract> {
    let txn = begin(db).await?;
    let contract =
        lock::<contract::Entity>(&txn, input.contract_id, &["contractId"], "contract").await?;
    actor.may_write(Some(contract.lead_commissioner_id))?;
    check_not_archived(contract.archived_at).map_err(|_| {
        rejected(
            &["contractId"],
            "ARCHIVED",
            "contractId: the contract is archived",
        )
    })?;
    check_version(contract.version, input.expected_version)?;
    check_in_range("decideBy", input.decide_by)
        .map_err(|err| rejected(&["decideBy"], err.code(), err.to_string()))?;
    let mut options: Vec<TermOption> = options_of(&txn, contract.id)
        .await?
        .iter()
        .map(term_option)
        .collect();
    let added = TermOption {
        sequence: next_sequence(&options),
        length_months: u32::try_from(input.length_months).unwrap_or(0),
        decide_by: input.decide_by,
        state: OptionState::Available,
    };
    options.push(added);
    // Which field is at fault follows from the error: a bad length, or a
    // decide-by date after the end of the term the option would extend.
    end_dates(
        contract.start_date,
        contract.initial_term_months,
        &options,
        None,
    )
    .map_err(|err| match err {
        WriteError::Rejected(mut rejections) => {
            for r in &mut rejections {
                let field = r.field.as_ref().and_then(|f| f.last()).cloned();
                r.field = field.map(|f| vec![f]);
            }
            WriteError::Rejected(rejections)
        }
        other => other,
    })?;
    let option = extension_option::ActiveModel {
        contract_id: Set(contract.id),
        sequence: Set(added.sequence as i32),
        length_months: Set(input.length_months),
        decide_by: Set(input.decide_by),
        state: Set(StoredState::Available),
        is_illustrative: Set(false),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let updated = restate(&txn, &contract, "decideBy").await?;
    record(
        &txn,
        actor,
        None,
        &option,
        (&contract, &updated),
        AuditAction::OptionAdded,
        None,
    )
    .await?;
    txn.commit().await?;
    Ok((option, updated))
}

/// Exercises an option (the contract's lead commissioner, or admins): only
/// an available option, by its decide-by date unless an override reason is
/// given, and only after every earlier option has been exercised.
pub async fn exercise_extension_option(
    db: &DatabaseConnection,
    actor: &Actor<'_>,
    input: OptionDecision,
) -> WriteResult<OptionAndContract> {
    decide(db, actor, input, true).await
}

/// Declines an option (the contract's lead commissioner, or admins): only
/// an available option, by its decide-by date unless an override reason is
/// given.
pub async fn decline_extension_option(
    db: &DatabaseConnection,
    actor: &Actor<'_>,
    input: OptionDecision,
) -> WriteResult<OptionAndContract> {
    decide(db, actor, input, false).await
}

async fn decide(
    db: &DatabaseConnection,
    actor: &Actor<'_>,
    input: OptionDecision,
    exercise: bool,
) -> WriteResult<OptionAndContract> {
    let txn = begin(db).await?;
    // Find the contract first, so the locks are taken contract then option.
    let contract_id = extension_option::Entity::find_by_id(input.option_id)
        .one(&txn)
        .await?
        .map(|o| o.contract_id)
        .ok_or_else(|| super::not_found(&["id"], "extension option"))?;
    let contract = lock::<contract::Entity>(&txn, contract_id, &["id"], "contract").await?;
    let current =
        lock::<extension_option::Entity>(&txn, input.option_id, &["id"], "extension option")
            .await?;
    actor.may_write(Some(contract.lead_commissioner_id))?;
    check_not_archived(contract.archived_at)
        .map_err(|_| rejected(&["id"], "ARCHIVED", "id: the option's contract is archived"))?;
    check_version(current.version, input.expected_version)?;
    let mut checks = Checks::default();
    let reason = checks.optional_text(
        "overrideReason",
        input.override_reason.as_deref(),
        text::REASON,
    );
    let note = checks.optional_text("note", input.note.as_deref(), text::LONG);
    let (Some(reason), Some(note), true) = (reason, note, checks.is_clean()) else {
        return Err(checks.into_error());
    };
    let option = term_option(&current);
    let on = actor.today;
    let decided = if exercise {
        check_exercise(option.state, option.decide_by, on, reason.as_deref())
    } else {
        check_decline(option.state, option.decide_by, on, reason.as_deref())
    };
    decided.map_err(|err| {
        let field = if err.code() == "OPTION_DEADLINE_PASSED" {
            "overrideReason"
        } else {
            "id"
        };
        rejected(&[field], err.code(), format!("{field}: {err}"))
    })?;
    if exercise {
        let options: Vec<TermOption> = options_of(&txn, contract.id)
            .await?
            .iter()
            .map(term_option)
            .collect();
        check_exercise_in_sequence(&options, option.sequence)
            .map_err(|err| rejected(&["id"], err.code(), format!("id: {err}")))?;
    }
    let mut row: extension_option::ActiveModel = current.clone().into();
    row.state = Set(if exercise {
        StoredState::Exercised
    } else {
        StoredState::Declined
    });
    row.decided_on = Set(Some(on));
    row.decision_note = Set(note);
    row.version = Set(current.version + 1);
    let updated_option = row.update(&txn).await?;
    let updated = restate(&txn, &contract, "id").await?;
    let action = if exercise {
        AuditAction::OptionExercised
    } else {
        AuditAction::OptionDeclined
    };
    record(
        &txn,
        actor,
        Some(&current),
        &updated_option,
        (&contract, &updated),
        action,
        reason.as_deref(),
    )
    .await?;
    txn.commit().await?;
    Ok((updated_option, updated))
}

/// Writes the two audit events of an option change: the option's own, and
/// the contract's (whose end dates and version follow from its options).
async fn record(
    txn: &DatabaseTransaction,
    actor: &Actor<'_>,
    option_before: Option<&extension_option::Model>,
    option_after: &extension_option::Model,
    (contract_before, contract_after): (&contract::Model, &contract::Model),
    action: AuditAction,
    reason: Option<&str>,
) -> WriteResult<()> {
    let option_action = if option_before.is_none() {
        AuditAction::Created
    } else {
        action
    };
    let option_change = Change {
        entity_type: "ExtensionOption",
        entity_id: option_after.id,
        action: option_action,
        reason,
        before: option_before.map(row_json),
        after: Some(row_json(option_after)),
    };
    audit(txn, actor, option_change).await?;
    let mut after = row_json(contract_after);
    after["extension_option"] = row_json(option_after);
    let contract_change = Change {
        entity_type: "Contract",
        entity_id: contract_after.id,
        action,
        reason,
        before: Some(row_json(contract_before)),
        after: Some(after),
    };
    audit(txn, actor, contract_change).await?;
    Ok(())
}
