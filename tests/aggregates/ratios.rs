//! The checks of the ratios and round summaries on the random dataset:
//! each figure against the naive fold of `naive.rs`.

use std::collections::BTreeMap;

use entity::enums::{IndicatorUnit, Qualifier};
use serde_json::{json, Value};

use super::common::TestApp;
use super::dataset::{Award, Dataset, Observation, PROGRAMME, YEARS};
use super::naive::{div_round, hundredths, observation_year, Expected, Part};
use super::random::{e4, gid, money, qualifier_name};

/// The expected ratio object for `n ÷ d`, or null.
fn ratio(n: i64, n_exact: bool, d: i64, d_exact: bool) -> Value {
    if d == 0 {
        return Value::Null;
    }
    let (value, v_exact) = div_round(i128::from(n) * 100, d.into());
    let (pct, p_exact) = div_round(i128::from(n) * 10_000, d.into());
    let exact = n_exact && d_exact && v_exact && p_exact;
    json!({ "value": hundredths(value), "percentage": hundredths(pct), "qualifier": if exact { "EXACT" } else { "APPROXIMATE" } })
}

pub async fn check_utilisation(app: &TestApp, d: &Dataset) {
    let query = "query($f: BudgetUtilisationFilter) { budgetUtilisation(filter: $f) { \
        fundingStream { id } financialYear budget { money { amount } qualifier } \
        spend { money { amount } qualifier wording } spendLinesCount utilisation { value percentage qualifier } missing } }";
    for (filter, streams, years) in [
        (Value::Null, vec![1, 2, 3, 4, 5], YEARS.collect::<Vec<_>>()),
        (
            json!({ "financialYear": { "eq": "2022-23" }, "fundingStream": { "in": [gid("FundingStream", 1), gid("FundingStream", 3)] } }),
            vec![1, 3],
            vec![2022],
        ),
    ] {
        let data = app.data(query, json!({ "f": filter })).await;
        let mut want = Vec::new();
        for &stream in &streams {
            for &year in &years {
                let budget = d
                    .budgets
                    .iter()
                    .find(|b| b.stream == stream && b.year == year);
                let spend = d
                    .spend_groups(&|l| l.stream == stream && l.year == year, &[])
                    .remove(&Vec::new());
                if budget.is_none() && spend.is_none() {
                    continue;
                }
                let mut missing = Vec::new();
                match budget {
                    None => missing.push("NO_BUDGET"),
                    Some(b) if b.amount == 0 => missing.push("ZERO_BUDGET"),
                    Some(_) => {}
                }
                if spend.is_none() {
                    missing.push("NO_SPEND");
                }
                let utilisation = match (budget, &spend) {
                    (Some(b), Some(s)) if missing.is_empty() => ratio(
                        s.sum,
                        s.qualifier() == "EXACT",
                        b.amount,
                        b.qualifier == Qualifier::Exact,
                    ),
                    _ => Value::Null,
                };
                want.push(json!({
                    "fundingStream": { "id": gid("FundingStream", stream) },
                    "financialYear": format!("{year}-{:02}", (year + 1) % 100),
                    "budget": budget.map(|b| json!({ "money": money(b.amount), "qualifier": qualifier_name(b.qualifier) })),
                    "spend": spend.as_ref().map(|s| json!({ "money": money(s.sum), "qualifier": s.qualifier(), "wording": s.wording() })),
                    "spendLinesCount": spend.as_ref().map_or(0, |s| s.rows.len()),
                    "utilisation": utilisation,
                    "missing": missing,
                }));
            }
        }
        assert!(want.len() > 1, "several streams and years");
        assert_eq!(
            data["budgetUtilisation"],
            Value::Array(want),
            "budget utilisation for {filter}"
        );
    }
}

