//! The renewal calendar as an iCalendar feed (`GET /calendar.ics`), for
//! people who live in Outlook or Google Calendar rather than in GraphQL.
//!
//! - [`FeedRequest::parse`]: the feed URL's query, checked like the
//!   `renewalCalendar` arguments it mirrors (pure, unit-tested here).
//! - [`entry`]: one calendar event as the feed shows it: a stable UID, a
//!   short title, the plain-English summary and the "what if" dates.
//! - [`ics`]: the RFC 5545 text, written by the `icalendar` crate.
//!
//! The events themselves come from `store::calendar::events`, the same
//! function `renewalCalendar` reads, so the feed and the API always agree.

use chrono::{Duration, NaiveDate};

use crate::domain::calendar::{self as rules, Event, EventKind, Rag, RagThresholds, Window};
use crate::error::{AppError, AppResult};
use crate::graphql::filter::row_id;
use crate::store::calendar::Scope;

pub mod ics;

/// Days before each event its reminder fires unless the URL says otherwise.
pub const DEFAULT_ALARM_DAYS: u32 = 14;
/// The longest reminder lead accepted.
pub const MAX_ALARM_DAYS: u32 = 365;
/// Days before `asOf` the default window starts, so that an event just
/// passed stays in the subscriber's calendar for a month.
pub const DEFAULT_DAYS_BEFORE: i64 = 31;
/// Days after `asOf` the default window ends: two years of decisions.
pub const DEFAULT_DAYS_AFTER: i64 = 730;
/// The most ids one filter parameter may list (as in GraphQL filters).
pub const MAX_IDS: usize = 100;

/// What a feed URL asks for.
#[derive(Clone, Debug)]
pub struct FeedRequest {
    /// The day option states and end dates are worked out for.
    pub as_of: NaiveDate,
    /// The days covered.
    pub window: Window,
    /// The kinds of event.
    pub kinds: Vec<EventKind>,
    /// Whose events.
    pub scope: Scope,
    /// Days before each event its reminder fires; `None`: no reminders.
    pub alarm_days: Option<u32>,
}

/// The query parameters a feed URL may carry.
const PARAMETERS: [&str; 10] = [
    "key",
    "asOf",
    "from",
    "to",
    "withinDays",
    "kind",
    "commissioner",
    "provider",
    "fundingStream",
    "alarmDays",
];

impl FeedRequest {
    /// Reads a feed URL's query string. `today` is the default `asOf`. Lists
    /// (`kind`, `commissioner`, `provider`, `fundingStream`) are
    /// comma-separated; ids are the API's global ids. Unknown and repeated
    /// parameters are refused, so that a misspelt filter never silently
    /// widens a feed.
    pub fn parse(query: &str, today: NaiveDate) -> AppResult<FeedRequest> {
        let mut seen: Vec<(String, String)> = Vec::new();
        for (name, value) in form_urlencoded::parse(query.as_bytes()) {
            if !PARAMETERS.contains(&name.as_ref()) {
                return Err(AppError::bad_input(
                    "FEED_PARAMETER_UNKNOWN",
                    format!(
                        "{name}: not a parameter of the calendar feed (expected one of {})",
                        PARAMETERS.join(", ")
                    ),
                ));
            }
            if seen.iter().any(|(seen, _)| *seen == name) {
                return Err(AppError::bad_input(
                    "FEED_PARAMETER_REPEATED",
                    format!("{name}: given more than once; list values with commas"),
                ));
            }
            seen.push((name.into_owned(), value.into_owned()));
        }
        let get = |name: &str| {
            seen.iter()
                .find(|(seen, _)| seen == name)
                .map(|(_, value)| value.as_str())
        };

        let as_of = get("asOf").map(|v| date("asOf", v)).transpose()?;
        let as_of = as_of.unwrap_or(today);
        let from = get("from").map(|v| date("from", v)).transpose()?;
        let to = get("to").map(|v| date("to", v)).transpose()?;
        let within_days = get("withinDays")
            .map(|v| number("withinDays", v))
            .transpose()?;
        let window = rules::requested_window(as_of, from, to, within_days, default_window)?;

        let kinds = match get("kind") {
            None => EventKind::ALL.to_vec(),
            Some(list) => items("kind", list)?
                .into_iter()
                .map(|code| {
                    EventKind::from_code(code).ok_or_else(|| {
                        AppError::bad_input(
                            "FEED_KIND_UNKNOWN",
                            format!(
                                "kind: {code:?} is not a kind of event (expected {})",
                                EventKind::ALL.map(EventKind::code).join(", ")
                            ),
                        )
                    })
                })
                .collect::<AppResult<Vec<_>>>()?,
        };
        let ids = |name: &str, type_name: &str| -> AppResult<Option<Vec<i64>>> {
            get(name)
                .map(|list| {
                    items(name, list)?
                        .into_iter()
                        .map(|id| row_id(name, &async_graphql::ID(id.to_owned()), type_name))
                        .collect()
                })
                .transpose()
        };
        let scope = Scope {
            commissioners: ids("commissioner", "Organisation")?,
            providers: ids("provider", "Organisation")?,
            funding_streams: ids("fundingStream", "FundingStream")?,
        };
        let alarm_days = match get("alarmDays") {
            None => Some(DEFAULT_ALARM_DAYS),
            Some(v) => match u32::try_from(number("alarmDays", v)?) {
                Ok(0) => None,
                Ok(days) if days <= MAX_ALARM_DAYS => Some(days),
                _ => {
                    return Err(AppError::bad_input(
                        "FEED_ALARM_OUT_OF_RANGE",
                        format!("alarmDays: 0 (no reminders) to {MAX_ALARM_DAYS}"),
                    ))
                }
            },
        };
        Ok(FeedRequest {
            as_of,
            window,
            kinds,
            scope,
            alarm_days,
        })
    }
}

