//! The checks on the random dataset: each GraphQL figure against the naive
//! fold of `naive.rs`, for many filters and groupings.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use api::graphql::node::{global_id, parse_global_id};
use entity::enums::{IndicatorUnit, Qualifier};
use serde_json::{json, Value};

use super::common::TestApp;
use super::dataset::{Dataset, Line, Observation};
use super::naive::{hundredths, observation_year, Expected, Key, Part};

pub fn gid(type_name: &str, id: i64) -> String {
    global_id(type_name, id).0
}

pub fn money(pence: i64) -> Value {
    json!({ "amount": hundredths(pence.into()) })
}

/// A value × 10^4 as the API's normalised decimal: "30000", "71.8".
pub fn e4(v: i64) -> String {
    let (whole, frac) = (v / 10_000, (v % 10_000).abs());
    let frac = format!("{frac:04}");
    let frac = frac.trim_end_matches('0');
    if frac.is_empty() {
        whole.to_string()
    } else {
        format!("{whole}.{frac}")
    }
}

pub fn qualifier_name(q: Qualifier) -> &'static str {
    match q {
        Qualifier::Exact => "EXACT",
        Qualifier::Approximate => "APPROXIMATE",
        Qualifier::AtLeast => "AT_LEAST",
        Qualifier::AtMost => "AT_MOST",
    }
}

/// Keys sorted as the API sorts them: part by part, "none" last.
fn api_order(a: &Key, b: &Key) -> Ordering {
    let rank = |k: &Key| {
        k.iter()
            .map(|p| (p.is_none(), p.clone()))
            .collect::<Vec<_>>()
    };
    rank(a).cmp(&rank(b))
}

/// Reads one key part of a GraphQL group key for `dim`.
fn key_part(key: &Value, dim: &str) -> Option<Part> {
    let id = |field: &str| {
        key[field]["id"]
            .as_str()
            .map(|id| Part::Int(parse_global_id(id).expect("a global id").1))
    };
    match dim {
        "FINANCIAL_YEAR" => key["financialYear"]
            .as_str()
            .map(|y| Part::Int(y[..4].parse().unwrap())),
        "QUARTER" => key["quarter"]
            .as_str()
            .map(|q| Part::Int(q[1..].parse().unwrap())),
        "FUNDING_STREAM" => id("fundingStream"),
        "DISTRICT" => id("district"),
        "PROVIDER" => id("provider"),
        "COMMISSIONER" => id("commissioner"),
        "SERVICE" => id("service"),
        "THEME" => id("theme"),
        "INDICATOR" => id("indicator"),
        "UNIT" => key["unit"].as_str().map(|u| Part::Text(u.to_lowercase())),
        other => panic!("unknown dimension {other}"),
    }
}

fn spend_measures(e: &Expected) -> Value {
    json!({
        "sum": money(e.sum), "qualifier": e.qualifier(), "count": e.rows.len(),
        "min": e.min.map(money), "max": e.max.map(money), "wording": e.wording(),
    })
}

fn reach_measures(e: &Expected) -> Value {
    json!({
        "sum": e4(e.sum), "qualifier": e.qualifier(), "count": e.rows.len(),
        "min": e.min.map(e4), "max": e.max.map(e4),
        "additive": e.rows.is_empty() || (e.additive && e.units.len() == 1),
        "wording": e.wording(),
    })
}

/// Compares a summary's totals and groups with the expected ones.
fn compare(
    summary: &Value,
    dims: &[&str],
    expected_totals: Value,
    expected: BTreeMap<Key, Expected>,
    measures: fn(&Expected) -> Value,
    label: &str,
) {
    assert_eq!(summary["totals"], expected_totals, "totals of {label}");
    let mut want: Vec<(Key, &Expected)> = expected.iter().map(|(k, v)| (k.clone(), v)).collect();
    want.sort_by(|a, b| api_order(&a.0, &b.0));
    let got: Vec<(Key, Value)> = summary["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .map(|g| {
            let key = dims.iter().map(|d| key_part(&g["key"], d)).collect();
            let mut m = g.clone();
            m.as_object_mut().unwrap().remove("key");
            (key, m)
        })
        .collect();
    // Not grouped: no groups at all, only totals.
    let want: Vec<(Key, Value)> = want
        .into_iter()
        .filter(|_| !dims.is_empty())
        .map(|(k, e)| (k, measures(e)))
        .collect();
    assert_eq!(got.len(), want.len(), "number of groups of {label}");
    for (g, w) in got.iter().zip(&want) {
        assert_eq!(g, w, "a group of {label}");
    }
}

