//! Unit tests and properties of the liability rule.

use super::*;
use proptest::prelude::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn fy(start_year: i32) -> FinancialYear {
    FinancialYear::from_start_year(start_year).unwrap()
}

fn value(start: NaiveDate, end: NaiveDate, v: ContractValue, year: i32) -> Option<i64> {
    exact_value_for_year(start, end, v, fy(year)).map(|e| e.rounded() as i64)
}

fn row(id: i64, parent: Option<i64>, party: i64, ppm: u32) -> ShareRow {
    let share = SharePpm::from_ppm(ppm).unwrap();
    let position = id as i32;
    ShareRow {
        id,
        parent,
        party,
        share,
        position,
    }
}

/// The demo SARC: £1,500,000.00 a year from 2023-04-01 to 2027-03-31,
/// 50% YaTH PCCs (party 2: 40% WYCA (1), 25% (3), 17.5% (4), 17.5% (5))
/// and 50% NHS England (6).
fn sarc() -> ContractInput {
    ContractInput {
        contract: 1,
        lead: 1,
        start: d(2023, 4, 1),
        current_end: d(2027, 3, 31),
        value: ContractValue::Annual(150_000_000),
        shares: vec![
            row(10, None, 2, 500_000),
            row(11, Some(10), 1, 400_000),
            row(12, Some(10), 3, 250_000),
            row(13, Some(10), 4, 175_000),
            row(14, Some(10), 5, 175_000),
            row(15, None, 6, 500_000),
        ],
    }
}

#[test]
fn whole_contract_years_are_the_annual_value() {
    let c = sarc();
    for year in 2023..=2026 {
        assert_eq!(
            value(c.start, c.current_end, c.value, year),
            Some(150_000_000)
        );
    }
    assert_eq!(value(c.start, c.current_end, c.value, 2022), Some(0));
    assert_eq!(value(c.start, c.current_end, c.value, 2027), Some(0));
}

#[test]
fn sarc_splits_down_to_the_paying_commissioners() {
    let parts = contract_parts(&sarc(), fy(2024)).unwrap();
    let got: Vec<(i64, Option<i64>, String)> = parts
        .iter()
        .map(|(p, part)| (*p, part.amount, part.fraction.percentage().to_string()))
        .collect();
    let want = [
        (1, 30_000_000, "20"),
        (3, 18_750_000, "12.5"),
        (4, 13_125_000, "8.75"),
    ];
    let mut want: Vec<(i64, Option<i64>, String)> = want
        .iter()
        .map(|&(p, a, f)| (p, Some(a), f.to_owned()))
        .collect();
    want.push((5, Some(13_125_000), "8.75".to_owned()));
    want.push((6, Some(75_000_000), "50".to_owned()));
    assert_eq!(got, want);
    assert!(parts
        .iter()
        .all(|(_, p)| p.days == 365 && p.value_for_year == Some(150_000_000)));
}

#[test]
fn a_total_is_spread_over_the_current_term_by_days() {
    // The demo ISAC: £450,000 over 2022-12-01..2027-11-30 (1,826 days);
    // 2024-25 has 365 of them: 45,000,000 × 365 / 1,826 = 8,995,071.19p.
    let total = ContractValue::Total(45_000_000);
    assert_eq!(
        value(d(2022, 12, 1), d(2027, 11, 30), total, 2024),
        Some(8_995_071)
    );
}

#[test]
fn a_contract_year_straddling_april_is_apportioned_by_days() {
    // Year 1 is 2023-10-01..2024-09-30 (366 days), year 2 has 365.
    // 2023-24 holds 183 days of year 1: 36,600 × 183/366 = 18,300.
    // 2024-25 holds 183 days of year 1 and 182 of year 2:
    // 18,300 + 36,600 × 182/365 = 36,549.86 → 36,550.
    let (start, end) = (d(2023, 10, 1), d(2026, 9, 30));
    let annual = ContractValue::Annual(36_600);
    assert_eq!(value(start, end, annual, 2023), Some(18_300));
    assert_eq!(value(start, end, annual, 2024), Some(36_550));
}

#[test]
fn a_short_term_pays_only_its_days() {
    // 9 months from 2022-09-01; its only contract year has 365 days.
    // 2022-23: 212 days: 1,200,000 × 212/365 = 696,986.30 → 696,986.
    // 2023-24: 61 days: 1,200,000 × 61/365 = 200,547.95 → 200,548.
    let (start, end) = (d(2022, 9, 1), d(2023, 5, 31));
    let annual = ContractValue::Annual(1_200_000);
    assert_eq!(value(start, end, annual, 2022), Some(696_986));
    assert_eq!(value(start, end, annual, 2023), Some(200_548));
}

