//! Creating grant programmes and rounds, and awarding grants within a
//! round's pot.

use chrono::NaiveDate;
use entity::enums::Qualifier;
use entity::{funding_stream, grant_award, grant_programme, grant_round, organisation};
use rust_decimal::Decimal;
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, DatabaseTransaction,
    EntityTrait, PaginatorTrait, QueryFilter, QuerySelect,
};

use super::owners::programme_owner;
use super::{
    audit, begin, lock, referenced, rejected, row_json, Actor, AuditAction, Change, Checks,
    WriteResult,
};
use crate::domain::date_order::{check_in_range, check_order};
use crate::domain::grant_pot::check_award_within_pot;
use crate::domain::text;
use crate::error::AppResult;
use crate::store::aggregates::bigint;

/// A new grant programme.
pub struct NewProgramme {
    /// Its name, unique.
    pub name: String,
    /// The organisation funding it (who owns the record).
    pub funder_id: i64,
    /// The funding stream it draws on.
    pub funding_stream_id: Option<i64>,
    /// What it funds.
    pub description: Option<String>,
}

/// A new round of a programme.
pub struct NewRound {
    /// The programme.
    pub programme_id: i64,
    /// Its number within the programme; the next one when not given.
    pub number: Option<i32>,
    /// Its name.
    pub name: String,
    /// The money available, in pounds.
    pub pot: Option<Decimal>,
    /// When applications open.
    pub opens_on: Option<NaiveDate>,
    /// When applications close.
    pub closes_on: Option<NaiveDate>,
    /// When awards were made.
    pub awarded_on: Option<NaiveDate>,
}

/// A grant awarded from a round.
pub struct NewAward {
    /// The round.
    pub round_id: i64,
    /// The organisation receiving it.
    pub recipient_id: i64,
    /// A partner delivering with it.
    pub partner_id: Option<i64>,
    /// The project funded.
    pub project_name: String,
    /// What the project does.
    pub description: Option<String>,
    /// The amount in pounds.
    pub amount: Decimal,
    /// When it was awarded.
    pub awarded_on: Option<NaiveDate>,
}

async fn programme_name_taken(txn: &DatabaseTransaction, name: &str) -> AppResult<bool> {
    Ok(grant_programme::Entity::find()
        .filter(grant_programme::Column::Name.eq(name))
        .count(txn)
        .await?
        > 0)
}

