//! A contract's term: its initial period and optional extensions.
//!
//! Terms are counted in whole months from the start date, and every end date
//! is inclusive (the last day services are provided), so a 4-year term
//! starting 2023-04-01 ends 2027-03-31 and a 3-year extension of it ends
//! 2030-03-31.

use std::collections::HashSet;

use chrono::{Months, NaiveDate};

use super::extension_option::{effective_state, OptionState};

/// The longest initial term or option accepted, in months (50 years).
pub const MAX_TERM_MONTHS: u32 = 600;

/// Why a term and its options were refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ContractTermError {
    /// Initial term outside 1..=[`MAX_TERM_MONTHS`].
    #[error("initial term of {months} months is out of range; it must be 1 to 600 months")]
    InitialTermOutOfRange {
        /// The length given.
        months: u32,
    },
    /// Option length outside 1..=[`MAX_TERM_MONTHS`].
    #[error(
        "option {sequence} of {months} months is out of range; an option must be 1 to 600 months"
    )]
    OptionLengthOutOfRange {
        /// The option's sequence number.
        sequence: u32,
        /// The length given.
        months: u32,
    },
    /// Two options share a sequence number.
    #[error(
        "option sequence number {sequence} is used more than once; sequence numbers must be unique"
    )]
    DuplicateSequence {
        /// The repeated sequence number.
        sequence: u32,
    },
    /// The decision would be due after the option had already started.
    #[error(
        "option {sequence} must be decided by {term_end}, the end of the term it extends, \
         but its decide-by date is {decide_by}"
    )]
    DecideByTooLate {
        /// The option's sequence number.
        sequence: u32,
        /// The decide-by date given.
        decide_by: NaiveDate,
        /// The last day of the term the option extends.
        term_end: NaiveDate,
    },
    /// An end date beyond the calendar chrono can represent.
    #[error("the term's end date is beyond the supported calendar")]
    DateOutOfRange,
}

impl ContractTermError {
    /// A stable machine-readable code for API clients.
    pub fn code(&self) -> &'static str {
        match self {
            Self::InitialTermOutOfRange { .. } => "TERM_INITIAL_LENGTH_OUT_OF_RANGE",
            Self::OptionLengthOutOfRange { .. } => "TERM_OPTION_LENGTH_OUT_OF_RANGE",
            Self::DuplicateSequence { .. } => "TERM_OPTION_SEQUENCE_DUPLICATE",
            Self::DecideByTooLate { .. } => "TERM_OPTION_DECIDE_BY_TOO_LATE",
            Self::DateOutOfRange => "TERM_DATE_OUT_OF_RANGE",
        }
    }
}

/// The end date of a term ending on `end_inclusive` extended by `months`.
///
/// Computed as (end + 1 day) + months − 1 day, so month lengths never drift:
/// 2027-03-31 + 36 months is 2030-03-31, and 2024-02-29 + 12 months is
/// 2025-02-28. Where the day after the end has no counterpart in the target
/// month (a term ending on the 30th of January), chrono clamps to the last
/// day of that month before the day is taken off.
///
/// # Panics
/// If the result is beyond chrono's calendar (around the year 262,000);
/// [`validate_term`] rejects such terms.
pub fn add_months_to_end(end_inclusive: NaiveDate, months: u32) -> NaiveDate {
    checked_add_months_to_end(end_inclusive, months).expect("end date within chrono's calendar")
}

fn checked_add_months_to_end(end_inclusive: NaiveDate, months: u32) -> Option<NaiveDate> {
    end_inclusive
        .succ_opt()?
        .checked_add_months(Months::new(months))?
        .pred_opt()
}

/// An extension option as recorded; `state` is the stored state, and the
/// methods of [`ContractTerm`] apply [`effective_state`] to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TermOption {
    /// Order in which options extend the term (1 for the first).
    pub sequence: u32,
    /// Length of the extension in months.
    pub length_months: u32,
    /// Last day on which the option may be exercised or declined.
    pub decide_by: NaiveDate,
    /// The recorded state.
    pub state: OptionState,
}