/// By default a feed covers a month before `as_of` to two years after it.
fn default_window(as_of: NaiveDate) -> Result<Window, rules::CalendarError> {
    match (
        as_of.checked_sub_signed(Duration::days(DEFAULT_DAYS_BEFORE)),
        as_of.checked_add_signed(Duration::days(DEFAULT_DAYS_AFTER)),
    ) {
        (Some(from), Some(to)) => Window::between(from, to),
        _ => Err(rules::CalendarError::DateOutOfRange),
    }
}

fn date(name: &str, value: &str) -> AppResult<NaiveDate> {
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .ok()
        .filter(|_| value.len() == 10)
        .ok_or_else(|| {
            AppError::bad_input(
                "DATE_MALFORMED",
                format!("{name}: {value:?} is not a date written YYYY-MM-DD"),
            )
        })
}

fn number(name: &str, value: &str) -> AppResult<i64> {
    value.parse().map_err(|_| {
        AppError::bad_input(
            "NUMBER_MALFORMED",
            format!("{name}: {value:?} is not a whole number"),
        )
    })
}

/// The comma-separated items of a list parameter: at least one, at most
/// [`MAX_IDS`], none empty.
fn items<'a>(name: &str, list: &'a str) -> AppResult<Vec<&'a str>> {
    let items: Vec<&str> = list.split(',').map(str::trim).collect();
    if items.iter().any(|item| item.is_empty()) {
        return Err(AppError::bad_input(
            "FEED_LIST_MALFORMED",
            format!("{name}: an empty item; separate values with single commas"),
        ));
    }
    if items.len() > MAX_IDS {
        return Err(AppError::bad_input(
            "FILTER_LIST_TOO_LONG",
            format!("{name}: at most {MAX_IDS} values"),
        ));
    }
    Ok(items)
}

/// One event as the feed shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Stable across fetches and edits of the event's date, so that a
    /// calendar app moves the event rather than adding another.
    pub uid: String,
    /// The day (an all-day event).
    pub date: NaiveDate,
    /// A short title for the calendar grid.
    pub title: String,
    /// The plain-English summary, the "what if" dates and the status.
    pub description: String,
    /// The kind's code, as the event's category.
    pub category: &'static str,
}

