//! The renewal calendar: dated events in a window, how urgent each is, and
//! their order.
//!
//! Every event follows from dates already recorded (a contract's term, its
//! options' decide-by dates and recorded states, its Equality Impact
//! Assessment review date, a grant round's closing date) and from the day the
//! calendar is read for (`as_of`). An option left undecided past its
//! decide-by date is treated as lapsed on the day ([`effective_state`]), so
//! the calendar is right on any day without a nightly job rewriting rows.

use chrono::{Duration, NaiveDate};

use super::contract_term::{ContractTerm, TermOption};
use super::extension_option::{effective_state, OptionState};

/// The longest window the calendar covers, in days (about ten years), so
/// that one request stays a bounded amount of work.
pub const MAX_WINDOW_DAYS: i64 = 3660;
/// The default look-ahead: about six months.
pub const DEFAULT_WITHIN_DAYS: i64 = 183;
/// The default RED threshold: due within 60 days.
pub const DEFAULT_RED_WITHIN_DAYS: i64 = 60;
/// The default AMBER threshold: due within 120 days.
pub const DEFAULT_AMBER_WITHIN_DAYS: i64 = 120;

/// Why a calendar request was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// The window ends before it starts.
    #[error("{to} is before the start of the window, {from}")]
    WindowReversed {
        /// The first day asked for.
        from: NaiveDate,
        /// The last day asked for.
        to: NaiveDate,
    },
    /// The window is longer than [`MAX_WINDOW_DAYS`].
    #[error("the window covers {days} days; at most 3660 days (about ten years) are allowed")]
    WindowTooLong {
        /// The days the window would cover.
        days: i64,
    },
    /// A look-ahead outside 0..=[`MAX_WINDOW_DAYS`].
    #[error("{days} days is out of range; it must be 0 to 3660 days")]
    WithinDaysOutOfRange {
        /// The number given.
        days: i64,
    },
    /// A threshold outside 0..=[`MAX_WINDOW_DAYS`].
    #[error("{days} days is out of range; a threshold must be 0 to 3660 days")]
    ThresholdOutOfRange {
        /// The number given.
        days: i64,
    },
    /// The AMBER threshold is nearer than the RED one.
    #[error(
        "{amber} days is less than the red threshold of {red} days; amber must be at least red"
    )]
    ThresholdsOutOfOrder {
        /// The RED threshold.
        red: i64,
        /// The AMBER threshold.
        amber: i64,
    },
    /// The window's end is beyond the calendar chrono can represent.
    #[error("the window ends beyond the supported calendar")]
    DateOutOfRange,
    /// Both an explicit window and a look-ahead were given.
    #[error("give either from and to, or withinDays, not both")]
    WindowConflict,
    /// One end of an explicit window was given without the other.
    #[error("required when {given} is given")]
    WindowIncomplete {
        /// The end that was given (`from` or `to`).
        given: &'static str,
        /// The end that is missing.
        missing: &'static str,
    },
}

impl CalendarError {
    /// A stable machine-readable code for API clients.
    pub fn code(&self) -> &'static str {
        match self {
            Self::WindowReversed { .. } => "CALENDAR_WINDOW_REVERSED",
            Self::WindowTooLong { .. } => "CALENDAR_WINDOW_TOO_LONG",
            Self::WithinDaysOutOfRange { .. } => "CALENDAR_WITHIN_DAYS_OUT_OF_RANGE",
            Self::ThresholdOutOfRange { .. } => "CALENDAR_THRESHOLD_OUT_OF_RANGE",
            Self::ThresholdsOutOfOrder { .. } => "CALENDAR_THRESHOLDS_OUT_OF_ORDER",
            Self::DateOutOfRange => "CALENDAR_DATE_OUT_OF_RANGE",
            Self::WindowConflict => "CALENDAR_WINDOW_CONFLICT",
            Self::WindowIncomplete { .. } => "CALENDAR_WINDOW_INCOMPLETE",
        }
    }
}

