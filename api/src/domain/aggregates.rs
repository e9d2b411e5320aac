//! Rules for figures derived from many records: how exactly a sum is known,
//! and ratios (budget utilisation, oversubscription, success rates, cost per
//! outcome) with one stated rounding rule.
//!
//! Ratios are computed in integers from the stored units (pence, counts,
//! observed values × 10^4) so that no float touches them, and rounded half
//! away from zero: 2.428571… becomes 2.43, 76.665 becomes 76.67, as people
//! round by hand.

use rust_decimal::Decimal;

/// How exactly a figure is known: the stored qualifier of a reported figure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bound {
    /// Known exactly.
    Exact,
    /// Roughly this figure.
    Approximate,
    /// This figure or more ("just over").
    AtLeast,
    /// This figure or less ("just under", "nearly").
    AtMost,
}

/// How many figures of each non-exact kind went into a sum (the rest were exact).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BoundCounts {
    /// Figures known only roughly.
    pub approximate: u64,
    /// Lower bounds.
    pub at_least: u64,
    /// Upper bounds.
    pub at_most: u64,
}

/// How exactly a sum of figures is known.
///
/// A sum of exact figures is exact. Adding lower bounds to exact figures
/// gives a lower bound (`AtLeast`), and likewise for upper bounds; once a
/// rough figure, or bounds in both directions, are mixed in, the sum is only
/// `Approximate`.
pub fn sum_bound(counts: BoundCounts) -> Bound {
    match counts {
        BoundCounts { approximate, .. } if approximate > 0 => Bound::Approximate,
        BoundCounts {
            at_least, at_most, ..
        } if at_least > 0 && at_most > 0 => Bound::Approximate,
        BoundCounts { at_least, .. } if at_least > 0 => Bound::AtLeast,
        BoundCounts { at_most, .. } if at_most > 0 => Bound::AtMost,
        _ => Bound::Exact,
    }
}

/// A ratio of two figures, shown both as a plain number and as a percentage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ratio {
    /// Numerator ÷ denominator, rounded half away from zero to 2 places (2.43).
    pub value: Decimal,
    /// The same ratio × 100, rounded half away from zero to 2 places (242.86).
    pub percentage: Decimal,
    /// `Exact` only when both figures are exact and neither rounding dropped
    /// anything; otherwise `Approximate`.
    pub bound: Bound,
}

/// `numerator ÷ denominator` in the same unit (pence ÷ pence, count ÷
/// count); `None` when the denominator is zero.
///
/// A ratio of bounded figures is `Approximate`, never `AtLeast`/`AtMost`:
/// "just under £2.3m" ÷ "just over 30,000" is indeed at most 76.67 before
/// rounding, but a direction does not survive rounding to the nearest
/// hundredth, and a qualifier that might be wrong is worse than a vague one.
pub fn ratio(
    numerator: i128,
    num_bound: Bound,
    denominator: i128,
    den_bound: Bound,
) -> Option<Ratio> {
    if denominator == 0 {
        return None;
    }
    let (value, value_exact) = div_round(numerator * 100, denominator);
    let (percentage, percentage_exact) = div_round(numerator * 10_000, denominator);
    let exact =
        num_bound == Bound::Exact && den_bound == Bound::Exact && value_exact && percentage_exact;
    Some(Ratio {
        value: hundredths(value),
        percentage: hundredths(percentage),
        bound: if exact {
            Bound::Exact
        } else {
            Bound::Approximate
        },
    })
}

/// A cost per unit of outcome, in whole pence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnitCost {
    /// Spend ÷ outcome, rounded half away from zero to the penny.
    pub pence: i64,
    /// `Exact` only when both figures are exact and the division left no
    /// fraction of a penny; otherwise `Approximate` (see [`ratio`] for why
    /// bounds do not carry a direction).
    pub bound: Bound,
}

/// Spend (in pence) ÷ an outcome stored × 10^4 (e.g. 30,000 people is
/// 300,000,000): the cost of one unit of outcome. `None` when the outcome is
/// not positive, since a cost per nothing (or per a negative count) means
/// nothing.
pub fn cost_per_outcome(
    spend_pence: i64,
    spend_bound: Bound,
    outcome_e4: i64,
    outcome_bound: Bound,
) -> Option<UnitCost> {
    if outcome_e4 <= 0 {
        return None;
    }
    let (pence, exact) = div_round(i128::from(spend_pence) * 10_000, i128::from(outcome_e4));
    let pence = i64::try_from(pence).ok()?;
    let exact = exact && spend_bound == Bound::Exact && outcome_bound == Bound::Exact;
    Some(UnitCost {
        pence,
        bound: if exact {
            Bound::Exact
        } else {
            Bound::Approximate
        },
    })
}

