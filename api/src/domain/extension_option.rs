//! Optional extensions to a contract's term and the rules for deciding them.
//!
//! Each option has a decide-by date: the commissioner must exercise or
//! decline it by then. The stored state only changes when someone records a
//! decision; an option left undecided past its deadline is *treated* as
//! lapsed by [`effective_state`], so no nightly job has to rewrite rows and
//! no row can be stale.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;

use super::plain_decimal::excerpt;

/// The recorded state of an extension option.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OptionState {
    /// Not yet decided.
    Available,
    /// Taken up: the term is extended.
    Exercised,
    /// Turned down by the commissioner.
    Declined,
    /// Left undecided past its decide-by date.
    Lapsed,
}

impl OptionState {
    /// Every state, for exhaustive iteration.
    pub const ALL: [OptionState; 4] = [
        OptionState::Available,
        OptionState::Exercised,
        OptionState::Declined,
        OptionState::Lapsed,
    ];

    /// The lower-case name stored in the database: "available", "exercised",
    /// "declined" or "lapsed".
    pub fn as_str(self) -> &'static str {
        match self {
            OptionState::Available => "available",
            OptionState::Exercised => "exercised",
            OptionState::Declined => "declined",
            OptionState::Lapsed => "lapsed",
        }
    }
}

impl fmt::Display for OptionState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for OptionState {
    type Err = ExtensionOptionError;

    /// Exactly one of the [`OptionState::as_str`] names; case matters, so a
    /// hand-edited row is caught rather than silently accepted.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        OptionState::ALL
            .into_iter()
            .find(|state| state.as_str() == s)
            .ok_or_else(|| ExtensionOptionError::UnknownState(excerpt(s)))
    }
}

/// Why a decision on an option was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ExtensionOptionError {
    /// The option has already been exercised.
    #[error("the option has already been exercised; a decision cannot be changed once recorded")]
    AlreadyExercised,
    /// Exercising an option that was declined.
    #[error("the option was declined and cannot now be exercised")]
    Declined,
    /// Declining an option that was already declined.
    #[error("the option has already been declined")]
    AlreadyDeclined,
    /// The option is recorded as lapsed.
    #[error("the option has lapsed; only an available option can be decided")]
    Lapsed,
    /// The decision comes after the decide-by date without an override.
    #[error(
        "the decide-by date {decide_by} has passed (decision dated {on}); \
         give an override reason to record a late decision"
    )]
    DeadlinePassed {
        /// The last day the decision was due.
        decide_by: NaiveDate,
        /// The date of the attempted decision.
        on: NaiveDate,
    },
    /// A stored state name that is not one of the known states.
    #[error(
        "unknown option state {0:?}; expected \"available\", \"exercised\", \
         \"declined\" or \"lapsed\""
    )]
    UnknownState(String),
}

impl ExtensionOptionError {
    /// A stable machine-readable code for API clients.
    pub fn code(&self) -> &'static str {
        match self {
            Self::AlreadyExercised => "OPTION_ALREADY_EXERCISED",
            Self::Declined => "OPTION_DECLINED",
            Self::AlreadyDeclined => "OPTION_ALREADY_DECLINED",
            Self::Lapsed => "OPTION_LAPSED",
            Self::DeadlinePassed { .. } => "OPTION_DEADLINE_PASSED",
            Self::UnknownState(_) => "OPTION_STATE_UNKNOWN",
        }
    }
}

/// The state to show and act on as of `as_of`: an Available option whose
/// decide-by date has passed (`as_of > decide_by`) is Lapsed; every other
/// state is final and returned unchanged. The decide-by day itself is still
/// in time.
pub fn effective_state(
    recorded: OptionState,
    decide_by: NaiveDate,
    as_of: NaiveDate,
) -> OptionState {
    match recorded {
        OptionState::Available if as_of > decide_by => OptionState::Lapsed,
        state => state,
    }
}

/// Whether an option may be exercised on `on`.
///
/// Only a recorded-Available option can be exercised (otherwise
/// `OPTION_ALREADY_EXERCISED`, `OPTION_DECLINED` or `OPTION_LAPSED`). After
/// the decide-by date it is refused with `OPTION_DEADLINE_PASSED` unless a
/// non-blank `override_reason` is given: late decisions do happen (a signed
/// letter recorded late, a deadline varied by agreement) and must be
/// recordable, but only with an explanation for the audit trail.
pub fn check_exercise(
    recorded: OptionState,
    decide_by: NaiveDate,
    on: NaiveDate,
    override_reason: Option<&str>,
) -> Result<(), ExtensionOptionError> {
    match recorded {
        OptionState::Available => check_deadline(decide_by, on, override_reason),
        OptionState::Exercised => Err(ExtensionOptionError::AlreadyExercised),
        OptionState::Declined => Err(ExtensionOptionError::Declined),
        OptionState::Lapsed => Err(ExtensionOptionError::Lapsed),
    }
}

/// Whether an option may be declined on `on`, under the same rules as
/// [`check_exercise`]: only a recorded-Available option
/// (`OPTION_ALREADY_EXERCISED`, `OPTION_ALREADY_DECLINED`, `OPTION_LAPSED`),
/// and after the decide-by date only with a non-blank override reason
/// (`OPTION_DEADLINE_PASSED`), so that the record shows whether the
/// commissioner decided in time or let the option lapse.
pub fn check_decline(
    recorded: OptionState,
    decide_by: NaiveDate,
    on: NaiveDate,
    override_reason: Option<&str>,
) -> Result<(), ExtensionOptionError> {
    match recorded {
        OptionState::Available => check_deadline(decide_by, on, override_reason),
        OptionState::Exercised => Err(ExtensionOptionError::AlreadyExercised),
        OptionState::Declined => Err(ExtensionOptionError::AlreadyDeclined),
        OptionState::Lapsed => Err(ExtensionOptionError::Lapsed),
    }
}

