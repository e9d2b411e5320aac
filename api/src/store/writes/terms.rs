//! A contract's term as stored: its options read back as the domain's
//! terms, the term rules applied, and the derived end dates restated, so
//! that every write to a contract or its options recomputes them the same way.

use chrono::NaiveDate;
use entity::enums::OptionState as StoredState;
use entity::{contract, extension_option};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder,
};

use super::{rejected, Rejection, WriteError, WriteResult};
use crate::domain::date_order::check_contract_dates;
use crate::domain::{
    validate_term, ContractTerm, ContractTermError, EndDates, OptionState, TermOption,
};
use crate::error::AppResult;

/// The domain's view of a stored option: the one place a row becomes a
/// [`TermOption`], for reads and writes alike.
pub fn term_option(option: &extension_option::Model) -> TermOption {
    TermOption {
        sequence: u32::try_from(option.sequence).unwrap_or(0),
        length_months: u32::try_from(option.length_months).unwrap_or(0),
        decide_by: option.decide_by,
        state: recorded_state(option.state),
    }
}

/// The domain's view of a stored option state (as recorded, before
/// `domain::effective_state` reads lapsing into it).
pub fn recorded_state(state: StoredState) -> OptionState {
    match state {
        StoredState::Available => OptionState::Available,
        StoredState::Exercised => OptionState::Exercised,
        StoredState::Declined => OptionState::Declined,
        StoredState::Lapsed => OptionState::Lapsed,
    }
}

/// The options of a contract, in sequence.
pub(crate) async fn options_of(
    txn: &DatabaseTransaction,
    contract_id: i64,
) -> AppResult<Vec<extension_option::Model>> {
    Ok(extension_option::Entity::find()
        .filter(extension_option::Column::ContractId.eq(contract_id))
        .order_by_asc(extension_option::Column::Sequence)
        .all(txn)
        .await?)
}

/// The input field a term error is about, for a new contract's input.
fn term_error_path(err: &ContractTermError, options: &[TermOption]) -> Vec<String> {
    let option_field = |sequence: u32, field: &str| {
        let index = options
            .iter()
            .position(|o| o.sequence == sequence)
            .unwrap_or(0);
        vec![
            "extensionOptions".to_owned(),
            index.to_string(),
            field.to_owned(),
        ]
    };
    match err {
        ContractTermError::InitialTermOutOfRange { .. } => vec!["initialTermMonths".to_owned()],
        ContractTermError::OptionLengthOutOfRange { sequence, .. } => {
            option_field(*sequence, "lengthMonths")
        }
        ContractTermError::DuplicateSequence { sequence } => option_field(*sequence, "sequence"),
        ContractTermError::DecideByTooLate { sequence, .. } => option_field(*sequence, "decideBy"),
        ContractTermError::DateOutOfRange => vec!["startDate".to_owned()],
    }
}

/// Checks a term and its options and returns the contract's stored end
/// dates, or the rejection (at `field` when given, else where the error
/// points within a new contract's input).
pub(crate) fn end_dates(
    start: NaiveDate,
    months: i32,
    options: &[TermOption],
    field: Option<&str>,
) -> WriteResult<EndDates> {
    let months = u32::try_from(months).unwrap_or(0);
    validate_term(start, months, options).map_err(|err| {
        let path = match field {
            Some(field) => vec![field.to_owned()],
            None => term_error_path(&err, options),
        };
        let label = path.last().cloned().unwrap_or_default();
        WriteError::Rejected(vec![Rejection {
            field: Some(path),
            code: err.code(),
            message: format!("{label}: {err}"),
            current_version: None,
        }])
    })?;
    let ends = ContractTerm {
        start,
        initial_term_months: months,
    }
    .end_dates(options);
    check_contract_dates(start, &ends).map_err(|err| {
        let field = field.unwrap_or(err.field());
        rejected(&[field], err.code(), err.to_string())
    })?;
    Ok(ends)
}

/// Recomputes and stores a locked contract's end dates from its term and
/// options, raising its version: every change to a contract's options is a
/// change to the contract.
pub(crate) async fn restate(
    txn: &DatabaseTransaction,
    contract: &contract::Model,
    field: &str,
) -> WriteResult<contract::Model> {
    let options: Vec<TermOption> = options_of(txn, contract.id)
        .await?
        .iter()
        .map(term_option)
        .collect();
    let ends = end_dates(
        contract.start_date,
        contract.initial_term_months,
        &options,
        Some(field),
    )?;
    let mut row: contract::ActiveModel = contract.clone().into();
    row.initial_end_date = Set(ends.initial);
    row.current_end_date = Set(ends.current);
    row.contractual_end_date = Set(ends.contractual);
    row.version = Set(contract.version + 1);
    Ok(row.update(txn).await?)
}
