//! The renewal calendar: contract and grant-round dates falling in a window,
//! with days remaining and a RAG status. The rules are in
//! `domain::calendar`; the reads in `store::calendar`.

use std::sync::Arc;

use async_graphql::{Context, Enum, InputObject, Object};
use chrono::NaiveDate;

use crate::domain::calendar::{self as rules, EventKind, RagThresholds, Window};
use crate::error::{AppError, AppResult};
use crate::graphql::filter::IdFilter;
use crate::graphql::loaders::cached;
use crate::graphql::nodes::{Contract, ExtensionOption, GrantRound};
use crate::graphql::pagination::{sorted_page, KeyValue, Page};
use crate::graphql::relations::load_required;
use crate::graphql::scalars::Date;
use crate::graphql::today;
use crate::store::calendar::{self, DatedEvent, Scope, Subject};

/// What happens on a calendar event's date.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum RenewalEventKind {
    /// The last day to exercise or decline an extension option that is still
    /// available on `asOf`. Once the day passes undecided the option has
    /// lapsed, and the event disappears from calendars read after it.
    ExtensionDecisionDue,
    /// The last day of the contract's initial term, before any extension.
    InitialTermEnds,
    /// The contract's current end date: its last day of service if no further
    /// option is exercised (the initial term plus the options exercised).
    ContractExpires,
    /// The contract's Equality Impact Assessment is due for review.
    EqualityImpactAssessmentReview,
    /// A grant round closes for applications.
    GrantRoundCloses,
}

impl From<EventKind> for RenewalEventKind {
    fn from(kind: EventKind) -> Self {
        match kind {
            EventKind::ExtensionDecisionDue => Self::ExtensionDecisionDue,
            EventKind::InitialTermEnds => Self::InitialTermEnds,
            EventKind::ContractExpires => Self::ContractExpires,
            EventKind::EqualityImpactAssessmentReview => Self::EqualityImpactAssessmentReview,
            EventKind::GrantRoundCloses => Self::GrantRoundCloses,
        }
    }
}

impl From<RenewalEventKind> for EventKind {
    fn from(kind: RenewalEventKind) -> Self {
        match kind {
            RenewalEventKind::ExtensionDecisionDue => Self::ExtensionDecisionDue,
            RenewalEventKind::InitialTermEnds => Self::InitialTermEnds,
            RenewalEventKind::ContractExpires => Self::ContractExpires,
            RenewalEventKind::EqualityImpactAssessmentReview => {
                Self::EqualityImpactAssessmentReview
            }
            RenewalEventKind::GrantRoundCloses => Self::GrantRoundCloses,
        }
    }
}

/// How urgent an event is (red, amber, green).
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum RagStatus {
    /// Due within the red threshold (60 days by default), or already past.
    Red,
    /// Due within the amber threshold (120 days by default).
    Amber,
    /// Further off.
    Green,
}

impl From<rules::Rag> for RagStatus {
    fn from(rag: rules::Rag) -> Self {
        match rag {
            rules::Rag::Red => Self::Red,
            rules::Rag::Amber => Self::Amber,
            rules::Rag::Green => Self::Green,
        }
    }
}

/// The days within which an event is RED or AMBER (each 0 to 3660, red no
/// more than amber). "Within n days" includes the n-th day.
#[derive(InputObject, Clone, Copy)]
pub struct RagThresholdsInput {
    /// Events due within this many days, or already past, are RED.
    #[graphql(default = 60)]
    pub red_within_days: i32,
    /// Events due within this many days (and not RED) are AMBER; later ones GREEN.
    #[graphql(default = 120)]
    pub amber_within_days: i32,
}

/// Which events to show. Fields combine with AND.
#[derive(InputObject, Default)]
pub struct RenewalCalendarFilter {
    /// The commissioner (`Organisation` ids): a contract's lead commissioner
    /// or any organisation sharing its cost, at any level of the split; for a
    /// grant round, its programme's funder.
    pub commissioner: Option<IdFilter>,
    /// The provider (`Organisation` ids). Grant rounds have no provider, so
    /// giving this leaves them out.
    pub provider: Option<IdFilter>,
    /// The funding stream (`FundingStream` ids) of a contract's service, or of
    /// a grant round's programme.
    pub funding_stream: Option<IdFilter>,
    /// Only events of these kinds.
    pub kinds: Option<Vec<RenewalEventKind>>,
}

/// The calendar as asked for: the window and thresholds applied, and the events.
pub struct RenewalCalendar {
    as_of: NaiveDate,
    window: Window,
    thresholds: RagThresholds,
    events: Arc<Vec<RenewalEvent>>,
}