impl CalendarError {
    /// The argument at fault, as the API names it.
    pub fn field(&self) -> &'static str {
        match self {
            Self::WindowReversed { .. } | Self::WindowTooLong { .. } => "to",
            Self::WithinDaysOutOfRange { .. } | Self::DateOutOfRange | Self::WindowConflict => {
                "withinDays"
            }
            Self::WindowIncomplete { missing, .. } => missing,
            Self::ThresholdOutOfRange { .. } => "thresholds",
            Self::ThresholdsOutOfOrder { .. } => "thresholds.amberWithinDays",
        }
    }
}

/// The window a request asks for: `from` and `to` together, or `as_of` and
/// the `within_days` after it, or `default` (given `as_of`) when it names
/// neither.
pub fn requested_window(
    as_of: NaiveDate,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    within_days: Option<i64>,
    default: impl FnOnce(NaiveDate) -> Result<Window, CalendarError>,
) -> Result<Window, CalendarError> {
    match (from, to, within_days) {
        (Some(from), Some(to), None) => Window::between(from, to),
        (None, None, Some(days)) => Window::within_days(as_of, days),
        (None, None, None) => default(as_of),
        (Some(_), Some(_), Some(_)) => Err(CalendarError::WindowConflict),
        (Some(_), None, _) => Err(CalendarError::WindowIncomplete {
            given: "from",
            missing: "to",
        }),
        (None, Some(_), _) => Err(CalendarError::WindowIncomplete {
            given: "to",
            missing: "from",
        }),
    }
}

/// An inclusive range of days the calendar covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    from: NaiveDate,
    to: NaiveDate,
}

impl Window {
    /// The days `from` to `to`, both included; `to` may not be before `from`
    /// and the window may not pass [`MAX_WINDOW_DAYS`].
    pub fn between(from: NaiveDate, to: NaiveDate) -> Result<Window, CalendarError> {
        if to < from {
            return Err(CalendarError::WindowReversed { from, to });
        }
        let days = (to - from).num_days();
        if days > MAX_WINDOW_DAYS {
            return Err(CalendarError::WindowTooLong { days });
        }
        Ok(Window { from, to })
    }

    /// `as_of` and the `days` days after it (0 is `as_of` alone).
    pub fn within_days(as_of: NaiveDate, days: i64) -> Result<Window, CalendarError> {
        if !(0..=MAX_WINDOW_DAYS).contains(&days) {
            return Err(CalendarError::WithinDaysOutOfRange { days });
        }
        let to = as_of
            .checked_add_signed(Duration::days(days))
            .ok_or(CalendarError::DateOutOfRange)?;
        Ok(Window { from: as_of, to })
    }

    /// The first day covered.
    pub fn from(&self) -> NaiveDate {
        self.from
    }

    /// The last day covered.
    pub fn to(&self) -> NaiveDate {
        self.to
    }

    /// Whether `date` falls in the window.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.from <= date && date <= self.to
    }
}

/// How urgent an event is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Rag {
    /// Due within the red threshold, or already past.
    Red,
    /// Due within the amber threshold.
    Amber,
    /// Further off.
    Green,
}

/// The days within which an event is RED or AMBER.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RagThresholds {
    red_within_days: i64,
    amber_within_days: i64,
}

impl Default for RagThresholds {
    fn default() -> Self {
        RagThresholds {
            red_within_days: DEFAULT_RED_WITHIN_DAYS,
            amber_within_days: DEFAULT_AMBER_WITHIN_DAYS,
        }
    }
}

impl RagThresholds {
    /// Thresholds of 0 to [`MAX_WINDOW_DAYS`] days each, red no further than amber.
    pub fn new(red_within_days: i64, amber_within_days: i64) -> Result<Self, CalendarError> {
        for days in [red_within_days, amber_within_days] {
            if !(0..=MAX_WINDOW_DAYS).contains(&days) {
                return Err(CalendarError::ThresholdOutOfRange { days });
            }
        }
        if amber_within_days < red_within_days {
            return Err(CalendarError::ThresholdsOutOfOrder {
                red: red_within_days,
                amber: amber_within_days,
            });
        }
        Ok(RagThresholds {
            red_within_days,
            amber_within_days,
        })
    }