/// Where a contract is in its life on a given day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ContractStatus {
    /// Before the start date.
    NotStarted,
    /// Within the initial term.
    Active,
    /// After the initial end but within an exercised extension.
    InExtension,
    /// After the current end.
    Expired,
}

impl ContractStatus {
    /// The lower-case name used in the API: "not_started", "active",
    /// "in_extension" or "expired".
    pub fn as_str(self) -> &'static str {
        match self {
            ContractStatus::NotStarted => "not_started",
            ContractStatus::Active => "active",
            ContractStatus::InExtension => "in_extension",
            ContractStatus::Expired => "expired",
        }
    }
}

/// A contract's start and initial term. Its methods assume the term and
/// options have passed [`validate_term`], and may panic otherwise.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ContractTerm {
    /// First day of service.
    pub start: NaiveDate,
    /// Length of the initial term in months.
    pub initial_term_months: u32,
}

/// The day-independent end dates of a contract (see [`ContractTerm::end_dates`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EndDates {
    /// The last day of the initial term.
    pub initial: NaiveDate,
    /// The initial term extended by every exercised option.
    pub current: NaiveDate,
    /// The initial term extended by every option.
    pub contractual: NaiveDate,
}

impl ContractTerm {
    /// Last day of the initial term: start + months − 1 day.
    pub fn initial_end(&self) -> NaiveDate {
        let after = self
            .start
            .checked_add_months(Months::new(self.initial_term_months))
            .expect("validated term within chrono's calendar");
        after
            .pred_opt()
            .expect("a date after the start has a predecessor")
    }

    /// The end as things stand: the initial end extended by every option
    /// exercised as of `as_of`, in sequence order.
    pub fn current_end(&self, options: &[TermOption], as_of: NaiveDate) -> NaiveDate {
        self.extended_end(options, |o| {
            effective_state(o.state, o.decide_by, as_of) == OptionState::Exercised
        })
    }

    /// The latest end the contract can still reach as of `as_of`: the
    /// initial end extended by every option that is exercised or still
    /// available (not declined, and not lapsed by its decide-by date
    /// passing). Declining or missing a deadline pulls this date in.
    pub fn maximum_end(&self, options: &[TermOption], as_of: NaiveDate) -> NaiveDate {
        self.extended_end(options, |o| {
            matches!(
                effective_state(o.state, o.decide_by, as_of),
                OptionState::Exercised | OptionState::Available
            )
        })
    }

    /// The end if every option in the contract were exercised, whatever has
    /// happened since: the maximum the contract was let for.
    pub fn contractual_maximum_end(&self, options: &[TermOption]) -> NaiveDate {
        self.extended_end(options, |_| true)
    }

    /// The earliest decide-by date among options still available as of
    /// `as_of` (decide-by on or after `as_of`), if any.
    pub fn next_decision_date(
        &self,
        options: &[TermOption],
        as_of: NaiveDate,
    ) -> Option<NaiveDate> {
        options
            .iter()
            .filter(|o| effective_state(o.state, o.decide_by, as_of) == OptionState::Available)
            .map(|o| o.decide_by)
            .min()
    }

    /// The end dates stored with a contract so that lists can filter and sort
    /// by them in SQL. None depends on the day: exercising is recorded, and
    /// only lapsing (which never moves these dates) follows from the calendar.
    pub fn end_dates(&self, options: &[TermOption]) -> EndDates {
        EndDates {
            initial: self.initial_end(),
            current: self.extended_end(options, |o| o.state == OptionState::Exercised),
            contractual: self.contractual_maximum_end(options),
        }
    }

    /// Where the contract is on `as_of`.
    pub fn status(&self, options: &[TermOption], as_of: NaiveDate) -> ContractStatus {
        if as_of < self.start {
            ContractStatus::NotStarted
        } else if as_of <= self.initial_end() {
            ContractStatus::Active
        } else if as_of <= self.current_end(options, as_of) {
            ContractStatus::InExtension
        } else {
            ContractStatus::Expired
        }
    }

