//! Changing a contract's term: options are added at the end of the sequence
//! and exercised in order.
//!
//! An option extends the term from the end of the one before it, so
//! exercising option 2 while option 1 is undecided or declined would extend a
//! term that ends before option 2 begins, and the current end would jump
//! past the end the contract can actually reach. Requiring every earlier
//! option to be exercised first keeps the current end within the maximum end.

use super::contract_term::TermOption;
use super::extension_option::OptionState;

/// Why a change to a term was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TermChangeError {
    /// An earlier option has not been exercised.
    #[error(
        "option {sequence} cannot be exercised before option {earlier}, which is {state}; \
         options extend the term in sequence"
    )]
    OutOfSequence {
        /// The option to be exercised.
        sequence: u32,
        /// The first earlier option not exercised.
        earlier: u32,
        /// That option's recorded state.
        state: OptionState,
    },
}

impl TermChangeError {
    /// A stable machine-readable code for API clients.
    pub fn code(&self) -> &'static str {
        match self {
            Self::OutOfSequence { .. } => "OPTION_OUT_OF_SEQUENCE",
        }
    }
}

/// The sequence number of an option added after `options`: one more than
/// the largest, or 1 for the first.
pub fn next_sequence(options: &[TermOption]) -> u32 {
    options.iter().map(|o| o.sequence).max().unwrap_or(0) + 1
}

/// Checks that every option before `sequence` is recorded as exercised.
pub fn check_exercise_in_sequence(
    options: &[TermOption],
    sequence: u32,
) -> Result<(), TermChangeError> {
    let mut earlier: Vec<&TermOption> = options.iter().filter(|o| o.sequence < sequence).collect();
    earlier.sort_by_key(|o| o.sequence);
    match earlier
        .into_iter()
        .find(|o| o.state != OptionState::Exercised)
    {
        Some(o) => Err(TermChangeError::OutOfSequence {
            sequence,
            earlier: o.sequence,
            state: o.state,
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn option(sequence: u32, state: OptionState) -> TermOption {
        TermOption {
            sequence,
            length_months: 12,
            decide_by: NaiveDate::from_ymd_opt(2025, 12, 31).unwrap(),
            state,
        }
    }

    #[test]
    fn next_sequence_follows_the_largest() {
        assert_eq!(next_sequence(&[]), 1);
        assert_eq!(
            next_sequence(&[
                option(2, OptionState::Available),
                option(1, OptionState::Exercised)
            ]),
            3
        );
    }

    #[test]
    fn options_are_exercised_in_order() {
        let opts = [
            option(2, OptionState::Available),
            option(1, OptionState::Exercised),
        ];
        assert_eq!(check_exercise_in_sequence(&opts, 1), Ok(()));
        assert_eq!(check_exercise_in_sequence(&opts, 2), Ok(()));
        let opts = [
            option(1, OptionState::Declined),
            option(2, OptionState::Available),
        ];
        let err = check_exercise_in_sequence(&opts, 2).unwrap_err();
        assert_eq!(err.code(), "OPTION_OUT_OF_SEQUENCE");
        assert_eq!(
            err.to_string(),
            "option 2 cannot be exercised before option 1, which is declined; \
             options extend the term in sequence"
        );
    }
}