/// Creates a grant programme (its funder, or admins).
pub async fn create_programme(
    db: &DatabaseConnection,
    actor: &Actor<'_>,
    input: NewProgramme,
) -> WriteResult<grant_programme::Model> {
    actor.may_write(Some(input.funder_id))?;
    let txn = begin(db).await?;
    let mut checks = Checks::default();
    let name = checks.text("name", &input.name, text::NAME);
    let description = checks.optional_text("description", input.description.as_deref(), text::LONG);
    referenced::<organisation::Entity>(
        &txn,
        &mut checks,
        input.funder_id,
        &["funderId"],
        "organisation",
    )
    .await?;
    if let Some(id) = input.funding_stream_id {
        referenced::<funding_stream::Entity>(
            &txn,
            &mut checks,
            id,
            &["fundingStreamId"],
            "funding stream",
        )
        .await?;
    }
    if let Some(name) = &name {
        if programme_name_taken(&txn, name).await? {
            checks.reject_at(
                &["name"],
                "DUPLICATE",
                "name: a grant programme with this name already exists",
            );
        }
    }
    let (Some(name), Some(description), true) = (name, description, checks.is_clean()) else {
        return Err(checks.into_error());
    };
    let row = grant_programme::ActiveModel {
        name: Set(name),
        funder_id: Set(input.funder_id),
        funding_stream_id: Set(input.funding_stream_id),
        description: Set(description),
        is_illustrative: Set(false),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let change = Change {
        entity_type: "GrantProgramme",
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

/// Creates a round of a programme (the programme's funder, or admins).
pub async fn create_round(
    db: &DatabaseConnection,
    actor: &Actor<'_>,
    input: NewRound,
) -> WriteResult<grant_round::Model> {
    let txn = begin(db).await?;
    let programme = lock::<grant_programme::Entity>(
        &txn,
        input.programme_id,
        &["programmeId"],
        "grant programme",
    )
    .await?;
    actor.may_write(Some(programme.funder_id))?;
    let mut checks = Checks::default();
    let name = checks.text("name", &input.name, text::NAME);
    let pot = input.pot.map(|p| checks.money(&["pot"], p));
    checks.dates(check_order(&[
        ("opensOn", input.opens_on),
        ("closesOn", input.closes_on),
        ("awardedOn", input.awarded_on),
    ]));
    let numbers: Vec<i32> = grant_round::Entity::find()
        .select_only()
        .column(grant_round::Column::Number)
        .filter(grant_round::Column::ProgrammeId.eq(programme.id))
        .into_tuple()
        .all(&txn)
        .await?;
    let number = input
        .number
        .unwrap_or(numbers.iter().max().copied().unwrap_or(0) + 1);
    if number < 1 {
        checks.reject_at(
            &["number"],
            "ROUND_NUMBER_INVALID",
            "number: round numbers start at 1",
        );
    } else if numbers.contains(&number) {
        checks.reject_at(
            &["number"],
            "DUPLICATE",
            format!("number: the programme already has a round {number}"),
        );
    }
    let (Some(name), true) = (name, checks.is_clean()) else {
        return Err(checks.into_error());
    };
    let pot = pot.flatten();
    let row = grant_round::ActiveModel {
        programme_id: Set(programme.id),
        number: Set(number),
        name: Set(name),
        pot_pence: Set(pot),
        pot_qualifier: Set(pot.map(|_| Qualifier::Exact)),
        opens_on: Set(input.opens_on),
        closes_on: Set(input.closes_on),
        awarded_on: Set(input.awarded_on),
        is_illustrative: Set(false),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let change = Change {
        entity_type: "GrantRound",
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

/// The total awarded from a round so far, in pence.
async fn awarded_so_far(txn: &DatabaseTransaction, round_id: i64) -> AppResult<i64> {
    let total: Option<Option<i64>> = grant_award::Entity::find()
        .select_only()
        .expr(bigint(Func::sum(Expr::col(
            grant_award::Column::AmountPence,
        ))))
        .filter(grant_award::Column::RoundId.eq(round_id))
        .into_tuple()
        .one(txn)
        .await?;
    Ok(total.flatten().unwrap_or(0))
}

/// Awards a grant (the programme's funder, or admins), never taking the
/// round's awards past its pot. The round is locked first, so two awards
/// made at once are checked one after the other.
pub async fn award_grant(
    db: &DatabaseConnection,
    actor: &Actor<'_>,
    input: NewAward,
) -> WriteResult<grant_award::Model> {
    let txn = begin(db).await?;
    let row = award_grant_in(&txn, actor, input).await?;
    txn.commit().await?;
    Ok(row)
}

/// [`award_grant`] inside the caller's transaction (CSV import writes
/// many in one): the same permission check, rules, write and audit event.
pub(crate) async fn award_grant_in(
    txn: &DatabaseTransaction,
    actor: &Actor<'_>,
    input: NewAward,
) -> WriteResult<grant_award::Model> {
    let round =
        lock::<grant_round::Entity>(txn, input.round_id, &["roundId"], "grant round").await?;
    actor.may_write(programme_owner(txn, round.programme_id).await?)?;
    let mut checks = Checks::default();
    let project = checks.text("projectName", &input.project_name, text::NAME);
    let description = checks.optional_text("description", input.description.as_deref(), text::LONG);
    let amount = checks.money(&["amount"], input.amount);
    if let Some(date) = input.awarded_on {
        checks.dates(check_in_range("awardedOn", date));
    }
    referenced::<organisation::Entity>(
        txn,
        &mut checks,
        input.recipient_id,
        &["recipientId"],
        "organisation",
    )
    .await?;
    if let Some(id) = input.partner_id {
        referenced::<organisation::Entity>(txn, &mut checks, id, &["partnerId"], "organisation")
            .await?;
    }
    let (Some(project), Some(description), Some(amount), true) =
        (project, description, amount, checks.is_clean())
    else {
        return Err(checks.into_error());
    };
    let already = awarded_so_far(txn, round.id).await?;
    check_award_within_pot(round.pot_pence, already, amount)
        .map_err(|err| rejected(&["amount"], err.code(), format!("amount: {err}")))?;
    let row = grant_award::ActiveModel {
        round_id: Set(round.id),
        recipient_id: Set(input.recipient_id),
        partner_id: Set(input.partner_id),
        project_name: Set(project),
        description: Set(description),
        amount_pence: Set(amount),
        awarded_on: Set(input.awarded_on),
        is_illustrative: Set(false),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    let change = Change {
        entity_type: "GrantAward",
        entity_id: row.id,
        action: AuditAction::Created,
        reason: None,
        before: None,
        after: Some(row_json(&row)),
    };
    audit(txn, actor, change).await?;
    Ok(row)
}