#[test]
fn rounding_is_half_up_once() {
    let half = |n| {
        ExactPence {
            numerator: n,
            denominator: 2,
        }
        .rounded()
    };
    assert_eq!((half(1), half(3), half(-1), half(-3)), (1, 2, 0, -1));
    // A 1p total over four days, two in each year: 0.5p each, rounded up.
    let total = ContractValue::Total(1);
    assert_eq!(value(d(2024, 3, 30), d(2024, 4, 2), total, 2023), Some(1));
    assert_eq!(value(d(2024, 3, 30), d(2024, 4, 2), total, 2024), Some(1));
}

#[test]
fn annual_beats_total_and_unknown_has_no_amount() {
    assert_eq!(
        ContractValue::from_columns(Some(5), Some(9)),
        ContractValue::Annual(5)
    );
    assert_eq!(
        ContractValue::from_columns(None, Some(9)),
        ContractValue::Total(9)
    );
    assert_eq!(
        ContractValue::from_columns(None, None),
        ContractValue::Unknown
    );
    let mut c = sarc();
    c.value = ContractValue::Unknown;
    let parts = contract_parts(&c, fy(2024)).unwrap();
    assert_eq!(parts.len(), 5);
    assert!(parts
        .iter()
        .all(|(_, p)| p.amount.is_none() && p.value_for_year.is_none()));
    let payers = year_liabilities(fy(2024), &[c]).unwrap();
    assert!(payers.iter().all(|p| p.total == 0 && p.parts.len() == 1));
}

#[test]
fn no_shares_means_the_lead_pays_all() {
    let mut c = sarc();
    c.shares.clear();
    let parts = contract_parts(&c, fy(2024)).unwrap();
    assert_eq!(parts.len(), 1);
    assert_eq!(parts[0].0, 1);
    assert_eq!(parts[0].1.amount, Some(150_000_000));
    assert_eq!(parts[0].1.fraction, ContractFraction::WHOLE);
}

#[test]
fn a_party_in_two_branches_gets_one_merged_part() {
    let mut c = sarc();
    c.shares[5].party = 1; // WYCA now also holds the NHS half
    let parts = contract_parts(&c, fy(2024)).unwrap();
    assert_eq!(parts[0].0, 1);
    assert_eq!(parts[0].1.amount, Some(105_000_000));
    assert_eq!(parts[0].1.fraction.percentage().to_string(), "70");
    assert_eq!(parts.len(), 4);
}

#[test]
fn terms_missing_the_year_are_left_out() {
    let payers = year_liabilities(fy(2030), &[sarc()]).unwrap();
    assert!(payers.is_empty());
    let payers = year_liabilities(fy(2024), &[sarc(), sarc()]).unwrap();
    assert_eq!(payers.len(), 5);
    assert_eq!(payers[0].party, 1);
    assert_eq!(payers[0].total, 60_000_000);
    assert_eq!(payers[0].parts.len(), 2);
}

#[test]
fn broken_stored_splits_are_errors() {
    let mut c = sarc();
    c.shares[1].share = SharePpm::from_ppm(1).unwrap();
    let err = contract_parts(&c, fy(2024)).unwrap_err();
    assert_eq!(err.code(), "LIABILITY_INVALID_SPLIT");
    let mut c = sarc();
    c.shares[2].parent = Some(99);
    assert_eq!(
        contract_parts(&c, fy(2024)).unwrap_err().code(),
        "LIABILITY_INVALID_SPLIT"
    );
    let mut c = sarc();
    c.shares = vec![row(1, Some(2), 1, 1_000_000), row(2, Some(1), 2, 1_000_000)];
    assert!(contract_parts(&c, fy(2024)).is_err(), "a cycle of parents");
}

fn arb_date() -> impl Strategy<Value = NaiveDate> {
    (0i64..20_000).prop_map(|n| d(1990, 1, 1) + chrono::Duration::days(n))
}

/// Positive ppm shares summing to 100% from positive weights.
fn ppms(weights: &[u32]) -> Vec<SharePpm> {
    let sum: u64 = weights.iter().map(|&w| u64::from(w)).sum();
    let mut ppm: Vec<u32> = weights
        .iter()
        .map(|&w| (u64::from(w) * 1_000_000 / sum) as u32)
        .collect();
    ppm[0] += 1_000_000 - ppm.iter().sum::<u32>();
    ppm.into_iter()
        .map(|p| SharePpm::from_ppm(p).unwrap())
        .collect()
}