    /// Due within this many days (or past) is RED.
    pub fn red_within_days(&self) -> i64 {
        self.red_within_days
    }

    /// Due within this many days (and not RED) is AMBER.
    pub fn amber_within_days(&self) -> i64 {
        self.amber_within_days
    }

    /// The status of an event `days_remaining` days away. "Within n days"
    /// includes the n-th day; a date already past is RED, because a missed
    /// date is at least as pressing as a near one.
    pub fn rag(&self, days_remaining: i64) -> Rag {
        if days_remaining <= self.red_within_days {
            Rag::Red
        } else if days_remaining <= self.amber_within_days {
            Rag::Amber
        } else {
            Rag::Green
        }
    }
}

/// Days from `as_of` to `date`: 0 on the day, negative once past.
pub fn days_remaining(as_of: NaiveDate, date: NaiveDate) -> i64 {
    (date - as_of).num_days()
}

/// What happens on an event's date. The declaration order is the order of
/// events falling on the same day: a decision comes before the ends it
/// would move.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EventKind {
    /// The last day to exercise or decline an extension option that is
    /// still available.
    ExtensionDecisionDue,
    /// The last day of a contract's initial term.
    InitialTermEnds,
    /// The contract's current end date: the last day of service if no
    /// further option is exercised.
    ContractExpires,
    /// An Equality Impact Assessment falls due for review.
    EqualityImpactAssessmentReview,
    /// A grant round closes for applications.
    GrantRoundCloses,
}

impl EventKind {
    /// Every kind, in order.
    pub const ALL: [EventKind; 5] = [
        EventKind::ExtensionDecisionDue,
        EventKind::InitialTermEnds,
        EventKind::ContractExpires,
        EventKind::EqualityImpactAssessmentReview,
        EventKind::GrantRoundCloses,
    ];

    /// The kind's name where it is written out (the GraphQL enum, feed URLs).
    pub fn code(self) -> &'static str {
        match self {
            EventKind::ExtensionDecisionDue => "EXTENSION_DECISION_DUE",
            EventKind::InitialTermEnds => "INITIAL_TERM_ENDS",
            EventKind::ContractExpires => "CONTRACT_EXPIRES",
            EventKind::EqualityImpactAssessmentReview => "EQUALITY_IMPACT_ASSESSMENT_REVIEW",
            EventKind::GrantRoundCloses => "GRANT_ROUND_CLOSES",
        }
    }

    /// The kind named `code` (as [`EventKind::code`] writes it).
    pub fn from_code(code: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|kind| kind.code() == code)
    }
}

/// One dated event about a contract or grant round (`subject_id`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Event {
    /// What happens.
    pub kind: EventKind,
    /// On which day.
    pub date: NaiveDate,
    /// The contract's or round's row id.
    pub subject_id: i64,
    /// For a decision, the option's sequence number.
    pub option_sequence: Option<u32>,
}

impl Event {
    /// Days from `as_of` to the event.
    pub fn days_remaining(&self, as_of: NaiveDate) -> i64 {
        days_remaining(as_of, self.date)
    }
}

/// What a contract records that the calendar reads.
#[derive(Clone, Copy, Debug)]
pub struct ContractDates<'a> {
    /// The contract's row id.
    pub id: i64,
    /// Its start and initial term.
    pub term: ContractTerm,
    /// Its extension options, as recorded.
    pub options: &'a [TermOption],
    /// When its Equality Impact Assessment is next due for review, if set.
    pub eia_review: Option<NaiveDate>,
}

