//! Reads for the renewal calendar: only the contracts and grant rounds with a
//! relevant date inside the window, each date range answered through its
//! index (`contracts_initial_end_date`, `contracts_current_end_date`,
//! `contracts_eia_review_date`, `extension_options_decide_by`,
//! `grant_rounds_closes_on`). Which events a row yields, and their order, is
//! decided by `domain::calendar`; these queries only keep the rest of the
//! table out of memory.

use std::collections::HashMap;

use async_graphql::dataloader::Loader;
use chrono::NaiveDate;
use entity::enums::{ContractRecordStatus, OptionState};
use entity::{contract, cost_share, extension_option, grant_programme, grant_round, service};
use futures::TryStreamExt;
use sea_orm::sea_query::Query;
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, FromQueryResult, QueryFilter,
    QueryOrder, QuerySelect, Select,
};

use crate::domain::calendar::{self as rules, ContractDates, Event, EventKind, Window};
use crate::domain::{ContractTerm, TermOption};
use crate::error::{AppError, AppResult};
use crate::store::fetch::ByParent;
use crate::store::writes::terms::term_option;

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

/// What a calendar event is about.
#[derive(Clone, Debug)]
pub enum Subject {
    /// A contract event.
    Contract(CalendarContract),
    /// A grant round closing.
    Round(grant_round::Model),
}

/// One calendar event with the rows it is about: what every view of the
/// calendar (GraphQL, the iCalendar feed) shows.
#[derive(Clone, Debug)]
pub struct DatedEvent {
    /// The event as the domain derived it.
    pub event: Event,
    /// The contract or round.
    pub subject: Subject,
    /// The option to decide, for `ExtensionDecisionDue`.
    pub option: Option<extension_option::Model>,
    /// For contract events, the current and maximum end dates as of the
    /// calendar's day ("if we do nothing", "if every option is exercised").
    pub ends: Option<(NaiveDate, NaiveDate)>,
}

/// The calendar's events of `kinds` in `window` as of `as_of`, narrowed to
/// `scope`, sorted as `domain::calendar::sort_events` says. Three statements
/// at most (contracts, rounds, the contracts' options, in chunks of
/// `fetch::MAX_KEYS`), whatever the number of events.
pub async fn events(
    db: &DatabaseConnection,
    as_of: NaiveDate,
    window: Window,
    kinds: &[EventKind],
    scope: &Scope,
) -> AppResult<Vec<DatedEvent>> {
    let contracts = contracts_with_events(db, window, as_of, kinds, scope).await?;
    let rounds = rounds_closing(db, window, kinds, scope).await?;
    let options = if contracts.is_empty() {
        HashMap::new()
    } else {
        let ids: Vec<i64> = contracts.iter().map(|c| c.id).collect();
        ByParent::<extension_option::Entity>::new(
            db.clone(),
            extension_option::Column::ContractId,
            |o| Some(o.contract_id),
            vec![extension_option::Column::Sequence],
        )
        .load(&ids)
        .await?
    };

    let mut events = Vec::new();
    let mut ends = HashMap::new();
    for c in &contracts {
        let rows = options.get(&c.id).map(Vec::as_slice).unwrap_or_default();
        let terms: Vec<TermOption> = rows.iter().map(term_option).collect();
        let term = ContractTerm {
            start: c.start_date,
            initial_term_months: c.initial_term_months.max(0) as u32,
        };
        let dates = ContractDates {
            id: c.id,
            term,
            options: &terms,
            eia_review: c.eia_review_date,
        };
        events.extend(rules::contract_events(&dates, as_of, window));
        ends.insert(
            c.id,
            (
                term.current_end(&terms, as_of),
                term.maximum_end(&terms, as_of),
            ),
        );
    }
    events.extend(
        rounds
            .iter()
            .filter_map(|r| rules::round_event(r.id, r.closes_on, window)),
    );
    events.retain(|e| kinds.contains(&e.kind));
    rules::sort_events(&mut events);

    let contracts: HashMap<i64, CalendarContract> =
        contracts.into_iter().map(|c| (c.id, c)).collect();
    let rounds: HashMap<i64, grant_round::Model> = rounds.into_iter().map(|r| (r.id, r)).collect();
    events
        .into_iter()
        .map(|event| {
            let (subject, option, ends) = if event.kind == EventKind::GrantRoundCloses {
                let round = rounds.get(&event.subject_id).cloned();
                (round.map(Subject::Round), None, None)
            } else {
                let contract = contracts.get(&event.subject_id).cloned();
                let option = event.option_sequence.and_then(|seq| {
                    options
                        .get(&event.subject_id)?
                        .iter()
                        .find(|o| o.sequence.max(0) as u32 == seq)
                        .cloned()
                });
                let ends = ends.get(&event.subject_id).copied();
                (contract.map(Subject::Contract), option, ends)
            };
            let subject = subject.ok_or_else(|| {
                AppError::internal("calendar event without its contract or round")
            })?;
            Ok(DatedEvent {
                event,
                subject,
                option,
                ends,
            })
        })
        .collect()
}
