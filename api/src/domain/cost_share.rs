//! Cost-sharing splits of a contract between paying parties.
//!
//! A split is a tree: each level lists parties with a percentage of their
//! parent's cost, and a party may itself be split among sub-parties (e.g.
//! 50% to "Yorkshire and the Humber PCCs", split 40/25/17.5/17.5 among four
//! commissioners). The leaves are the parties that actually pay. Shares are
//! kept in parts per million so that sums and apportionment are exact.

use std::collections::hash_map::{Entry, HashMap};
use std::fmt;
use std::hash::Hash;

use rust_decimal::Decimal;

use super::plain_decimal::{digits_value, excerpt, lex};

/// The deepest a split may nest, counting the root list as level 1.
pub const MAX_SPLIT_DEPTH: usize = 4;

/// Why a share or a split was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CostShareError {
    /// Not a plain decimal string.
    #[error(
        "share {input:?} is malformed: {reason}; write a percentage as plain digits \
         with up to 4 decimal places, e.g. \"17.5\""
    )]
    Malformed {
        /// The input (shortened if long).
        input: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// More than four decimal places.
    #[error("share {0:?} has more than 4 decimal places; shares are recorded to 0.0001%")]
    TooManyDecimals(String),
    /// Zero or negative.
    #[error("share {0} is not positive; every share must be more than 0%")]
    NotPositive(String),
    /// Above 100%.
    #[error("share {0} is over 100%; a share is a percentage of its parent")]
    Over100(String),
    /// The same party appears twice among siblings.
    #[error(
        "the party at position {position} already appears at position {first} of this \
         level; each party may hold only one share per level"
    )]
    DuplicateParty {
        /// Index of the repeated entry within its level.
        position: usize,
        /// Index of the first entry for the same party.
        first: usize,
    },
    /// Sibling shares do not add up to 100%.
    #[error("shares at this level sum to {sum}%, they must sum to exactly 100%")]
    SumNot100 {
        /// The actual sum, as a percentage.
        sum: Decimal,
    },
    /// A split with no parties at all.
    #[error("a cost split must name at least one paying party")]
    Empty,
    /// Nested deeper than [`MAX_SPLIT_DEPTH`] levels.
    #[error("cost split is nested more than {max} levels deep")]
    TooDeep {
        /// The limit, [`MAX_SPLIT_DEPTH`].
        max: usize,
    },
}

impl CostShareError {
    /// A stable machine-readable code for API clients.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Malformed { .. } => "SHARE_MALFORMED",
            Self::TooManyDecimals(_) => "SHARE_TOO_MANY_DECIMALS",
            Self::NotPositive(_) => "SHARE_NOT_POSITIVE",
            Self::Over100(_) => "SHARE_OVER_100",
            Self::DuplicateParty { .. } => "SHARE_DUPLICATE_PARTY",
            Self::SumNot100 { .. } => "SHARE_SUM_NOT_100",
            Self::Empty => "SPLIT_EMPTY",
            Self::TooDeep { .. } => "SPLIT_TOO_DEEP",
        }
    }
}

/// A share of the parent's cost in parts per million: 100% is 1,000,000,
/// so 0.0001% (four decimal places) is the smallest step.
///
/// Values built through [`SharePpm::from_ppm`] or [`parse_percentage`] are
/// always in 1..=1,000,000.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SharePpm(u32);

impl SharePpm {
    /// 100%.
    pub const WHOLE: SharePpm = SharePpm(1_000_000);

    /// A share from parts per million, which must be in 1..=1,000,000.
    pub fn from_ppm(ppm: u32) -> Result<Self, CostShareError> {
        let share = SharePpm(ppm);
        if ppm == 0 {
            Err(CostShareError::NotPositive(format!("{share}")))
        } else if ppm > Self::WHOLE.0 {
            Err(CostShareError::Over100(format!("{share}")))
        } else {
            Ok(share)
        }
    }

    /// Parts per million of the parent.
    pub fn ppm(self) -> u32 {
        self.0
    }

