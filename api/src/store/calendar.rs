//! Reads for the renewal calendar: only the contracts and grant rounds with a
//! relevant date inside the window, each date range answered through its
//! index (`contracts_initial_end_date`, `contracts_current_end_date`,
//! `contracts_eia_review_date`, `extension_options_decide_by`,
//! `grant_rounds_closes_on`). Which events a row yields, and their order, is
//! decided by `domain::calendar`; these queries only keep the rest of the
//! table out of memory.

use chrono::NaiveDate;
use entity::enums::{ContractRecordStatus, OptionState};
use entity::{contract, cost_share, extension_option, grant_programme, grant_round, service};
use futures::TryStreamExt;
use sea_orm::sea_query::Query;
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, FromQueryResult, QueryFilter,
    QueryOrder, QuerySelect, Select,
};

use crate::domain::calendar::{EventKind, Window};
use crate::error::AppResult;

/// Who and what the calendar is narrowed to, as row ids; `None` means any.
/// The columns of a contract its calendar events come from: a national
/// six-month window holds thousands of contracts, so only these are loaded.
#[derive(Clone, Debug, FromQueryResult)]
pub struct CalendarContract {
    /// The contract's id.
    pub id: i64,
    /// Its reference, for the events' summaries.
    pub reference: String,
    /// The first day of the term.
    pub start_date: NaiveDate,
    /// The length of the initial term.
    pub initial_term_months: i32,
    /// When its Equality Impact Assessment is due for review.
    pub eia_review_date: Option<NaiveDate>,
}

#[derive(Clone, Debug, Default)]
pub struct Scope {
    /// A contract's lead commissioner or any organisation sharing its cost
    /// (at any level of the split); a grant round's programme's funder.
    pub commissioners: Option<Vec<i64>>,
    /// A contract's provider. Grant rounds have none, so any provider
    /// filter leaves them out.
    pub providers: Option<Vec<i64>>,
    /// The funding stream of a contract's service, or of a round's programme.
    pub funding_streams: Option<Vec<i64>>,
}

/// The contracts with at least one date of the given `kinds` in `window`
/// as of `as_of`, or `None` when no contract kind is asked for.
///
/// The dates are ORed range conditions on separately indexed columns, which
/// both backends answer by combining index scans (SQLite's multi-index OR,
/// PostgreSQL's bitmap OR). Terminated contracts are left out: their recorded
/// end dates no longer say when service stops.
pub fn contracts_query(
    window: Window,
    as_of: NaiveDate,
    kinds: &[EventKind],
    scope: &Scope,
) -> Option<Select<contract::Entity>> {
    use contract::Column as C;
    let (from, to) = (window.from(), window.to());
    let mut dates = Condition::any();
    if kinds.contains(&EventKind::InitialTermEnds) {
        dates = dates.add(C::InitialEndDate.between(from, to));
    }
    if kinds.contains(&EventKind::ContractExpires) {
        // The stored current end counts recorded exercises only, which is
        // exactly the end as of any day: lapsing never moves it.
        dates = dates.add(C::CurrentEndDate.between(from, to));
    }
    if kinds.contains(&EventKind::EqualityImpactAssessmentReview) {
        dates = dates.add(C::EiaReviewDate.between(from, to));
    }
    // An option is due for decision only while available: recorded so, with
    // its decide-by date not yet passed on `as_of`. The state test is written
    // as NOT IN so that planners search the decide-by index rather than the
    // state one: a lapsed option stays recorded "available" for ever, so the
    // state is unselective while the date range is.
    let earliest_decision = from.max(as_of);
    if kinds.contains(&EventKind::ExtensionDecisionDue) && earliest_decision <= to {
        let due = Query::select()
            .column(extension_option::Column::ContractId)
            .from(extension_option::Entity)
            .and_where(extension_option::Column::DecideBy.between(earliest_decision, to))
            .and_where(extension_option::Column::State.is_not_in([
                OptionState::Exercised,
                OptionState::Declined,
                OptionState::Lapsed,
            ]))
            .to_owned();
        dates = dates.add(C::Id.in_subquery(due));
    }
    if dates.is_empty() {
        return None;
    }
    let mut condition = Condition::all()
        .add(dates)
        .add(C::Status.eq(ContractRecordStatus::Awarded));
    if let Some(ids) = &scope.commissioners {
        let sharing = Query::select()
            .column(cost_share::Column::ContractId)
            .from(cost_share::Entity)
            .and_where(cost_share::Column::OrganisationId.is_in(ids.iter().copied()))
            .to_owned();
        condition = condition.add(
            Condition::any()
                .add(C::LeadCommissionerId.is_in(ids.iter().copied()))
                .add(C::Id.in_subquery(sharing)),
        );
    }
    if let Some(ids) = &scope.providers {
        condition = condition.add(C::ProviderId.is_in(ids.iter().copied()));
    }
    if let Some(ids) = &scope.funding_streams {
        let services = Query::select()
            .column(service::Column::Id)
            .from(service::Entity)
            .and_where(service::Column::FundingStreamId.is_in(ids.iter().copied()))
            .to_owned();
        condition = condition.add(C::ServiceId.in_subquery(services));
    }
    Some(
        contract::Entity::find()
            .select_only()
            .columns([
                C::Id,
                C::Reference,
                C::StartDate,
                C::InitialTermMonths,
                C::EiaReviewDate,
            ])
            .filter(condition)
            .order_by_asc(C::Id),
    )
}

/// The grant rounds closing in `window`, or `None` when the scope rules
/// them all out (a provider filter: rounds have no provider).
pub fn rounds_query(window: Window, scope: &Scope) -> Option<Select<grant_round::Entity>> {
    use grant_round::Column as R;
    if scope.providers.is_some() {
        return None;
    }
    let mut condition = Condition::all().add(R::ClosesOn.between(window.from(), window.to()));
    if scope.commissioners.is_some() || scope.funding_streams.is_some() {
        let mut programmes = Query::select()
            .column(grant_programme::Column::Id)
            .from(grant_programme::Entity)
            .to_owned();
        if let Some(ids) = &scope.commissioners {
            programmes.and_where(grant_programme::Column::FunderId.is_in(ids.iter().copied()));
        }
        if let Some(ids) = &scope.funding_streams {
            programmes
                .and_where(grant_programme::Column::FundingStreamId.is_in(ids.iter().copied()));
        }
        condition = condition.add(R::ProgrammeId.in_subquery(programmes));
    }
    Some(
        grant_round::Entity::find()
            .filter(condition)
            .order_by_asc(R::ClosesOn)
            .order_by_asc(R::Id),
    )
}

/// Runs [`contracts_query`]: one statement.
pub async fn contracts_with_events(
    db: &DatabaseConnection,
    window: Window,
    as_of: NaiveDate,
    kinds: &[EventKind],
    scope: &Scope,
) -> AppResult<Vec<CalendarContract>> {
    match contracts_query(window, as_of, kinds, scope) {
        Some(query) => Ok(query
            .into_model::<CalendarContract>()
            .stream(db)
            .await?
            .try_collect()
            .await?),
        None => Ok(Vec::new()),
    }
}

/// Runs [`rounds_query`] when grant rounds are asked for: at most one statement.
pub async fn rounds_closing(
    db: &DatabaseConnection,
    window: Window,
    kinds: &[EventKind],
    scope: &Scope,
) -> AppResult<Vec<grant_round::Model>> {
    if !kinds.contains(&EventKind::GrantRoundCloses) {
        return Ok(Vec::new());
    }
    match rounds_query(window, scope) {
        Some(query) => Ok(query.all(db).await?),
        None => Ok(Vec::new()),
    }
}