pub async fn check_cost_per_outcome(app: &TestApp, d: &Dataset) {
    let fields = "spend { money { amount } qualifier wording } spendLinesCount \
        outcome { value qualifier wording } observationsCount costPerOutcome { money { amount } qualifier } missing";
    // One operation per indicator: six aliases, well within the alias limit.
    let mut data = json!({});
    for i in &d.indicators {
        let mut query = String::from("{");
        for year in YEARS {
            let label = format!("{year}-{:02}", (year + 1) % 100);
            query += &format!(
                " c{}_{year}: costPerOutcome(indicatorCode: \"{}\", financialYear: \"{label}\") {{ {fields} }}",
                i.id, i.code
            );
        }
        let answer = app.data(&(query + " }"), json!({})).await;
        for (alias, value) in answer.as_object().expect("an object") {
            data[alias] = value.clone();
        }
    }
    let unknown =
        "{ costPerOutcome(indicatorCode: \"NO-SUCH\", financialYear: \"2022-23\") { missing } }";
    assert_eq!(
        app.data(unknown, json!({})).await["costPerOutcome"],
        Value::Null
    );
    let mut costs = 0;
    for i in &d.indicators {
        for year in YEARS {
            let spend: Option<Expected> = if let Some(s) = i.service {
                d.spend_groups(
                    &|l| l.year == year && d.effective_service(l) == Some(s),
                    &[],
                )
                .remove(&Vec::new())
            } else if let Some(c) = i.contract {
                d.spend_groups(&|l| l.year == year && l.contract == Some(c), &[])
                    .remove(&Vec::new())
            } else if let Some(o) = i.organisation {
                d.spend_groups(&|l| l.year == year, &["COMMISSIONER"])
                    .remove(&vec![Some(Part::Int(o))])
            } else {
                None
            };
            let in_year: Vec<&Observation> = d
                .observations
                .iter()
                .filter(|o| {
                    o.indicator == i.id && o.value.is_some() && observation_year(o) == Some(year)
                })
                .collect();
            let outcome = if i.additive {
                d.reach_groups(
                    &|o| o.indicator == i.id && observation_year(o) == Some(year),
                    &[],
                )
                .remove(&Vec::new())
            } else {
                in_year.iter().max_by_key(|o| (o.end, o.id)).map(|o| {
                    let mut e = Expected::default();
                    e.add(o.id, o.value.unwrap(), o.qualifier, &o.wording);
                    e
                })
            };
            let mut missing = Vec::new();
            if spend.is_none() {
                missing.push("NO_SPEND");
            }
            if i.unit == IndicatorUnit::Percent {
                missing.push("NOT_A_COUNT");
            }
            match &outcome {
                None => missing.push("NO_OUTCOME"),
                Some(o) if o.sum <= 0 => missing.push("OUTCOME_NOT_POSITIVE"),
                Some(_) => {}
            }
            let cost = match (&spend, &outcome) {
                (Some(s), Some(o)) if missing.is_empty() => {
                    costs += 1;
                    let (pence, exact) = div_round(i128::from(s.sum) * 10_000, o.sum.into());
                    let exact = exact && s.qualifier() == "EXACT" && o.qualifier() == "EXACT";
                    json!({ "money": money(pence as i64), "qualifier": if exact { "EXACT" } else { "APPROXIMATE" } })
                }
                _ => Value::Null,
            };
            let want = json!({
                "spend": spend.as_ref().map(|s| json!({ "money": money(s.sum), "qualifier": s.qualifier(), "wording": s.wording() })),
                "spendLinesCount": spend.as_ref().map_or(0, |s| s.rows.len()),
                "outcome": outcome.as_ref().map(|o| json!({ "value": e4(o.sum), "qualifier": o.qualifier(), "wording": o.wording() })),
                "observationsCount": outcome.as_ref().map_or(0, |o| o.rows.len()),
                "costPerOutcome": cost,
                "missing": missing,
            });
            assert_eq!(
                data[format!("c{}_{year}", i.id)],
                want,
                "cost per outcome of {} in {year}",
                i.code
            );
        }
    }
    assert!(costs > 5, "some costs per outcome were computed ({costs})");
}

pub async fn check_rounds(app: &TestApp, d: &Dataset) {
    let query = "query($p: String!) { grantProgramme(name: $p) { rounds { number summary { \
        pot { money { amount } qualifier } awardedTotal { amount } awardsCount remaining { money { amount } qualifier } \
        applicationsReceived { value qualifier } amountRequested { money { amount } qualifier } \
        oversubscription { value percentage qualifier } successRate { value percentage qualifier } \
        awardsByDistrict { district { id } total { amount } count } awardsByTheme { theme { id } total { amount } count } } } } }";
    let data = app.data(query, json!({ "p": PROGRAMME })).await;
    let rounds = data["grantProgramme"]["rounds"].as_array().expect("rounds");
    assert_eq!(rounds.len(), d.rounds.len());
    for (got, r) in rounds.iter().zip(&d.rounds) {
        let awards: Vec<_> = d.awards.iter().filter(|a| a.round == r.id).collect();
        let total: i64 = awards.iter().map(|a| a.amount).sum();
        let by = |type_name: &str, field: &str, keys: &dyn Fn(&Award) -> Vec<i64>| {
            let mut groups: BTreeMap<(bool, i64), (i64, usize)> = BTreeMap::new();
            for a in &awards {
                let ks = keys(a);
                let ks: Vec<(bool, i64)> = if ks.is_empty() {
                    vec![(true, 0)]
                } else {
                    ks.into_iter().map(|k| (false, k)).collect()
                };
                for k in ks {
                    let g = groups.entry(k).or_default();
                    g.0 += a.amount;
                    g.1 += 1;
                }
            }
            Value::Array(
                groups
                    .into_iter()
                    .map(|((none, k), (sum, n))| {
                        let key = if none {
                            Value::Null
                        } else {
                            json!({ "id": gid(type_name, k) })
                        };
                        json!({ field: key, "total": money(sum), "count": n })
                    })
                    .collect(),
            )
        };
        let exact = |q: Qualifier| q == Qualifier::Exact;
        let want = json!({
            "pot": r.pot.map(|(p, q)| json!({ "money": money(p), "qualifier": qualifier_name(q) })),
            "awardedTotal": money(total),
            "awardsCount": awards.len(),
            "remaining": r.pot.map(|(p, q)| json!({ "money": money(p - total), "qualifier": qualifier_name(q) })),
            "applicationsReceived": r.applications.map(|(n, q)| json!({ "value": n, "qualifier": qualifier_name(q) })),
            "amountRequested": r.requested.map(|(p, q)| json!({ "money": money(p), "qualifier": qualifier_name(q) })),
            "oversubscription": match (r.requested, r.pot) {
                (Some((req, rq)), Some((pot, pq))) => ratio(req, exact(rq), pot, exact(pq)),
                _ => Value::Null,
            },
            "successRate": r.applications.map_or(Value::Null, |(n, q)| ratio(awards.len() as i64, true, n.into(), exact(q))),
            "awardsByDistrict": by("Area", "district", &|a| a.areas.clone()),
            "awardsByTheme": by("Theme", "theme", &|a| a.themes.clone()),
        });
        assert_eq!(got["number"], r.number);
        assert_eq!(got["summary"], want, "summary of round {}", r.number);
    }
}
