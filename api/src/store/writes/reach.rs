//! Recording reach and outcome observations.

use chrono::NaiveDate;
use entity::enums::{IndicatorUnit, Qualifier};
use entity::{indicator, observation};
use rust_decimal::Decimal;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseConnection, DatabaseTransaction};

use super::owners::indicator_owner;
use super::{audit, begin, referenced, row_json, Actor, AuditAction, Change, Checks, WriteResult};
use crate::domain::date_order::check_order;
use crate::domain::figure::figure_to_e4;
use crate::domain::text;
use crate::store::aggregates::rollups::ReachRollups;

/// One observed value of an indicator over a period.
pub struct RecordObservation {
    /// The indicator observed.
    pub indicator_id: i64,
    /// The first day of the period.
    pub period_start: NaiveDate,
    /// The last day of the period.
    pub period_end: NaiveDate,
    /// The value, if observed (a target alone may be recorded ahead).
    pub value: Option<Decimal>,
    /// How exactly the value is known.
    pub qualifier: Qualifier,
    /// The source's words for the qualifier ("just over").
    pub wording: Option<String>,
    /// The target for the period.
    pub target: Option<Decimal>,
    /// The baseline the period is compared with.
    pub baseline: Option<Decimal>,
    /// Free notes.
    pub notes: Option<String>,
}

/// Records an observation (the owner of what the indicator measures), and
/// rebuilds the reach rollups of its indicator's service.
pub async fn record_observation(
    db: &DatabaseConnection,
    actor: &Actor<'_>,
    input: RecordObservation,
) -> WriteResult<observation::Model> {
    let txn = begin(db).await?;
    let rollups = ReachRollups::lock(&txn).await?;
    let row = record_observation_in(&txn, actor, input).await?;
    rollups.refresh(&txn, &[row.indicator_id]).await?;
    txn.commit().await?;
    Ok(row)
}

/// [`record_observation`] inside the caller's transaction (CSV import writes
/// many in one): the same permission check, rules, write and audit event.
/// The caller keeps the reach rollups ([`ReachRollups`]).
pub(crate) async fn record_observation_in(
    txn: &DatabaseTransaction,
    actor: &Actor<'_>,
    input: RecordObservation,
) -> WriteResult<observation::Model> {
    let mut checks = Checks::default();
    let Some(found) = referenced::<indicator::Entity>(
        txn,
        &mut checks,
        input.indicator_id,
        &["indicatorId"],
        "indicator",
    )
    .await?
    else {
        return Err(checks.into_error());
    };
    actor.may_write(indicator_owner(txn, &found).await?)?;
    checks.dates(check_order(&[
        ("periodStart", Some(input.period_start)),
        ("periodEnd", Some(input.period_end)),
    ]));
    let is_percentage = found.unit == IndicatorUnit::Percent;
    let mut figure = |field: &str, value: Option<Decimal>| -> Option<Option<i64>> {
        match value.map(|v| figure_to_e4(v, is_percentage)).transpose() {
            Ok(scaled) => Some(scaled),
            Err(err) => {
                checks.reject_at(&[field], err.code(), format!("{field}: {err}"));
                None
            }
        }
    };
    let value = figure("value", input.value);
    let target = figure("target", input.target);
    let baseline = figure("baseline", input.baseline);
    if input.value.is_none() && input.target.is_none() {
        checks.reject_at(
            &["value"],
            "OBSERVATION_EMPTY",
            "value: give a value, a target, or both",
        );
    }
    let wording = checks.optional_text("wording", input.wording.as_deref(), text::CODE);
    let notes = checks.optional_text("notes", input.notes.as_deref(), text::LONG);
    let (Some(value), Some(target), Some(baseline), Some(wording), Some(notes), true) =
        (value, target, baseline, wording, notes, checks.is_clean())
    else {
        return Err(checks.into_error());
    };
    let row = observation::ActiveModel {
        indicator_id: Set(found.id),
        period_start: Set(input.period_start),
        period_end: Set(input.period_end),
        value_e4: Set(value),
        qualifier: Set(value.map(|_| input.qualifier)),
        wording: Set(wording),
        target_e4: Set(target),
        baseline_e4: Set(baseline),
        notes: Set(notes),
        is_illustrative: Set(false),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    let change = Change {
        entity_type: "Observation",
        entity_id: row.id,
        action: AuditAction::Created,
        reason: None,
        before: None,
        after: Some(row_json(&row)),
    };
    audit(txn, actor, change).await?;
    Ok(row)
}