/// What [`entry`] needs besides the event.
pub struct EntryFacts<'a> {
    /// The day the feed was read for.
    pub as_of: NaiveDate,
    /// The contract reference, or the programme and round names.
    pub subject: &'a str,
    /// For a decision, the option's length in months.
    pub option_months: Option<u32>,
    /// For contract events, the end dates if nothing more is exercised and
    /// if every option still open is.
    pub ends: Option<(NaiveDate, NaiveDate)>,
}

/// The feed's view of `event`.
pub fn entry(event: &Event, facts: &EntryFacts<'_>) -> Entry {
    let summary = rules::summary(
        event,
        &rules::SummaryFacts {
            subject: facts.subject,
            option_months: facts.option_months,
            current_end: facts.ends.map(|(current, _)| current),
            maximum_end: facts.ends.map(|(_, maximum)| maximum),
        },
    );
    let subject = facts.subject;
    let title = match (event.kind, event.option_sequence) {
        (EventKind::ExtensionDecisionDue, Some(n)) => {
            format!("Decide extension option {n}: {subject}")
        }
        (EventKind::ExtensionDecisionDue, None) => format!("Decide extension: {subject}"),
        (EventKind::InitialTermEnds, _) => format!("Initial term ends: {subject}"),
        (EventKind::ContractExpires, _) => format!("Contract ends: {subject}"),
        (EventKind::EqualityImpactAssessmentReview, _) => format!("EIA review: {subject}"),
        (EventKind::GrantRoundCloses, _) => format!("Round closes: {subject}"),
    };
    let mut description = summary;
    if let Some((current, maximum)) = facts.ends {
        description.push_str(&format!(
            "\nIf we do nothing: ends {current}. If every option is exercised: ends {maximum}."
        ));
    }
    let days = event.days_remaining(facts.as_of);
    let rag = match RagThresholds::default().rag(days) {
        Rag::Red => "RED",
        Rag::Amber => "AMBER",
        Rag::Green => "GREEN",
    };
    description.push_str(&format!(
        "\nOn {}: {rag}, {days} days remaining.",
        facts.as_of
    ));
    Entry {
        uid: uid(event),
        date: event.date,
        title,
        description,
        category: event.kind.code(),
    }
}