/// The calendar as asked for: the window and thresholds applied, and the events.
#[Object]
impl RenewalCalendar {
    /// The day days remaining, RAG status, option lapsing and end dates are
    /// worked out for.
    async fn as_of(&self) -> Date {
        Date(self.as_of)
    }
    /// The first day of the window.
    async fn from(&self) -> Date {
        Date(self.window.from())
    }
    /// The last day of the window (included).
    async fn to(&self) -> Date {
        Date(self.window.to())
    }
    /// Events due within this many days, or past, are RED.
    async fn red_within_days(&self) -> i64 {
        self.thresholds.red_within_days()
    }
    /// Events due within this many days (and not RED) are AMBER.
    async fn amber_within_days(&self) -> i64 {
        self.thresholds.amber_within_days()
    }
    /// The events in the window, by date; events on the same day in the order
    /// of `RenewalEventKind`, then by contract or round.
    #[graphql(
        deprecation = "Unbounded: a national calendar holds thousands of events. Use `eventPage`."
    )]
    async fn events(&self) -> Vec<RenewalEvent> {
        self.events.to_vec()
    }
    /// The events in the window a page at a time, in the order of `events`:
    /// by date; on the same day in the order of `RenewalEventKind`, then by
    /// contract or round. `totalCount` is the number of events in the window.
    async fn event_page(
        &self,
        #[graphql(desc = "How many events (1 to 100, default 20).")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor (an edge's `cursor`).")] after: Option<String>,
    ) -> async_graphql::Result<Page<RenewalEvent>> {
        Ok(sorted_page(
            &self.events,
            event_key,
            (EVENT_ORDER, 4),
            first,
            after.as_deref(),
        )?)
    }
}

/// The ordering of calendar events, as named in their cursors.
const EVENT_ORDER: &str = "DATE:A,KIND:A,SUBJECT:A,OPTION:A";

/// An event's place in the calendar's order (`rules::sort_events`).
fn event_key(event: &RenewalEvent) -> Vec<KeyValue> {
    let e = &event.dated.event;
    vec![
        KeyValue::D(e.date),
        KeyValue::I(e.kind as i64),
        KeyValue::I(e.subject_id),
        KeyValue::I(e.option_sequence.map_or(-1, i64::from)),
    ]
}

/// One dated event about a contract or a grant round.
#[derive(Clone)]
pub struct RenewalEvent {
    dated: DatedEvent,
    as_of: NaiveDate,
    rag: RagStatus,
}