    /// The percentage without trailing zeros: 50, 17.5, 0.0001.
    pub fn percentage(self) -> Decimal {
        ppm_to_percentage(u64::from(self.0))
    }
}

impl fmt::Display for SharePpm {
    /// E.g. "17.5%".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}%", self.percentage())
    }
}

fn ppm_to_percentage(ppm: u64) -> Decimal {
    // 1 ppm is 0.0001%, so ppm is the percentage scaled by 10^4.
    Decimal::from_i128_with_scale(i128::from(ppm), 4).normalize()
}

/// Parses a percentage of the parent such as "50", "17.5" or "33.3333".
///
/// Digits with at most 4 decimal places, more than 0 and at most 100. No
/// "%" sign, spaces or signs (`SHARE_MALFORMED`); a fifth decimal place is
/// `SHARE_TOO_MANY_DECIMALS`; "0" or "-5" is `SHARE_NOT_POSITIVE`; above
/// 100 is `SHARE_OVER_100`.
pub fn parse_percentage(s: &str) -> Result<SharePpm, CostShareError> {
    let lexed = lex(s).map_err(|reason| CostShareError::Malformed {
        input: excerpt(s),
        reason,
    })?;
    if lexed.negative {
        return Err(CostShareError::NotPositive(excerpt(s)));
    }
    if lexed.frac.len() > 4 {
        return Err(CostShareError::TooManyDecimals(excerpt(s)));
    }
    let whole_percent =
        digits_value(lexed.int, 100).ok_or_else(|| CostShareError::Over100(excerpt(s)))?;
    let frac_ppm = lexed
        .frac
        .bytes()
        .chain(std::iter::repeat(b'0'))
        .take(4)
        .fold(0u64, |acc, b| acc * 10 + u64::from(b - b'0'));
    let ppm = whole_percent * 10_000 + frac_ppm;
    match ppm {
        0 => Err(CostShareError::NotPositive(excerpt(s))),
        p if p > u64::from(SharePpm::WHOLE.0) => Err(CostShareError::Over100(excerpt(s))),
        p => Ok(SharePpm(p as u32)),
    }
}

/// One party in a split, with its share of the parent and, if it passes its
/// cost on, the split among its sub-parties (empty for a paying leaf).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SplitNode<P> {
    /// Who this share belongs to.
    pub party: P,
    /// Percentage of the parent's cost.
    pub share: SharePpm,
    /// How this party's cost is split further; empty if it pays itself.
    pub children: Vec<SplitNode<P>>,
}

/// One problem found by [`validate_split`], located in the tree.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}: {kind}", path_label(.path))]
pub struct SplitViolation {
    /// Indexes from the root list down to the offending node, or to the
    /// parent of the offending level; empty for the root level itself.
    pub path: Vec<usize>,
    /// Which rule was broken.
    pub kind: CostShareError,
}

impl SplitViolation {
    /// The machine code of the broken rule.
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }
}

fn path_label(path: &[usize]) -> String {
    if path.is_empty() {
        "at the top level".to_owned()
    } else {
        let parts: Vec<String> = path.iter().map(usize::to_string).collect();
        format!("at {}", parts.join("."))
    }
}

/// Checks a split and reports every problem, not just the first, so a user
/// can fix a whole form in one go.
///
/// Rules: the root list is not empty (`SPLIT_EMPTY`); every share is
/// positive (`SHARE_NOT_POSITIVE`); no party appears twice among siblings
/// (`SHARE_DUPLICATE_PARTY`; the same party in different branches is
/// allowed); the shares of each non-empty level sum to exactly 100%
/// (`SHARE_SUM_NOT_100`); at most [`MAX_SPLIT_DEPTH`] levels
/// (`SPLIT_TOO_DEEP`, reported once per over-deep level, which is not
/// examined further). Violations come in depth-first order.
pub fn validate_split<P: Eq + Hash + Clone>(
    nodes: &[SplitNode<P>],
) -> Result<(), Vec<SplitViolation>> {
    let mut violations = Vec::new();
    if nodes.is_empty() {
        violations.push(SplitViolation {
            path: Vec::new(),
            kind: CostShareError::Empty,
        });
    } else {
        validate_level(nodes, &mut Vec::new(), 1, &mut violations);
    }
    if violations.is_empty() {
        Ok(())
    } else {
        Err(violations)
    }
}