/// The event's UID: its kind, its subject's row and, for a decision, the
/// option. The date is left out on purpose: when a contract's end moves, its
/// event moves with it.
fn uid(event: &Event) -> String {
    let subject = match event.kind {
        EventKind::GrantRoundCloses => "round",
        _ => "contract",
    };
    let kind = event.kind.code().to_ascii_lowercase().replace('_', "-");
    match event.option_sequence {
        Some(n) => format!("{kind}.{subject}-{}.option-{n}@commtrack", event.subject_id),
        None => format!("{kind}.{subject}-{}@commtrack", event.subject_id),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    const TODAY: fn() -> NaiveDate = || NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();

    fn rule(query: &str) -> &'static str {
        match FeedRequest::parse(query, TODAY()) {
            Err(AppError::BadInput { code, .. }) => code,
            other => panic!("{query}: expected a bad input, got {other:?}"),
        }
    }

    #[test]
    fn an_empty_query_is_two_years_ahead_and_a_month_back_with_reminders() {
        let feed = FeedRequest::parse("", TODAY()).unwrap();
        assert_eq!(feed.as_of, TODAY());
        assert_eq!(feed.window.from(), d(2026, 10, 23));
        assert_eq!(feed.window.to(), d(2028, 11, 22));
        assert_eq!(feed.kinds, EventKind::ALL.to_vec());
        assert_eq!(feed.alarm_days, Some(DEFAULT_ALARM_DAYS));
        assert!(feed.scope.commissioners.is_none());
    }

    #[test]
    fn parameters_mirror_the_renewal_calendar() {
        let org = crate::graphql::node::global_id("Organisation", 7);
        let query = format!(
            "key=ct_x&asOf=2026-01-01&withinDays=10&kind=EXTENSION_DECISION_DUE,CONTRACT_EXPIRES\
             &commissioner={}&alarmDays=0",
            org.as_str()
        );
        let feed = FeedRequest::parse(&query, TODAY()).unwrap();
        assert_eq!(feed.as_of, d(2026, 1, 1));
        assert_eq!(feed.window.to(), d(2026, 1, 11));
        assert_eq!(
            feed.kinds,
            vec![EventKind::ExtensionDecisionDue, EventKind::ContractExpires]
        );
        assert_eq!(feed.scope.commissioners, Some(vec![7]));
        assert_eq!(feed.alarm_days, None);
        let feed = FeedRequest::parse("from=2026-01-01&to=2026-02-01", TODAY()).unwrap();
        assert_eq!(feed.window.from(), d(2026, 1, 1));
    }

    #[test]
    fn bad_parameters_are_refused_by_name_and_rule() {
        assert_eq!(rule("kinds=CONTRACT_EXPIRES"), "FEED_PARAMETER_UNKNOWN");
        assert_eq!(rule("kind=A&kind=B"), "FEED_PARAMETER_REPEATED");
        assert_eq!(rule("kind=contract_expires"), "FEED_KIND_UNKNOWN");
        assert_eq!(rule("kind=CONTRACT_EXPIRES,"), "FEED_LIST_MALFORMED");
        assert_eq!(rule("asOf=2026-13-01"), "DATE_MALFORMED");
        assert_eq!(rule("asOf=26-1-1"), "DATE_MALFORMED");
        assert_eq!(rule("withinDays=ten"), "NUMBER_MALFORMED");
        assert_eq!(rule("withinDays=4000"), "CALENDAR_WITHIN_DAYS_OUT_OF_RANGE");
        assert_eq!(rule("from=2026-01-01"), "CALENDAR_WINDOW_INCOMPLETE");
        assert_eq!(
            rule("from=2026-01-01&to=2026-02-01&withinDays=3"),
            "CALENDAR_WINDOW_CONFLICT"
        );
        assert_eq!(
            rule("from=2026-02-01&to=2026-01-01"),
            "CALENDAR_WINDOW_REVERSED"
        );
        assert_eq!(rule("alarmDays=366"), "FEED_ALARM_OUT_OF_RANGE");
        assert_eq!(rule("alarmDays=-1"), "FEED_ALARM_OUT_OF_RANGE");
        assert_eq!(rule("commissioner=nonsense"), "ID_INVALID");
        let contract = crate::graphql::node::global_id("Contract", 1);
        assert_eq!(
            rule(&format!("provider={}", contract.as_str())),
            "ID_INVALID"
        );
    }

    fn sarc_decision() -> Event {
        Event {
            kind: EventKind::ExtensionDecisionDue,
            date: d(2026, 12, 31),
            subject_id: 1,
            option_sequence: Some(1),
        }
    }

    #[test]
    fn the_sarc_decision_as_a_feed_entry() {
        let entry = entry(
            &sarc_decision(),
            &EntryFacts {
                as_of: TODAY(),
                subject: "WYCA-SARC-2023",
                option_months: Some(36),
                ends: Some((d(2027, 3, 31), d(2030, 3, 31))),
            },
        );
        assert_eq!(
            entry.uid,
            "extension-decision-due.contract-1.option-1@commtrack"
        );
        assert_eq!(entry.title, "Decide extension option 1: WYCA-SARC-2023");
        assert_eq!(entry.date, d(2026, 12, 31));
        assert_eq!(entry.category, "EXTENSION_DECISION_DUE");
        assert_eq!(
            entry.description,
            "WYCA-SARC-2023: decide by 2026-12-31 whether to exercise extension option 1 \
             (36 months); if it is not exercised the contract ends on 2027-03-31\n\
             If we do nothing: ends 2027-03-31. If every option is exercised: ends 2030-03-31.\n\
             On 2026-11-23: RED, 38 days remaining."
        );
    }

    #[test]
    fn uids_do_not_move_with_the_date() {
        let mut moved = sarc_decision();
        moved.date = d(2027, 1, 15);
        assert_eq!(uid(&moved), uid(&sarc_decision()));
        let round = Event {
            kind: EventKind::GrantRoundCloses,
            date: d(2023, 6, 10),
            subject_id: 4,
            option_sequence: None,
        };
        assert_eq!(uid(&round), "grant-round-closes.round-4@commtrack");
    }
}