type Level = Vec<(u32, Option<Vec<(u32, Option<Vec<u32>>)>>)>;

/// Up to three levels; parties are numbered by sibling position, so the
/// same party often appears in several branches.
fn rows_of(level: &Level) -> Vec<ShareRow> {
    let mut rows = Vec::new();
    let mut next_id = 1;
    let weights: Vec<u32> = level.iter().map(|n| n.0).collect();
    for (i, ((_, kids), share)) in level.iter().zip(ppms(&weights)).enumerate() {
        let id = next_id;
        next_id += 1;
        rows.push(ShareRow {
            id,
            parent: None,
            party: i as i64,
            share,
            position: i as i32,
        });
        let Some(kids) = kids else { continue };
        let weights: Vec<u32> = kids.iter().map(|n| n.0).collect();
        for (j, ((_, grandkids), share)) in kids.iter().zip(ppms(&weights)).enumerate() {
            let kid = next_id;
            next_id += 1;
            rows.push(ShareRow {
                id: kid,
                parent: Some(id),
                party: j as i64,
                share,
                position: j as i32,
            });
            for (k, share) in grandkids.iter().flat_map(|g| ppms(g)).enumerate() {
                rows.push(ShareRow {
                    id: next_id,
                    parent: Some(kid),
                    party: k as i64,
                    share,
                    position: k as i32,
                });
                next_id += 1;
            }
        }
    }
    rows
}

fn arb_level() -> impl Strategy<Value = Level> {
    let weight = 1u32..1000;
    let grandkids = prop::option::of(prop::collection::vec(weight.clone(), 1..4));
    let kids = prop::option::of(prop::collection::vec((weight.clone(), grandkids), 1..4));
    prop::collection::vec((weight, kids), 1..5)
}

proptest! {
    #[test]
    fn whole_years_sum_to_the_annual_value(start in arb_date(), years in 1u32..8, annual in 0i64..=1_000_000_000_000) {
        let end = contract_year_start(start, years).unwrap().pred_opt().unwrap();
        let mut sum = ExactPence::ZERO;
        let mut year = FinancialYear::containing(start);
        while year.start_date() <= end {
            sum = sum.plus(exact_value_for_year(start, end, ContractValue::Annual(annual), year).unwrap());
            year = year.next();
        }
        prop_assert_eq!(sum, ExactPence::ratio(annual, i64::from(years), 1));
    }

    #[test]
    fn a_total_is_spread_exactly(start in arb_date(), days in 0i64..4000, total in 0i64..=1_000_000_000_000) {
        let end = start + chrono::Duration::days(days);
        let (mut exact, mut rounded, mut years) = (ExactPence::ZERO, 0i128, 0i128);
        let mut year = FinancialYear::containing(start);
        while year.start_date() <= end {
            let v = exact_value_for_year(start, end, ContractValue::Total(total), year).unwrap();
            exact = exact.plus(v);
            rounded += v.rounded();
            years += 1;
            year = year.next();
        }
        prop_assert_eq!(exact, ExactPence::ratio(total, 1, 1));
        // Each year is within half a penny of its exact figure.
        prop_assert!(2 * (rounded - i128::from(total)).abs() <= years);
    }

    #[test]
    fn parts_sum_exactly_to_the_value(level in arb_level(), annual in 0i64..=1_000_000_000_000, start in arb_date(), months in 1u32..90) {
        let shares = rows_of(&level);
        let end = start.checked_add_months(Months::new(months)).unwrap().pred_opt().unwrap();
        let c = ContractInput { contract: 1, lead: 99, start, current_end: end, value: ContractValue::Annual(annual), shares };
        let year = FinancialYear::containing(end);
        let parts = contract_parts(&c, year).unwrap();
        let value = parts[0].1.value_for_year.unwrap();
        prop_assert_eq!(parts.iter().map(|(_, p)| p.amount.unwrap()).sum::<i64>(), value);
        prop_assert_eq!(parts.iter().map(|(_, p)| p.fraction.0).sum::<i128>(), ContractFraction::WHOLE.0);
        // Each leaf is within a penny per level (three at most) of its
        // exact share; a merged party adds up the errors of its leaves.
        let leaves = c.shares.iter().filter(|r| c.shares.iter().all(|k| k.parent != Some(r.id))).count() as i128;
        for (_, p) in &parts {
            let error = i128::from(p.amount.unwrap()) * ContractFraction::WHOLE.0 - i128::from(value) * p.fraction.0;
            prop_assert!(error.abs() <= 3 * leaves * ContractFraction::WHOLE.0);
        }
    }
}