const KEY_FIELDS: &str = "key { financialYear quarter fundingStream { id } district { id } \
    provider { id } commissioner { id } service { id } theme { id } }";

pub async fn check_spend(app: &TestApp, d: &Dataset) {
    let query = format!(
        "query($f: SpendSummaryFilter, $g: [SpendGroupBy!]) {{ spendSummary(filter: $f, groupBy: $g) {{ \
         totals {{ sum {{ amount }} qualifier count min {{ amount }} max {{ amount }} wording }} \
         groups {{ {KEY_FIELDS} sum {{ amount }} qualifier count min {{ amount }} max {{ amount }} wording }} }} }}"
    );
    let attributed_to = |l: &Line, orgs: &[i64]| d.attribution(l).keys().any(|o| orgs.contains(o));
    let areas = |l: &Line| {
        d.effective_service(l)
            .map(|s| d.services[s as usize - 1].areas.clone())
            .unwrap_or_default()
    };
    let themes = |l: &Line| {
        d.effective_service(l)
            .map(|s| d.services[s as usize - 1].themes.clone())
            .unwrap_or_default()
    };
    type Keep<'a> = Box<dyn Fn(&Line) -> bool + 'a>;
    let filters: Vec<(Value, Keep)> = vec![
        (Value::Null, Box::new(|_| true)),
        (
            json!({ "financialYear": { "eq": "2022-23" } }),
            Box::new(|l| l.year == 2022),
        ),
        (
            json!({ "commissioner": { "in": [gid("Organisation", 3), gid("Organisation", 7)] } }),
            Box::new(move |l| attributed_to(l, &[3, 7])),
        ),
        (
            json!({ "commissioner": { "isNull": true } }),
            Box::new(|l| l.contract.is_none()),
        ),
        (
            json!({ "district": { "isNull": true } }),
            Box::new(move |l| areas(l).is_empty()),
        ),
        (
            json!({ "district": { "in": [gid("Area", 1)] }, "financialYear": { "gte": "2021-22", "lt": "2024-25" } }),
            Box::new(move |l| areas(l).contains(&1) && (2021..2024).contains(&l.year)),
        ),
        (
            json!({ "or": [{ "quarter": { "eq": "Q1" } }, { "amount": { "gte": "100000.00" } }] }),
            Box::new(|l| l.quarter == Some(1) || l.amount >= 10_000_000),
        ),
        (
            json!({ "not": { "provider": { "isNull": true } } }),
            Box::new(|l| l.contract.is_some()),
        ),
        (
            json!({ "theme": { "in": [gid("Theme", 2)] }, "qualifier": { "ne": "EXACT" } }),
            Box::new(move |l| themes(l).contains(&2) && l.qualifier != Qualifier::Exact),
        ),
        (
            json!({ "theme": { "isNull": false }, "fundingStream": { "in": [gid("FundingStream", 1), gid("FundingStream", 2)] } }),
            Box::new(move |l| !themes(l).is_empty() && l.stream <= 2),
        ),
        (
            json!({ "service": { "eq": gid("Service", 4) } }),
            Box::new(|l| d.effective_service(l) == Some(4)),
        ),
        (
            json!({ "provider": { "in": [gid("Organisation", 5)] } }),
            Box::new(|l| {
                l.contract
                    .is_some_and(|c| d.contracts[c as usize - 1].provider == 5)
            }),
        ),
    ];
    let groupings: Vec<Vec<&str>> = vec![
        vec![],
        vec!["FINANCIAL_YEAR"],
        vec!["QUARTER"],
        vec!["FUNDING_STREAM"],
        vec!["DISTRICT"],
        vec!["PROVIDER"],
        vec!["COMMISSIONER"],
        vec!["SERVICE"],
        vec!["THEME"],
        vec!["COMMISSIONER", "FINANCIAL_YEAR"],
        vec!["DISTRICT", "THEME"],
        vec!["SERVICE", "QUARTER"],
        vec!["PROVIDER", "FUNDING_STREAM", "FINANCIAL_YEAR"],
        vec!["THEME", "COMMISSIONER"],
    ];
    let mut commissioner_groups_checked = 0;
    for (filter, keep) in &filters {
        let totals = d
            .spend_groups(keep.as_ref(), &[])
            .remove(&Vec::new())
            .unwrap_or_default();
        for dims in &groupings {
            let data = app.data(&query, json!({ "f": filter, "g": dims })).await;
            let summary = &data["spendSummary"];
            let expected = d.spend_groups(keep.as_ref(), dims);
            if dims.contains(&"COMMISSIONER") && !dims.contains(&"THEME") {
                // Attributed by cost share: the groups add up to the totals.
                let sum: i64 = expected.values().map(|e| e.sum).sum();
                assert_eq!(sum, totals.sum, "commissioner groups of {filter} add up");
                commissioner_groups_checked += expected.len();
            }
            let label = format!("{filter} by {dims:?}");
            compare(
                summary,
                dims,
                spend_measures(&totals),
                expected,
                spend_measures,
                &label,
            );
        }
    }
    assert!(
        commissioner_groups_checked > 100,
        "the commissioner groups were exercised"
    );
}