fn check_deadline(
    decide_by: NaiveDate,
    on: NaiveDate,
    override_reason: Option<&str>,
) -> Result<(), ExtensionOptionError> {
    // A reason of only spaces explains nothing, so it does not count.
    let has_reason = override_reason.is_some_and(|r| !r.trim().is_empty());
    if on > decide_by && !has_reason {
        return Err(ExtensionOptionError::DeadlinePassed { decide_by, on });
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

    fn decide_by() -> NaiveDate {
        d(2026, 9, 30)
    }

    #[test]
    fn state_names_round_trip() {
        for state in OptionState::ALL {
            assert_eq!(state.as_str().parse::<OptionState>(), Ok(state));
            assert_eq!(state.to_string(), state.as_str());
        }
        for bad in ["", "Available", "AVAILABLE", " available", "expired"] {
            let err = bad.parse::<OptionState>().unwrap_err();
            assert_eq!(err.code(), "OPTION_STATE_UNKNOWN", "{bad:?}");
        }
    }

    #[test]
    fn available_lapses_the_day_after_decide_by() {
        let s = OptionState::Available;
        assert_eq!(
            effective_state(s, decide_by(), d(2026, 9, 29)),
            OptionState::Available
        );
        assert_eq!(
            effective_state(s, decide_by(), decide_by()),
            OptionState::Available
        );
        assert_eq!(
            effective_state(s, decide_by(), d(2026, 10, 1)),
            OptionState::Lapsed
        );
    }

    #[test]
    fn decided_states_are_final() {
        for s in [
            OptionState::Exercised,
            OptionState::Declined,
            OptionState::Lapsed,
        ] {
            assert_eq!(effective_state(s, decide_by(), d(2020, 1, 1)), s);
            assert_eq!(effective_state(s, decide_by(), d(2030, 1, 1)), s);
        }
    }

    #[test]
    fn exercise_in_time() {
        assert_eq!(
            check_exercise(OptionState::Available, decide_by(), d(2026, 6, 1), None),
            Ok(())
        );
        assert_eq!(
            check_exercise(OptionState::Available, decide_by(), decide_by(), None),
            Ok(())
        );
    }

    #[test]
    fn exercise_only_when_available() {
        let on = d(2026, 6, 1);
        let code = |s| {
            check_exercise(s, decide_by(), on, Some("board decision"))
                .unwrap_err()
                .code()
        };
        assert_eq!(code(OptionState::Exercised), "OPTION_ALREADY_EXERCISED");
        assert_eq!(code(OptionState::Declined), "OPTION_DECLINED");
        assert_eq!(code(OptionState::Lapsed), "OPTION_LAPSED");
    }

    #[test]
    fn late_exercise_needs_a_real_reason() {
        let late = d(2026, 10, 1);
        let err = check_exercise(OptionState::Available, decide_by(), late, None).unwrap_err();
        assert_eq!(err.code(), "OPTION_DEADLINE_PASSED");
        assert_eq!(
            err.to_string(),
            "the decide-by date 2026-09-30 has passed (decision dated 2026-10-01); \
             give an override reason to record a late decision"
        );
        for blank in ["", "   ", "\t\n"] {
            let r = check_exercise(OptionState::Available, decide_by(), late, Some(blank));
            assert_eq!(r.unwrap_err().code(), "OPTION_DEADLINE_PASSED", "{blank:?}");
        }
        let reason = Some("extension letter signed 2026-09-28, recorded late");
        assert_eq!(
            check_exercise(OptionState::Available, decide_by(), late, reason),
            Ok(())
        );
    }

    #[test]
    fn decline_rules() {
        let on = d(2026, 6, 1);
        assert_eq!(
            check_decline(OptionState::Available, decide_by(), on, None),
            Ok(())
        );
        let code = |s| check_decline(s, decide_by(), on, None).unwrap_err().code();
        assert_eq!(code(OptionState::Exercised), "OPTION_ALREADY_EXERCISED");
        assert_eq!(code(OptionState::Declined), "OPTION_ALREADY_DECLINED");
        assert_eq!(code(OptionState::Lapsed), "OPTION_LAPSED");
        let late = d(2027, 1, 1);
        let r = check_decline(OptionState::Available, decide_by(), late, Some(" "));
        assert_eq!(r.unwrap_err().code(), "OPTION_DEADLINE_PASSED");
        assert_eq!(
            check_decline(OptionState::Available, decide_by(), late, Some("minuted")),
            Ok(())
        );
    }

    fn arb_state() -> impl Strategy<Value = OptionState> {
        prop::sample::select(OptionState::ALL.to_vec())
    }

    proptest! {
        #[test]
        fn only_effectively_available_options_can_be_decided_without_override(
            state in arb_state(), offset in -400i64..400, on_offset in -400i64..400,
        ) {
            let decide_by = d(2026, 9, 30) + chrono::Duration::days(offset);
            let on = d(2026, 9, 30) + chrono::Duration::days(on_offset);
            let available = effective_state(state, decide_by, on) == OptionState::Available;
            prop_assert_eq!(check_exercise(state, decide_by, on, None).is_ok(), available);
            prop_assert_eq!(check_decline(state, decide_by, on, None).is_ok(), available);
        }
    }
}