/// One dated event about a contract or a grant round.
#[Object]
impl RenewalEvent {
    /// What happens.
    async fn kind(&self) -> RenewalEventKind {
        self.dated.event.kind.into()
    }
    /// The day it happens.
    async fn date(&self) -> Date {
        Date(self.dated.event.date)
    }
    /// Days from `asOf` to `date`: 0 on the day, negative once past.
    async fn days_remaining(&self) -> i64 {
        self.dated.event.days_remaining(self.as_of)
    }
    /// How urgent it is under the calendar's thresholds; past dates are RED.
    async fn rag(&self) -> RagStatus {
        self.rag
    }
    /// The contract, for contract events.
    async fn contract(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Contract>> {
        match &self.dated.subject {
            Subject::Contract(c) => Ok(Some(Contract(
                load_required(ctx, |l| &l.contracts, c.id).await?,
            ))),
            Subject::Round(_) => Ok(None),
        }
    }
    /// The grant round, for `GRANT_ROUND_CLOSES`.
    async fn grant_round(&self) -> Option<GrantRound> {
        match &self.dated.subject {
            Subject::Round(r) => Some(GrantRound::from(r.clone())),
            Subject::Contract(_) => None,
        }
    }
    /// The option to decide, for `EXTENSION_DECISION_DUE`.
    async fn extension_option(&self) -> Option<ExtensionOption> {
        self.dated.option.clone().map(ExtensionOption::from)
    }
    /// For contract events, when the contract ends as of `asOf` if no further
    /// option is exercised ("what if we do nothing").
    async fn current_end_date(&self) -> Option<Date> {
        self.dated.ends.map(|(current, _)| Date(current))
    }
    /// For contract events, when the contract would end as of `asOf` if every
    /// option still available were exercised ("what if we extend").
    async fn maximum_end_date(&self) -> Option<Date> {
        self.dated.ends.map(|(_, maximum)| Date(maximum))
    }
    /// One plain-English line, e.g. "WYCA-SARC-2023: decide by 2026-12-31
    /// whether to exercise extension option 1 (36 months); if it is not
    /// exercised the contract ends on 2027-03-31".
    async fn summary(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        let subject = match &self.dated.subject {
            Subject::Contract(c) => c.reference.clone(),
            Subject::Round(r) => {
                let programme = load_required(ctx, |l| &l.grant_programmes, r.programme_id).await?;
                format!("{}, {}", programme.name, r.name)
            }
        };
        let facts = rules::SummaryFacts {
            subject: &subject,
            option_months: self
                .dated
                .option
                .as_ref()
                .map(|o| o.length_months.max(0) as u32),
            current_end: self.dated.ends.map(|(current, _)| current),
            maximum_end: self.dated.ends.map(|(_, maximum)| maximum),
        };
        Ok(rules::summary(&self.dated.event, &facts))
    }
}

/// The renewal calendar query.
#[derive(Default)]
pub struct CalendarQuery;

/// The renewal calendar query.
#[Object]
impl CalendarQuery {
    /// Dated events between `from` and `to`, or from `asOf` to `withinDays`
    /// days after it (six months by default), sorted by date. The kinds are
    /// extension decisions due (`EXTENSION_DECISION_DUE`), initial terms
    /// ending (`INITIAL_TERM_ENDS`), contracts ending if nothing more is
    /// exercised (`CONTRACT_EXPIRES`), Equality Impact Assessment reviews
    /// (`EQUALITY_IMPACT_ASSESSMENT_REVIEW`) and grant rounds closing
    /// (`GRANT_ROUND_CLOSES`). Each contract event also answers "what if" with
    /// its end date if nothing more is exercised and if every option still
    /// available is.
    ///
    /// Everything is derived as of `asOf` from recorded dates and decisions.
    /// An option left undecided past its decide-by date counts as lapsed from
    /// the next day, so nothing needs a nightly job and no row goes stale.
    /// Terminated contracts are left out. The window is at most 3660 days.
    #[allow(clippy::too_many_arguments)]
    async fn renewal_calendar(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The day to read the calendar on (default: today in Europe/London).")]
        as_of: Option<Date>,
        #[graphql(
            desc = "The first day of the window; give `to` with it (instead of `withinDays`)."
        )]
        from: Option<Date>,
        #[graphql(desc = "The last day of the window (included), on or after `from`.")] to: Option<
            Date,
        >,
        #[graphql(
            desc = "Without `from`/`to`: the window is `asOf` and the next this many days (0 to 3660; default 183, about six months)."
        )]
        within_days: Option<i32>,
        #[graphql(desc = "When events turn RED and AMBER (default: within 60 and 120 days).")]
        thresholds: Option<RagThresholdsInput>,
        #[graphql(desc = "Which events.")] filter: Option<RenewalCalendarFilter>,
    ) -> async_graphql::Result<RenewalCalendar> {
        let as_of = as_of.map_or_else(today, |d| d.0);
        let window = rules::requested_window(
            as_of,
            from.map(|d| d.0),
            to.map(|d| d.0),
            within_days.map(i64::from),
            |as_of| Window::within_days(as_of, rules::DEFAULT_WITHIN_DAYS),
        )
        .map_err(AppError::from)?;
        let thresholds = match thresholds {
            Some(t) => RagThresholds::new(t.red_within_days.into(), t.amber_within_days.into())
                .map_err(AppError::from)?,
            None => RagThresholds::default(),
        };
        let filter = filter.unwrap_or_default();
        let kinds: Vec<EventKind> = match &filter.kinds {
            Some(kinds) => kinds.iter().map(|&k| k.into()).collect(),
            None => EventKind::ALL.to_vec(),
        };
        let scope = Scope {
            commissioners: ids(&filter.commissioner, "filter.commissioner", "Organisation")?,
            providers: ids(&filter.provider, "filter.provider", "Organisation")?,
            funding_streams: ids(
                &filter.funding_stream,
                "filter.fundingStream",
                "FundingStream",
            )?,
        };
        let key = format!("calendar {as_of} {window:?} {thresholds:?} {kinds:?} {scope:?}");
        let events = cached(ctx, key, move |db| async move {
            Ok(calendar::events(&db, as_of, window, &kinds, &scope)
                .await?
                .into_iter()
                .map(|dated| RenewalEvent {
                    rag: thresholds.rag(dated.event.days_remaining(as_of)).into(),
                    dated,
                    as_of,
                })
                .collect::<Vec<_>>())
        })
        .await?;
        Ok(RenewalCalendar {
            as_of,
            window,
            thresholds,
            events,
        })
    }
}

/// The row ids an id filter accepts; `isNull` means nothing here (every
/// contract has a commissioner and a provider), so it is refused.
fn ids(filter: &Option<IdFilter>, field: &str, type_name: &str) -> AppResult<Option<Vec<i64>>> {
    let Some(filter) = filter else {
        return Ok(None);
    };
    if filter.is_null.is_some() {
        return Err(AppError::bad_input(
            "FILTER_OPERATOR_UNSUPPORTED",
            format!("{field}.isNull: not supported by the renewal calendar; use eq or in"),
        ));
    }
    filter.ids(field, type_name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::resolver_utils::EnumType;

    /// Feed URLs name kinds by `EventKind::code`: the same names as here.
    #[test]
    fn the_schema_names_kinds_by_their_codes() {
        for item in RenewalEventKind::items() {
            assert_eq!(EventKind::from(item.value).code(), item.name);
        }
    }
}