pub async fn check_reach(app: &TestApp, d: &Dataset) {
    let query = "query($f: ReachSummaryFilter, $g: [ReachGroupBy!]) { reachSummary(filter: $f, groupBy: $g) { \
         totals { sum qualifier count min max additive wording } \
         groups { key { financialYear indicator { id } service { id } district { id } theme { id } unit } \
         sum qualifier count min max additive wording } } }";
    let areas = |o: &Observation| {
        d.indicator_service(o.indicator)
            .map(|s| d.services[s as usize - 1].areas.clone())
            .unwrap_or_default()
    };
    let themes = |o: &Observation| {
        d.indicator_service(o.indicator)
            .map(|s| d.services[s as usize - 1].themes.clone())
            .unwrap_or_default()
    };
    let ind = |o: &Observation| &d.indicators[o.indicator as usize - 1];
    type Keep<'a> = Box<dyn Fn(&Observation) -> bool + 'a>;
    let filters: Vec<(Value, Keep)> = vec![
        (Value::Null, Box::new(|_| true)),
        (
            json!({ "financialYear": { "eq": "2022-23" } }),
            Box::new(|o| observation_year(o) == Some(2022)),
        ),
        // A period spanning two years matches no year filter, not even `ne`.
        (
            json!({ "financialYear": { "ne": "2022-23" } }),
            Box::new(|o| observation_year(o).is_some_and(|y| y != 2022)),
        ),
        (
            json!({ "indicatorCode": { "in": ["IND-1", "IND-2", "IND-3"] } }),
            Box::new(|o| o.indicator <= 3),
        ),
        (
            json!({ "district": { "isNull": true } }),
            Box::new(move |o| areas(o).is_empty()),
        ),
        (
            json!({ "theme": { "in": [gid("Theme", 1), gid("Theme", 3)] } }),
            Box::new(move |o| themes(o).iter().any(|t| *t == 1 || *t == 3)),
        ),
        (
            json!({ "aggregation": { "eq": "SUM" }, "unit": { "ne": "PERCENT" } }),
            Box::new(move |o| ind(o).additive && ind(o).unit != IndicatorUnit::Percent),
        ),
        (
            json!({ "or": [{ "service": { "isNull": true } }, { "periodEnd": { "gte": "2023-01-01" } }] }),
            Box::new(|o| {
                d.indicator_service(o.indicator).is_none()
                    || o.end >= chrono::NaiveDate::from_ymd_opt(2023, 1, 1).unwrap()
            }),
        ),
        (
            json!({ "contract": { "isNull": false } }),
            Box::new(move |o| ind(o).contract.is_some()),
        ),
        (
            json!({ "qualifier": { "eq": "AT_LEAST" } }),
            Box::new(|o| o.qualifier == Qualifier::AtLeast),
        ),
    ];
    let groupings: Vec<Vec<&str>> = vec![
        vec![],
        vec!["FINANCIAL_YEAR"],
        vec!["INDICATOR"],
        vec!["SERVICE"],
        vec!["DISTRICT"],
        vec!["THEME"],
        vec!["UNIT"],
        vec!["INDICATOR", "FINANCIAL_YEAR"],
        vec!["DISTRICT", "THEME"],
        vec!["UNIT", "SERVICE"],
    ];
    for (filter, keep) in &filters {
        let totals = d
            .reach_groups(keep.as_ref(), &[])
            .remove(&Vec::new())
            .unwrap_or_default();
        for dims in &groupings {
            let data = app.data(query, json!({ "f": filter, "g": dims })).await;
            let expected = d.reach_groups(keep.as_ref(), dims);
            let label = format!("{filter} by {dims:?}");
            compare(
                &data["reachSummary"],
                dims,
                reach_measures(&totals),
                expected,
                reach_measures,
                &label,
            );
        }
    }
}
