//! A grant round's pot: the awards made from it never total more than it.

use super::money::format_pounds;

/// Why an award was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum GrantPotError {
    /// The award would take the round's awards over its pot.
    #[error(
        "this award of {} would bring the round's awards to {}, over its pot of {}; {} remains",
        format_pounds(*award), format_pounds(already + award), format_pounds(*pot),
        format_pounds((pot - already).max(0))
    )]
    ExceedsPot {
        /// The pot, in pence.
        pot: i64,
        /// Awards already made from it, in pence.
        already: i64,
        /// The award refused, in pence.
        award: i64,
    },
}

impl GrantPotError {
    /// A stable machine-readable code for API clients.
    pub fn code(&self) -> &'static str {
        match self {
            Self::ExceedsPot { .. } => "AWARDS_EXCEED_POT",
        }
    }
}

/// Checks that awarding `award` pence from a round whose awards so far total
/// `already` keeps the total within `pot` (a round with no recorded pot has
/// no limit). An award that exactly exhausts the pot is allowed. Amounts are
/// validated money (0 to `MAX_PENCE`), so the sum cannot overflow.
pub fn check_award_within_pot(
    pot: Option<i64>,
    already: i64,
    award: i64,
) -> Result<(), GrantPotError> {
    match pot {
        Some(pot) if already + award > pot => Err(GrantPotError::ExceedsPot {
            pot,
            already,
            award,
        }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Grant Round 4: a £350k pot, with £7,280 + £7,424 + £6,000 awarded.
    const POT: i64 = 35_000_000;
    const AWARDED: i64 = 728_000 + 742_400 + 600_000;

    #[test]
    fn awards_up_to_the_pot_are_allowed() {
        assert_eq!(
            check_award_within_pot(Some(POT), AWARDED, POT - AWARDED),
            Ok(())
        );
        assert_eq!(check_award_within_pot(Some(POT), AWARDED, 0), Ok(()));
        assert_eq!(check_award_within_pot(None, AWARDED, i64::MAX / 4), Ok(()));
    }

    #[test]
    fn one_penny_over_is_refused_with_the_remainder() {
        let err = check_award_within_pot(Some(POT), AWARDED, POT - AWARDED + 1).unwrap_err();
        assert_eq!(err.code(), "AWARDS_EXCEED_POT");
        assert_eq!(
            err.to_string(),
            "this award of £329,296.01 would bring the round's awards to £350,000.01, \
             over its pot of £350,000.00; £329,296.00 remains"
        );
    }

    #[test]
    fn an_overspent_round_shows_nothing_remaining() {
        let err = check_award_within_pot(Some(100), 150, 1).unwrap_err();
        assert!(err.to_string().ends_with("£0.00 remains"), "{err}");
    }
}