/// The contract's events in `window`, as of `as_of`. A decision is due only
/// for an option still available on `as_of` (not exercised, declined or
/// lapsed), so decision dates are never in the past.
pub fn contract_events(
    contract: &ContractDates<'_>,
    as_of: NaiveDate,
    window: Window,
) -> Vec<Event> {
    let event = |kind, date, option_sequence| Event {
        kind,
        date,
        subject_id: contract.id,
        option_sequence,
    };
    let mut events: Vec<Event> = contract
        .options
        .iter()
        .filter(|o| effective_state(o.state, o.decide_by, as_of) == OptionState::Available)
        .map(|o| {
            event(
                EventKind::ExtensionDecisionDue,
                o.decide_by,
                Some(o.sequence),
            )
        })
        .collect();
    events.push(event(
        EventKind::InitialTermEnds,
        contract.term.initial_end(),
        None,
    ));
    events.push(event(
        EventKind::ContractExpires,
        contract.term.current_end(contract.options, as_of),
        None,
    ));
    if let Some(review) = contract.eia_review {
        events.push(event(
            EventKind::EqualityImpactAssessmentReview,
            review,
            None,
        ));
    }
    events.retain(|e| window.contains(e.date));
    events
}

/// A grant round's closing event, when it closes inside `window`.
pub fn round_event(round_id: i64, closes_on: Option<NaiveDate>, window: Window) -> Option<Event> {
    let date = closes_on.filter(|d| window.contains(*d))?;
    Some(Event {
        kind: EventKind::GrantRoundCloses,
        date,
        subject_id: round_id,
        option_sequence: None,
    })
}

/// Sorts events by date, then kind, then subject and option: a total order,
/// so the calendar reads the same on every request and every backend.
pub fn sort_events(events: &mut [Event]) {
    events.sort_by_key(|e| (e.date, e.kind, e.subject_id, e.option_sequence));
}

/// The facts a summary line needs beyond the event itself.
#[derive(Clone, Copy, Debug)]
pub struct SummaryFacts<'a> {
    /// The contract reference, or the programme and round name.
    pub subject: &'a str,
    /// For a decision, the option's length in months.
    pub option_months: Option<u32>,
    /// For a contract, its current end date as of the calendar's day.
    pub current_end: Option<NaiveDate>,
    /// For a contract, its maximum end date as of the calendar's day.
    pub maximum_end: Option<NaiveDate>,
}