    fn extended_end(
        &self,
        options: &[TermOption],
        include: impl Fn(&TermOption) -> bool,
    ) -> NaiveDate {
        // Order matters only when month-end clamping applies, but then the
        // sequence the contract lays down is the one to follow.
        let mut chosen: Vec<&TermOption> = options.iter().filter(|o| include(o)).collect();
        chosen.sort_by_key(|o| o.sequence);
        chosen.into_iter().fold(self.initial_end(), |end, o| {
            add_months_to_end(end, o.length_months)
        })
    }
}

/// Checks a term and its options, returning the first problem found.
///
/// Rules: the initial term and each option are 1 to [`MAX_TERM_MONTHS`]
/// months; sequence numbers are unique; each option's decide-by date is on
/// or before the last day of the term it extends (the initial term plus all
/// earlier options), because the decision must be taken before the option
/// would start; and every end date exists in the calendar.
pub fn validate_term(
    start: NaiveDate,
    initial_term_months: u32,
    options: &[TermOption],
) -> Result<(), ContractTermError> {
    if !(1..=MAX_TERM_MONTHS).contains(&initial_term_months) {
        return Err(ContractTermError::InitialTermOutOfRange {
            months: initial_term_months,
        });
    }
    let mut seen = HashSet::with_capacity(options.len());
    for o in options {
        if !(1..=MAX_TERM_MONTHS).contains(&o.length_months) {
            return Err(ContractTermError::OptionLengthOutOfRange {
                sequence: o.sequence,
                months: o.length_months,
            });
        }
        if !seen.insert(o.sequence) {
            return Err(ContractTermError::DuplicateSequence {
                sequence: o.sequence,
            });
        }
    }
    let initial_end = start
        .checked_add_months(Months::new(initial_term_months))
        .and_then(|d| d.pred_opt())
        .ok_or(ContractTermError::DateOutOfRange)?;
    let mut sorted: Vec<&TermOption> = options.iter().collect();
    sorted.sort_by_key(|o| o.sequence);
    let mut term_end = initial_end;
    for o in sorted {
        if o.decide_by > term_end {
            return Err(ContractTermError::DecideByTooLate {
                sequence: o.sequence,
                decide_by: o.decide_by,
                term_end,
            });
        }
        term_end = checked_add_months_to_end(term_end, o.length_months)
            .ok_or(ContractTermError::DateOutOfRange)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn option(
        sequence: u32,
        length_months: u32,
        decide_by: NaiveDate,
        state: OptionState,
    ) -> TermOption {
        TermOption {
            sequence,
            length_months,
            decide_by,
            state,
        }
    }

    /// The SARC contract: 4 years from 2023-04-01 plus one 3-year option.
    fn sarc(state: OptionState) -> (ContractTerm, Vec<TermOption>) {
        let term = ContractTerm {
            start: d(2023, 4, 1),
            initial_term_months: 48,
        };
        (term, vec![option(1, 36, d(2026, 9, 30), state)])
    }

    #[test]
    fn add_months_to_end_keeps_month_ends() {
        assert_eq!(add_months_to_end(d(2027, 3, 31), 36), d(2030, 3, 31));
        assert_eq!(add_months_to_end(d(2024, 2, 29), 12), d(2025, 2, 28));
        assert_eq!(add_months_to_end(d(2023, 2, 28), 12), d(2024, 2, 29));
        assert_eq!(add_months_to_end(d(2023, 6, 30), 1), d(2023, 7, 31));
        assert_eq!(add_months_to_end(d(2023, 6, 14), 1), d(2023, 7, 14));
        assert_eq!(add_months_to_end(d(2023, 6, 14), 0), d(2023, 6, 14));
    }

    #[test]
    fn sarc_term_dates() {
        let (term, opts) = sarc(OptionState::Available);
        assert_eq!(
            validate_term(term.start, term.initial_term_months, &opts),
            Ok(())
        );
        assert_eq!(term.initial_end(), d(2027, 3, 31));
        let today = d(2025, 6, 1);
        assert_eq!(term.current_end(&opts, today), d(2027, 3, 31));
        assert_eq!(term.maximum_end(&opts, today), d(2030, 3, 31));
        assert_eq!(term.contractual_maximum_end(&opts), d(2030, 3, 31));
        assert_eq!(term.next_decision_date(&opts, today), Some(d(2026, 9, 30)));

        let (term, exercised) = sarc(OptionState::Exercised);
        assert_eq!(term.current_end(&exercised, today), d(2030, 3, 31));
        assert_eq!(term.maximum_end(&exercised, today), d(2030, 3, 31));
        assert_eq!(term.next_decision_date(&exercised, today), None);
    }

    #[test]
    fn stored_end_dates_follow_recorded_exercises_only() {
        let (term, available) = sarc(OptionState::Available);
        let expected = EndDates {
            initial: d(2027, 3, 31),
            current: d(2027, 3, 31),
            contractual: d(2030, 3, 31),
        };
        assert_eq!(term.end_dates(&available), expected);
        let (term, exercised) = sarc(OptionState::Exercised);
        assert_eq!(
            term.end_dates(&exercised),
            EndDates {
                current: d(2030, 3, 31),
                ..expected
            }
        );
        let (term, declined) = sarc(OptionState::Declined);
        assert_eq!(term.end_dates(&declined), expected);
    }

    #[test]
    fn sarc_option_lapses_or_is_declined() {
        let (term, opts) = sarc(OptionState::Available);
        let after_deadline = d(2026, 10, 1);
        assert_eq!(term.maximum_end(&opts, d(2026, 9, 30)), d(2030, 3, 31));
        assert_eq!(term.maximum_end(&opts, after_deadline), d(2027, 3, 31));
        assert_eq!(term.next_decision_date(&opts, after_deadline), None);
        assert_eq!(term.contractual_maximum_end(&opts), d(2030, 3, 31));

        let (term, declined) = sarc(OptionState::Declined);
        assert_eq!(term.maximum_end(&declined, d(2025, 1, 1)), d(2027, 3, 31));
        assert_eq!(term.current_end(&declined, d(2025, 1, 1)), d(2027, 3, 31));
    }

    #[test]
    fn sarc_status_over_time() {
        let (term, avail) = sarc(OptionState::Available);
        let (_, exercised) = sarc(OptionState::Exercised);
        assert_eq!(
            term.status(&avail, d(2023, 3, 31)),
            ContractStatus::NotStarted
        );
        assert_eq!(term.status(&avail, d(2023, 4, 1)), ContractStatus::Active);
        assert_eq!(term.status(&avail, d(2027, 3, 31)), ContractStatus::Active);
        assert_eq!(term.status(&avail, d(2027, 4, 1)), ContractStatus::Expired);
        assert_eq!(
            term.status(&exercised, d(2027, 4, 1)),
            ContractStatus::InExtension
        );
        assert_eq!(
            term.status(&exercised, d(2030, 3, 31)),
            ContractStatus::InExtension
        );
        assert_eq!(
            term.status(&exercised, d(2030, 4, 1)),
            ContractStatus::Expired
        );
        assert_eq!(ContractStatus::InExtension.as_str(), "in_extension");
    }

    #[test]
    fn options_apply_in_sequence_order() {
        // A "2+1+1" contract listed out of order, second option still open.
        let term = ContractTerm {
            start: d(2022, 4, 1),
            initial_term_months: 24,
        };
        let opts = vec![
            option(2, 12, d(2024, 12, 31), OptionState::Available),
            option(1, 12, d(2023, 12, 31), OptionState::Exercised),
        ];
        assert_eq!(validate_term(term.start, 24, &opts), Ok(()));
        let as_of = d(2024, 6, 1);
        assert_eq!(term.initial_end(), d(2024, 3, 31));
        assert_eq!(term.current_end(&opts, as_of), d(2025, 3, 31));
        assert_eq!(term.maximum_end(&opts, as_of), d(2026, 3, 31));
        assert_eq!(term.next_decision_date(&opts, as_of), Some(d(2024, 12, 31)));
        assert_eq!(term.status(&opts, as_of), ContractStatus::InExtension);
    }

    #[test]
    fn validate_term_rules() {
        let start = d(2023, 4, 1);
        let ok = option(1, 36, d(2027, 3, 31), OptionState::Available);
        let code =
            |months, opts: &[TermOption]| validate_term(start, months, opts).unwrap_err().code();
        assert_eq!(
            validate_term(start, 48, &[ok]),
            Ok(()),
            "decide-by on the last day is fine"
        );
        assert_eq!(code(0, &[]), "TERM_INITIAL_LENGTH_OUT_OF_RANGE");
        assert_eq!(code(601, &[]), "TERM_INITIAL_LENGTH_OUT_OF_RANGE");
        assert_eq!(validate_term(start, 600, &[]), Ok(()));
        assert_eq!(
            code(
                48,
                &[TermOption {
                    length_months: 0,
                    ..ok
                }]
            ),
            "TERM_OPTION_LENGTH_OUT_OF_RANGE"
        );
        assert_eq!(
            code(
                48,
                &[TermOption {
                    length_months: 601,
                    ..ok
                }]
            ),
            "TERM_OPTION_LENGTH_OUT_OF_RANGE"
        );
        assert_eq!(code(48, &[ok, ok]), "TERM_OPTION_SEQUENCE_DUPLICATE");
        let late = TermOption {
            decide_by: d(2027, 4, 1),
            ..ok
        };
        assert_eq!(code(48, &[late]), "TERM_OPTION_DECIDE_BY_TOO_LATE");
        assert_eq!(
            validate_term(start, 48, &[late]).unwrap_err().to_string(),
            "option 1 must be decided by 2027-03-31, the end of the term it extends, \
             but its decide-by date is 2027-04-01"
        );
        // The second option may be decided up to the end of the first.
        let second = option(2, 12, d(2030, 3, 31), OptionState::Available);
        assert_eq!(validate_term(start, 48, &[second, ok]), Ok(()));
        let too_late = TermOption {
            decide_by: d(2030, 4, 1),
            ..second
        };
        assert_eq!(code(48, &[ok, too_late]), "TERM_OPTION_DECIDE_BY_TOO_LATE");
        let far = NaiveDate::MAX - chrono::Duration::days(10);
        assert_eq!(
            validate_term(far, 1, &[]).unwrap_err().code(),
            "TERM_DATE_OUT_OF_RANGE"
        );
    }

    fn arb_month_end() -> impl Strategy<Value = NaiveDate> {
        (1900i32..2200, 1u32..=12).prop_map(|(y, m)| {
            let first_of_next = if m == 12 {
                d(y + 1, 1, 1)
            } else {
                d(y, m + 1, 1)
            };
            first_of_next.pred_opt().unwrap()
        })
    }

    fn arb_state() -> impl Strategy<Value = OptionState> {
        prop::sample::select(OptionState::ALL.to_vec())
    }

    proptest! {
        #[test]
        fn extending_month_ends_is_additive(end in arb_month_end(), a in 0u32..600, b in 0u32..600) {
            prop_assert_eq!(
                add_months_to_end(add_months_to_end(end, a), b),
                add_months_to_end(end, a + b)
            );
        }

        #[test]
        fn ends_are_ordered(
            start_days in 0i64..40_000,
            months in 1u32..=120,
            specs in prop::collection::vec((1u32..=60, arb_state(), -400i64..0), 0..4),
            as_of_days in 0i64..50_000,
        ) {
            let start = d(1950, 1, 1) + chrono::Duration::days(start_days);
            let term = ContractTerm { start, initial_term_months: months };
            let opts: Vec<TermOption> = specs
                .iter()
                .enumerate()
                .map(|(i, &(len, state, before))| {
                    let decide_by = term.initial_end() + chrono::Duration::days(before);
                    option(i as u32 + 1, len, decide_by, state)
                })
                .collect();
            prop_assert_eq!(validate_term(start, months, &opts), Ok(()));
            let as_of = d(1950, 1, 1) + chrono::Duration::days(as_of_days);
            let initial = term.initial_end();
            let current = term.current_end(&opts, as_of);
            let maximum = term.maximum_end(&opts, as_of);
            prop_assert!(start <= initial);
            prop_assert!(initial <= current && current <= maximum);
            prop_assert!(maximum <= term.contractual_maximum_end(&opts));
            if let Some(next) = term.next_decision_date(&opts, as_of) {
                prop_assert!(next >= as_of);
            }
            let status = term.status(&opts, as_of);
            prop_assert_eq!(status == ContractStatus::Expired, as_of > current);
        }
    }
}