fn validate_level<P: Eq + Hash + Clone>(
    nodes: &[SplitNode<P>],
    path: &mut Vec<usize>,
    depth: usize,
    out: &mut Vec<SplitViolation>,
) {
    let mut report = |path: Vec<usize>, kind| out.push(SplitViolation { path, kind });
    if depth > MAX_SPLIT_DEPTH {
        let max = MAX_SPLIT_DEPTH;
        report(path.clone(), CostShareError::TooDeep { max });
        return;
    }
    let node_path = |i: usize| [path.as_slice(), &[i]].concat();
    let mut first_seen: HashMap<&P, usize> = HashMap::with_capacity(nodes.len());
    for (i, node) in nodes.iter().enumerate() {
        // Public constructors never make a zero share, but this is the gate
        // before storage, so it must not rely on how the value was built.
        if node.share.0 == 0 {
            report(
                node_path(i),
                CostShareError::NotPositive(node.share.to_string()),
            );
        }
        match first_seen.entry(&node.party) {
            Entry::Occupied(first) => {
                let first = *first.get();
                report(
                    node_path(i),
                    CostShareError::DuplicateParty { position: i, first },
                );
            }
            Entry::Vacant(slot) => {
                slot.insert(i);
            }
        }
    }
    // u64: many near-100% siblings would overflow a u32 sum.
    let sum: u64 = nodes.iter().map(|n| u64::from(n.share.0)).sum();
    if sum != u64::from(SharePpm::WHOLE.0) {
        let sum = ppm_to_percentage(sum);
        report(path.clone(), CostShareError::SumNot100 { sum });
    }
    for (i, node) in nodes.iter().enumerate() {
        if !node.children.is_empty() {
            path.push(i);
            validate_level(&node.children, path, depth + 1, out);
            path.pop();
        }
    }
}

/// Splits `amount_pence` among `shares`, penny-exact, by the largest
/// remainder (Hamilton) method.
///
/// Each party first receives its exact proportional amount,
/// amount × share ÷ 100%, rounded down to the whole penny. The pennies left
/// over (always fewer than the number of parties) are then given out one
/// each to the parties whose amounts lost the largest fractions of a penny
/// in rounding down; where two fractions are equal, the party listed first
/// gets the penny. The parts therefore always add up exactly to the amount,
/// and every part is within one penny of its exact proportional amount.
/// A negative amount (a refund) is split as its absolute value and each part
/// negated, so a refund mirrors the charge it reverses.
///
/// The shares must sum to 100% ([`SharePpm::WHOLE`]), as
/// [`validate_split`] ensures; this is checked in debug builds. In release
/// builds other shares give parts that need not add up to the amount.
pub fn allocate(amount_pence: i64, shares: &[SharePpm]) -> Vec<i64> {
    debug_assert_eq!(
        shares.iter().map(|s| u64::from(s.0)).sum::<u64>(),
        u64::from(SharePpm::WHOLE.0),
        "allocate requires shares summing to 100%"
    );
    // i128: |amount| × ppm can exceed i64 (2^63 × 10^6).
    let abs = i128::from(amount_pence).abs();
    let whole = i128::from(SharePpm::WHOLE.0);
    let mut parts: Vec<i128> = Vec::with_capacity(shares.len());
    let mut remainders: Vec<(i128, usize)> = Vec::with_capacity(shares.len());
    for (i, s) in shares.iter().enumerate() {
        let exact = abs * i128::from(s.0);
        parts.push(exact / whole);
        remainders.push((exact % whole, i));
    }
    let leftover = abs - parts.iter().sum::<i128>();
    // Largest remainder first; equal remainders keep list order.
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let leftover = usize::try_from(leftover).unwrap_or(0);
    for &(_, i) in remainders.iter().take(leftover) {
        parts[i] += 1;
    }
    let sign = if amount_pence < 0 { -1 } else { 1 };
    parts
        .into_iter()
        // Each part has the amount's sign and at most its magnitude, so it
        // fits in an i64 (even for i64::MIN).
        .map(|p| i64::try_from(sign * p).expect("part no larger than the amount"))
        .collect()
}