/// `n ÷ d` rounded half away from zero, and whether it was exact. `d != 0`.
fn div_round(n: i128, d: i128) -> (i128, bool) {
    let negative = (n < 0) != (d < 0);
    let (n, d) = (n.abs(), d.abs());
    let (quotient, remainder) = (n / d, n % d);
    // Half away from zero: round up when the remainder is at least half of d.
    let rounded = if remainder * 2 >= d {
        quotient + 1
    } else {
        quotient
    };
    (if negative { -rounded } else { rounded }, remainder == 0)
}

fn hundredths(scaled: i128) -> Decimal {
    Decimal::from_i128_with_scale(scaled, 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(approximate: u64, at_least: u64, at_most: u64) -> BoundCounts {
        BoundCounts {
            approximate,
            at_least,
            at_most,
        }
    }

    #[test]
    fn sums_keep_a_direction_only_when_every_bound_shares_it() {
        assert_eq!(sum_bound(counts(0, 0, 0)), Bound::Exact);
        assert_eq!(sum_bound(counts(0, 2, 0)), Bound::AtLeast);
        assert_eq!(sum_bound(counts(0, 0, 1)), Bound::AtMost);
        assert_eq!(sum_bound(counts(0, 1, 1)), Bound::Approximate);
        assert_eq!(sum_bound(counts(1, 0, 0)), Bound::Approximate);
        assert_eq!(sum_bound(counts(1, 3, 0)), Bound::Approximate);
    }

    #[test]
    fn vrp_budget_utilisation_is_about_51_percent() {
        // Just under £2.3m spent of an approximate £4.5m budget.
        let r = ratio(230_000_000, Bound::AtMost, 450_000_000, Bound::Approximate).unwrap();
        assert_eq!(r.value.to_string(), "0.51");
        assert_eq!(r.percentage.to_string(), "51.11");
        assert_eq!(r.bound, Bound::Approximate);
    }

    #[test]
    fn round_4_oversubscription_rounds_half_away_from_zero() {
        // Over £850,000 requested of a £350,000 pot: 2.428571…
        let r = ratio(85_000_000, Bound::AtLeast, 35_000_000, Bound::Exact).unwrap();
        assert_eq!(r.value.to_string(), "2.43");
        assert_eq!(r.percentage.to_string(), "242.86");
        assert_eq!(r.bound, Bound::Approximate);
    }

    #[test]
    fn exact_only_when_nothing_is_rounded() {
        let half = ratio(1, Bound::Exact, 2, Bound::Exact).unwrap();
        assert_eq!(
            (half.value.to_string(), half.percentage.to_string()),
            ("0.50".into(), "50.00".into())
        );
        assert_eq!(half.bound, Bound::Exact);
        let third = ratio(1, Bound::Exact, 3, Bound::Exact).unwrap();
        assert_eq!(third.value.to_string(), "0.33");
        assert_eq!(third.bound, Bound::Approximate);
        // Exactly 0.02, but "nearly 150" applications is not an exact count.
        let rate = ratio(3, Bound::Exact, 150, Bound::AtMost).unwrap();
        assert_eq!(rate.percentage.to_string(), "2.00");
        assert_eq!(rate.bound, Bound::Approximate);
        assert_eq!(ratio(5, Bound::Exact, 0, Bound::Exact), None);
    }

    #[test]
    fn midpoints_round_away_from_zero() {
        assert_eq!(div_round(5, 2), (3, false));
        assert_eq!(div_round(-5, 2), (-3, false));
        assert_eq!(div_round(7, -2), (-4, false));
        assert_eq!(div_round(4, 3), (1, false));
        assert_eq!(div_round(6, 3), (2, true));
        assert_eq!(
            ratio(-1, Bound::Exact, 8, Bound::Exact)
                .unwrap()
                .value
                .to_string(),
            "-0.13"
        );
    }

    #[test]
    fn cost_per_young_person() {
        // Just under £2.3m over just over 30,000 young people: £76.67.
        let c = cost_per_outcome(230_000_000, Bound::AtMost, 300_000_000, Bound::AtLeast).unwrap();
        assert_eq!(c.pence, 7_667);
        assert_eq!(c.bound, Bound::Approximate);
        let exact = cost_per_outcome(1_000, Bound::Exact, 40_000, Bound::Exact).unwrap();
        assert_eq!((exact.pence, exact.bound), (250, Bound::Exact));
        // Half a penny rounds up: £0.01 over 2 people.
        assert_eq!(
            cost_per_outcome(1, Bound::Exact, 20_000, Bound::Exact)
                .unwrap()
                .pence,
            1
        );
        assert_eq!(cost_per_outcome(100, Bound::Exact, 0, Bound::Exact), None);
        assert_eq!(cost_per_outcome(100, Bound::Exact, -5, Bound::Exact), None);
    }
}