/// One plain-English line describing `event`, for people scanning a list.
pub fn summary(event: &Event, facts: &SummaryFacts<'_>) -> String {
    let SummaryFacts {
        subject,
        option_months,
        current_end,
        maximum_end,
    } = *facts;
    let date = event.date;
    match event.kind {
        EventKind::ExtensionDecisionDue => {
            let option = match (event.option_sequence, option_months) {
                (Some(n), Some(m)) => format!("extension option {n} ({m} months)"),
                (Some(n), None) => format!("extension option {n}"),
                _ => "an extension option".to_owned(),
            };
            let otherwise = match current_end {
                Some(end) => format!("; if it is not exercised the contract ends on {end}"),
                None => String::new(),
            };
            format!("{subject}: decide by {date} whether to exercise {option}{otherwise}")
        }
        EventKind::InitialTermEnds => format!("{subject}: the initial term ends on {date}"),
        EventKind::ContractExpires => match maximum_end {
            Some(max) if max > date => {
                format!("{subject}: the contract ends on {date} unless extended (at most to {max})")
            }
            _ => format!("{subject}: the contract ends on {date}; no extension remains"),
        },
        EventKind::EqualityImpactAssessmentReview => {
            format!("{subject}: the Equality Impact Assessment is due for review on {date}")
        }
        EventKind::GrantRoundCloses => format!("{subject}: applications close on {date}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// The demo SARC contract: 48 months from 2023-04-01, one 36-month
    /// option to decide by 2026-12-31, EIA review 2027-01-31.
    fn sarc_options(state: OptionState) -> Vec<TermOption> {
        vec![TermOption {
            sequence: 1,
            length_months: 36,
            decide_by: d(2026, 12, 31),
            state,
        }]
    }

    fn sarc(options: &[TermOption]) -> ContractDates<'_> {
        ContractDates {
            id: 1,
            term: ContractTerm {
                start: d(2023, 4, 1),
                initial_term_months: 48,
            },
            options,
            eia_review: Some(d(2027, 1, 31)),
        }
    }

    fn kinds_and_dates(events: &[Event]) -> Vec<(EventKind, NaiveDate)> {
        events.iter().map(|e| (e.kind, e.date)).collect()
    }

    #[test]
    fn window_rules() {
        let w = Window::between(d(2026, 1, 1), d(2026, 1, 1)).unwrap();
        assert!(w.contains(d(2026, 1, 1)) && !w.contains(d(2026, 1, 2)));
        let err = Window::between(d(2026, 2, 1), d(2026, 1, 31)).unwrap_err();
        assert_eq!(err.code(), "CALENDAR_WINDOW_REVERSED");
        assert_eq!(
            err.to_string(),
            "2026-01-31 is before the start of the window, 2026-02-01"
        );
        assert!(Window::between(d(2020, 1, 1), d(2030, 1, 8)).is_ok());
        assert_eq!(
            Window::between(d(2020, 1, 1), d(2030, 1, 9)).unwrap_err(),
            CalendarError::WindowTooLong { days: 3661 }
        );
        // 183 days from 2026-11-23: 38 to the end of December, then 31 + 28
        // + 31 + 30 to the end of April, then 25 days of May.
        let six_months = Window::within_days(d(2026, 11, 23), 183).unwrap();
        assert_eq!(
            (six_months.from(), six_months.to()),
            (d(2026, 11, 23), d(2027, 5, 25))
        );
        for bad in [-1, 3661] {
            assert_eq!(
                Window::within_days(d(2026, 1, 1), bad).unwrap_err().code(),
                "CALENDAR_WITHIN_DAYS_OUT_OF_RANGE"
            );
        }
        assert_eq!(
            Window::within_days(NaiveDate::MAX, 1).unwrap_err(),
            CalendarError::DateOutOfRange
        );
    }

    #[test]
    fn rag_boundaries_are_inclusive_and_past_is_red() {
        let t = RagThresholds::default();
        assert_eq!((t.red_within_days(), t.amber_within_days()), (60, 120));
        let cases = [
            (-30, Rag::Red),
            (0, Rag::Red),
            (60, Rag::Red),
            (61, Rag::Amber),
            (120, Rag::Amber),
            (121, Rag::Green),
        ];
        for (days, rag) in cases {
            assert_eq!(t.rag(days), rag, "{days} days");
        }
        let tight = RagThresholds::new(0, 0).unwrap();
        assert_eq!((tight.rag(0), tight.rag(1)), (Rag::Red, Rag::Green));
    }

    #[test]
    fn thresholds_are_checked() {
        assert_eq!(
            RagThresholds::new(90, 30).unwrap_err(),
            CalendarError::ThresholdsOutOfOrder { red: 90, amber: 30 }
        );
        for (red, amber) in [(-1, 10), (10, 3661)] {
            assert_eq!(
                RagThresholds::new(red, amber).unwrap_err().code(),
                "CALENDAR_THRESHOLD_OUT_OF_RANGE"
            );
        }
        assert!(RagThresholds::new(30, 30).is_ok());
    }

    #[test]
    fn days_remaining_counts_calendar_days() {
        assert_eq!(days_remaining(d(2026, 11, 23), d(2026, 12, 31)), 38);
        assert_eq!(days_remaining(d(2026, 11, 23), d(2026, 11, 23)), 0);
        assert_eq!(days_remaining(d(2023, 6, 1), d(2023, 5, 31)), -1);
        // Across a leap day.
        assert_eq!(days_remaining(d(2028, 2, 28), d(2028, 3, 1)), 2);
    }

    #[test]
    fn sarc_six_months_from_2026_11_23() {
        let options = sarc_options(OptionState::Available);
        let as_of = d(2026, 11, 23);
        let window = Window::within_days(as_of, 183).unwrap();
        let events = contract_events(&sarc(&options), as_of, window);
        assert_eq!(
            kinds_and_dates(&events),
            vec![
                (EventKind::ExtensionDecisionDue, d(2026, 12, 31)),
                (EventKind::InitialTermEnds, d(2027, 3, 31)),
                (EventKind::ContractExpires, d(2027, 3, 31)),
                (EventKind::EqualityImpactAssessmentReview, d(2027, 1, 31)),
            ]
        );
        assert_eq!(events[0].option_sequence, Some(1));
        assert_eq!(events[0].days_remaining(as_of), 38);
    }

    #[test]
    fn a_lapsed_or_decided_option_has_no_decision_event() {
        let window = Window::between(d(2026, 1, 1), d(2027, 12, 31)).unwrap();
        let available = sarc_options(OptionState::Available);
        // The day after the decide-by date the option has lapsed.
        let after = contract_events(&sarc(&available), d(2027, 1, 1), window);
        assert!(after
            .iter()
            .all(|e| e.kind != EventKind::ExtensionDecisionDue));
        // On the decide-by day itself it is still due.
        let on = contract_events(&sarc(&available), d(2026, 12, 31), window);
        assert_eq!(on[0].kind, EventKind::ExtensionDecisionDue);
        for state in [
            OptionState::Exercised,
            OptionState::Declined,
            OptionState::Lapsed,
        ] {
            let options = sarc_options(state);
            let events = contract_events(&sarc(&options), d(2026, 6, 1), window);
            assert!(
                events
                    .iter()
                    .all(|e| e.kind != EventKind::ExtensionDecisionDue),
                "{state}"
            );
        }
    }

    #[test]
    fn exercising_moves_the_expiry_out_of_the_window() {
        let exercised = sarc_options(OptionState::Exercised);
        let window = Window::between(d(2027, 1, 1), d(2027, 12, 31)).unwrap();
        let events = contract_events(&sarc(&exercised), d(2027, 1, 1), window);
        assert_eq!(
            kinds_and_dates(&events),
            vec![
                (EventKind::InitialTermEnds, d(2027, 3, 31)),
                (EventKind::EqualityImpactAssessmentReview, d(2027, 1, 31)),
            ]
        );
        let later = Window::between(d(2030, 1, 1), d(2030, 12, 31)).unwrap();
        let events = contract_events(&sarc(&exercised), d(2030, 1, 1), later);
        assert_eq!(
            kinds_and_dates(&events),
            vec![(EventKind::ContractExpires, d(2030, 3, 31))]
        );
    }

    #[test]
    fn rounds_close_inside_the_window_only() {
        let window = Window::between(d(2023, 1, 1), d(2023, 12, 31)).unwrap();
        let event = round_event(4, Some(d(2023, 6, 10)), window).unwrap();
        assert_eq!(
            (event.kind, event.subject_id),
            (EventKind::GrantRoundCloses, 4)
        );
        assert_eq!(round_event(4, Some(d(2024, 1, 1)), window), None);
        assert_eq!(round_event(1, None, window), None);
    }

    #[test]
    fn sorting_is_by_date_then_kind_then_subject() {
        let e = |kind, date, subject_id, option_sequence| Event {
            kind,
            date,
            subject_id,
            option_sequence,
        };
        let mut events = vec![
            e(EventKind::ContractExpires, d(2027, 3, 31), 3, None),
            e(EventKind::GrantRoundCloses, d(2027, 3, 31), 1, None),
            e(EventKind::ContractExpires, d(2027, 3, 31), 1, None),
            e(EventKind::ExtensionDecisionDue, d(2027, 3, 31), 5, Some(2)),
            e(EventKind::ExtensionDecisionDue, d(2027, 3, 31), 5, Some(1)),
            e(EventKind::InitialTermEnds, d(2027, 3, 31), 1, None),
            e(
                EventKind::EqualityImpactAssessmentReview,
                d(2027, 1, 31),
                9,
                None,
            ),
        ];
        sort_events(&mut events);
        let order: Vec<(EventKind, i64, Option<u32>)> = events
            .iter()
            .map(|e| (e.kind, e.subject_id, e.option_sequence))
            .collect();
        assert_eq!(
            order,
            vec![
                (EventKind::EqualityImpactAssessmentReview, 9, None),
                (EventKind::ExtensionDecisionDue, 5, Some(1)),
                (EventKind::ExtensionDecisionDue, 5, Some(2)),
                (EventKind::InitialTermEnds, 1, None),
                (EventKind::ContractExpires, 1, None),
                (EventKind::ContractExpires, 3, None),
                (EventKind::GrantRoundCloses, 1, None),
            ]
        );
    }

    #[test]
    fn summaries_say_what_happens_if_nothing_is_done() {
        let event = |kind, date, option_sequence| Event {
            kind,
            date,
            subject_id: 1,
            option_sequence,
        };
        let facts = SummaryFacts {
            subject: "WYCA-SARC-2023",
            option_months: Some(36),
            current_end: Some(d(2027, 3, 31)),
            maximum_end: Some(d(2030, 3, 31)),
        };
        let decision = event(EventKind::ExtensionDecisionDue, d(2026, 12, 31), Some(1));
        assert_eq!(
            summary(&decision, &facts),
            "WYCA-SARC-2023: decide by 2026-12-31 whether to exercise extension option 1 \
             (36 months); if it is not exercised the contract ends on 2027-03-31"
        );
        let expires = event(EventKind::ContractExpires, d(2027, 3, 31), None);
        assert_eq!(
            summary(&expires, &facts),
            "WYCA-SARC-2023: the contract ends on 2027-03-31 unless extended (at most to 2030-03-31)"
        );
        let final_end = SummaryFacts {
            maximum_end: Some(d(2027, 3, 31)),
            ..facts
        };
        assert_eq!(
            summary(&expires, &final_end),
            "WYCA-SARC-2023: the contract ends on 2027-03-31; no extension remains"
        );
        assert_eq!(
            summary(
                &event(EventKind::InitialTermEnds, d(2027, 3, 31), None),
                &facts
            ),
            "WYCA-SARC-2023: the initial term ends on 2027-03-31"
        );
        assert_eq!(
            summary(
                &event(
                    EventKind::EqualityImpactAssessmentReview,
                    d(2027, 1, 31),
                    None
                ),
                &facts
            ),
            "WYCA-SARC-2023: the Equality Impact Assessment is due for review on 2027-01-31"
        );
        let round = SummaryFacts {
            subject: "Mayor's Safer Communities Fund, Grant Round 4",
            option_months: None,
            current_end: None,
            maximum_end: None,
        };
        assert_eq!(
            summary(
                &event(EventKind::GrantRoundCloses, d(2023, 6, 10), None),
                &round
            ),
            "Mayor's Safer Communities Fund, Grant Round 4: applications close on 2023-06-10"
        );
    }

    #[test]
    fn kinds_are_named_by_their_codes() {
        for kind in EventKind::ALL {
            assert_eq!(EventKind::from_code(kind.code()), Some(kind));
        }
        assert_eq!(EventKind::from_code("extension_decision_due"), None);
        assert_eq!(EventKind::from_code(""), None);
    }

    #[test]
    fn a_window_is_asked_for_one_way_at_a_time() {
        let as_of = d(2026, 11, 23);
        let default = |as_of| Window::within_days(as_of, 1);
        let asked = |from, to, days| requested_window(as_of, from, to, days, default);
        assert_eq!(asked(None, None, None).unwrap().to(), d(2026, 11, 24));
        assert_eq!(asked(None, None, Some(7)).unwrap().to(), d(2026, 11, 30));
        let between = asked(Some(d(2026, 1, 1)), Some(d(2026, 2, 1)), None).unwrap();
        assert_eq!(
            (between.from(), between.to()),
            (d(2026, 1, 1), d(2026, 2, 1))
        );
        let conflict = asked(Some(as_of), Some(as_of), Some(1)).unwrap_err();
        assert_eq!(conflict.code(), "CALENDAR_WINDOW_CONFLICT");
        let incomplete = asked(Some(as_of), None, None).unwrap_err();
        assert_eq!(
            (
                incomplete.code(),
                incomplete.field(),
                incomplete.to_string().as_str()
            ),
            (
                "CALENDAR_WINDOW_INCOMPLETE",
                "to",
                "required when from is given"
            )
        );
        assert_eq!(asked(None, Some(as_of), None).unwrap_err().field(), "from");
    }
}