/// Splits `amount_pence` down a split tree to its leaves, the parties that
/// actually pay, using [`allocate`] at every level.
///
/// Returns one entry per leaf in depth-first order. A party that appears as
/// a leaf in several branches gets several entries; callers that want one
/// figure per party add them up. The tree should have passed
/// [`validate_split`]; the parts then add up exactly to the amount.
pub fn allocate_tree<P: Clone>(amount_pence: i64, nodes: &[SplitNode<P>]) -> Vec<(P, i64)> {
    let mut out = Vec::new();
    allocate_into(amount_pence, nodes, &mut out);
    out
}

fn allocate_into<P: Clone>(amount_pence: i64, nodes: &[SplitNode<P>], out: &mut Vec<(P, i64)>) {
    let shares: Vec<SharePpm> = nodes.iter().map(|n| n.share).collect();
    for (node, part) in nodes.iter().zip(allocate(amount_pence, &shares)) {
        if node.children.is_empty() {
            out.push((node.party.clone(), part));
        } else {
            allocate_into(part, &node.children, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn pct(s: &str) -> SharePpm {
        parse_percentage(s).unwrap()
    }

    fn node<P>(party: P, share: SharePpm, children: Vec<SplitNode<P>>) -> SplitNode<P> {
        SplitNode {
            party,
            share,
            children,
        }
    }

    fn leaf(party: &'static str, share: &str) -> SplitNode<&'static str> {
        node(party, pct(share), vec![])
    }

    /// The Yorkshire and the Humber SARC split.
    fn sarc() -> Vec<SplitNode<&'static str>> {
        vec![
            leaf("NHS England", "50"),
            node(
                "Yorkshire and the Humber PCCs",
                pct("50"),
                vec![
                    leaf("West Yorkshire", "40"),
                    leaf("South Yorkshire", "25"),
                    leaf("North Yorkshire", "17.5"),
                    leaf("Humberside", "17.5"),
                ],
            ),
        ]
    }

    #[test]
    fn parses_percentages() {
        assert_eq!(pct("50").ppm(), 500_000);
        assert_eq!(pct("17.5").ppm(), 175_000);
        assert_eq!(pct("100").ppm(), 1_000_000);
        assert_eq!(pct("100.0000"), SharePpm::WHOLE);
        assert_eq!(pct("0.0001").ppm(), 1);
        assert_eq!(pct("033.3333").ppm(), 333_333);
        assert_eq!(pct("17.5").percentage().to_string(), "17.5");
        assert_eq!(pct("50.00").percentage().to_string(), "50");
        assert_eq!(pct("17.5").to_string(), "17.5%");
    }

    #[test]
    fn rejects_bad_percentages() {
        let code = |s: &str| parse_percentage(s).unwrap_err().code();
        for bad in [
            "", "50%", " 50", "+5", "1e2", "NaN", ".5", "5.", "fifty", "1,5",
        ] {
            assert_eq!(code(bad), "SHARE_MALFORMED", "{bad:?}");
        }
        assert_eq!(code("17.50001"), "SHARE_TOO_MANY_DECIMALS");
        assert_eq!(code("0"), "SHARE_NOT_POSITIVE");
        assert_eq!(code("0.0000"), "SHARE_NOT_POSITIVE");
        assert_eq!(code("-5"), "SHARE_NOT_POSITIVE");
        assert_eq!(code("100.0001"), "SHARE_OVER_100");
        assert_eq!(code("101"), "SHARE_OVER_100");
        assert_eq!(code(&"9".repeat(50)), "SHARE_OVER_100");
    }

    #[test]
    fn from_ppm_bounds() {
        assert_eq!(SharePpm::from_ppm(1).unwrap().ppm(), 1);
        assert_eq!(SharePpm::from_ppm(1_000_000), Ok(SharePpm::WHOLE));
        let code = |ppm| SharePpm::from_ppm(ppm).unwrap_err().code();
        assert_eq!(code(0), "SHARE_NOT_POSITIVE");
        assert_eq!(code(1_000_001), "SHARE_OVER_100");
    }

    #[test]
    fn valid_nested_split_passes() {
        assert_eq!(validate_split(&sarc()), Ok(()));
        assert_eq!(validate_split(&[leaf("Sole", "100")]), Ok(()));
    }

    #[test]
    fn empty_root_is_an_error() {
        let v = validate_split::<&str>(&[]).unwrap_err();
        assert_eq!(
            v,
            vec![SplitViolation {
                path: vec![],
                kind: CostShareError::Empty
            }]
        );
        assert_eq!(v[0].code(), "SPLIT_EMPTY");
    }

    #[test]
    fn collects_every_violation_with_paths() {
        let mut tree = sarc();
        tree[1].children[3] = leaf("Humberside", "17.49"); // level sums to 99.99
        tree[1]
            .children
            .push(node("West Yorkshire", SharePpm(0), vec![]));
        tree.push(leaf("NHS England", "10")); // root now sums to 110, duplicate
        let v = validate_split(&tree).unwrap_err();
        let found: Vec<(Vec<usize>, &str)> = v.iter().map(|x| (x.path.clone(), x.code())).collect();
        assert_eq!(
            found,
            vec![
                (vec![2], "SHARE_DUPLICATE_PARTY"),
                (vec![], "SHARE_SUM_NOT_100"),
                (vec![1, 4], "SHARE_NOT_POSITIVE"),
                (vec![1, 4], "SHARE_DUPLICATE_PARTY"),
                (vec![1], "SHARE_SUM_NOT_100"),
            ]
        );
        assert_eq!(
            v[4].to_string(),
            "at 1: shares at this level sum to 99.99%, they must sum to exactly 100%"
        );
        assert_eq!(
            v[1].to_string(),
            "at the top level: shares at this level sum to 110%, they must sum to exactly 100%"
        );
    }

    #[test]
    fn depth_is_limited_to_four_levels() {
        let chain = |levels: usize| {
            let mut n = leaf("bottom", "100");
            for _ in 1..levels {
                n = node("middle", SharePpm::WHOLE, vec![n]);
            }
            vec![n]
        };
        assert_eq!(validate_split(&chain(4)), Ok(()));
        let v = validate_split(&chain(6)).unwrap_err();
        assert_eq!(v.len(), 1, "reported once, not per deeper level");
        assert_eq!(
            (v[0].path.clone(), v[0].code()),
            (vec![0, 0, 0, 0], "SPLIT_TOO_DEEP")
        );
    }

    #[test]
    fn allocates_by_largest_remainder() {
        let third = [SharePpm(333_334), SharePpm(333_333), SharePpm(333_333)];
        assert_eq!(allocate(100, &third), vec![34, 33, 33]);
        // Equal remainders: the earlier party gets the penny.
        let half = [SharePpm(500_000), SharePpm(500_000)];
        assert_eq!(allocate(1, &half), vec![1, 0]);
        assert_eq!(allocate(3, &half), vec![2, 1]);
        // The larger remainder wins regardless of position.
        assert_eq!(
            allocate(1, &[SharePpm(400_000), SharePpm(600_000)]),
            vec![0, 1]
        );
        assert_eq!(allocate(0, &half), vec![0, 0]);
        assert_eq!(allocate(7, &[SharePpm::WHOLE]), vec![7]);
    }

    #[test]
    fn refunds_mirror_charges() {
        let third = [SharePpm(333_334), SharePpm(333_333), SharePpm(333_333)];
        assert_eq!(allocate(-100, &third), vec![-34, -33, -33]);
        assert_eq!(allocate(i64::MIN, &[SharePpm::WHOLE]), vec![i64::MIN]);
    }

    #[test]
    fn allocates_the_sarc_tree_to_leaves() {
        let parts = allocate_tree(20_825_493, &sarc()); // £208,254.93
        assert_eq!(
            parts,
            vec![
                ("NHS England", 10_412_747),
                ("West Yorkshire", 4_165_098),
                ("South Yorkshire", 2_603_186),
                ("North Yorkshire", 1_822_231),
                ("Humberside", 1_822_231),
            ]
        );
        assert_eq!(parts.iter().map(|p| p.1).sum::<i64>(), 20_825_493);
    }

    /// 1 to 8 positive shares summing to exactly 100%.
    fn arb_shares() -> impl Strategy<Value = Vec<SharePpm>> {
        prop::collection::vec(1u64..1000, 1..8).prop_map(|w| {
            let total: u64 = w.iter().sum();
            let mut ppm: Vec<u64> = w.iter().map(|x| x * 1_000_000 / total).collect();
            ppm[0] += 1_000_000 - ppm.iter().sum::<u64>();
            ppm.into_iter().map(|p| SharePpm(p as u32)).collect()
        })
    }

    /// A valid tree with `levels` levels at most; parties unique per level.
    fn arb_tree(levels: usize) -> BoxedStrategy<Vec<SplitNode<usize>>> {
        let children = if levels <= 1 {
            Just(Vec::new()).boxed()
        } else {
            prop_oneof![2 => Just(Vec::new()), 1 => arb_tree(levels - 1)].boxed()
        };
        arb_shares()
            .prop_flat_map(move |shares| {
                let n = shares.len();
                (Just(shares), prop::collection::vec(children.clone(), n))
            })
            .prop_map(|(shares, kids)| {
                shares
                    .into_iter()
                    .zip(kids)
                    .enumerate()
                    .map(|(party, (share, children))| node(party, share, children))
                    .collect()
            })
            .boxed()
    }

    fn count_leaves<P>(nodes: &[SplitNode<P>]) -> usize {
        // A node without children is one leaf.
        nodes.iter().map(|n| count_leaves(&n.children).max(1)).sum()
    }

    proptest! {
        #[test]
        fn allocation_is_exact_and_fair(amount in any::<i64>(), shares in arb_shares()) {
            let parts = allocate(amount, &shares);
            prop_assert_eq!(parts.len(), shares.len());
            let total: i128 = parts.iter().map(|&p| i128::from(p)).sum();
            prop_assert_eq!(total, i128::from(amount));
            for (part, share) in parts.iter().zip(&shares) {
                // Within one penny of the exact proportional amount.
                let exact = i128::from(amount) * i128::from(share.ppm());
                let diff = (i128::from(*part) * 1_000_000 - exact).abs();
                prop_assert!(diff < 1_000_000);
            }
            if amount != i64::MIN {
                let negated: Vec<i64> = parts.iter().map(|p| -p).collect();
                prop_assert_eq!(allocate(-amount, &shares), negated);
            }
        }

        #[test]
        fn tree_allocation_sums_to_amount(amount in -MAX_AMOUNT..=MAX_AMOUNT, tree in arb_tree(4)) {
            prop_assert_eq!(validate_split(&tree), Ok(()));
            let parts = allocate_tree(amount, &tree);
            prop_assert_eq!(parts.len(), count_leaves(&tree));
            prop_assert_eq!(parts.iter().map(|p| p.1).sum::<i64>(), amount);
        }

        #[test]
        fn percentage_text_round_trips(ppm in 1u32..=1_000_000) {
            let share = SharePpm::from_ppm(ppm).unwrap();
            prop_assert_eq!(parse_percentage(&share.percentage().to_string()), Ok(share));
        }
    }

    const MAX_AMOUNT: i64 = super::super::money::MAX_PENCE;
}
