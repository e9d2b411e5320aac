//! The expected figures, folded naively over the in-memory dataset: every
//! row visited in Rust, no SQL, and the penny allocation written out again
//! here rather than borrowed from the code under test.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};
use entity::enums::Qualifier;

use super::dataset::{Dataset, Line, Observation};

/// One part of a group key, as the test reads it back from GraphQL.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Part {
    Int(i64),
    Text(String),
}

pub type Key = Vec<Option<Part>>;

/// The measures of a group, in the units stored (pence, value × 10^4).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Expected {
    pub sum: i64,
    pub rows: BTreeSet<i64>,
    pub min: Option<i64>,
    pub max: Option<i64>,
    pub qualifiers: Vec<Qualifier>,
    pub wordings: Vec<Option<String>>,
    pub additive: bool,
    pub units: BTreeSet<String>,
}

impl Expected {
    pub fn add(&mut self, row: i64, amount: i64, q: Qualifier, wording: &Option<String>) {
        if self.rows.is_empty() {
            self.additive = true;
        }
        self.sum += amount;
        self.rows.insert(row);
        self.min = Some(self.min.map_or(amount, |m| m.min(amount)));
        self.max = Some(self.max.map_or(amount, |m| m.max(amount)));
        self.qualifiers.push(q);
        self.wordings.push(wording.clone());
    }

    /// The qualifier of the sum: exact, one direction, or approximate.
    pub fn qualifier(&self) -> &'static str {
        let has = |q: Qualifier| self.qualifiers.contains(&q);
        if has(Qualifier::Approximate) || (has(Qualifier::AtLeast) && has(Qualifier::AtMost)) {
            "APPROXIMATE"
        } else if has(Qualifier::AtLeast) {
            "AT_LEAST"
        } else if has(Qualifier::AtMost) {
            "AT_MOST"
        } else {
            "EXACT"
        }
    }

    /// The wording shown: the single row's, when there is one row.
    pub fn wording(&self) -> Option<String> {
        if self.rows.len() == 1 {
            self.wordings.iter().flatten().min().cloned()
        } else {
            None
        }
    }
}

/// Splits `amount` among `shares` (ppm, in list order) by largest remainder,
/// ties to the earlier share; a negative amount mirrors its absolute value.
pub fn hamilton(amount: i64, shares: &[i64]) -> Vec<i64> {
    let abs = (amount as i128).abs();
    let mut parts: Vec<i128> = shares
        .iter()
        .map(|&s| abs * s as i128 / 1_000_000)
        .collect();
    let mut order: Vec<usize> = (0..shares.len()).collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(abs * shares[i] as i128 % 1_000_000), i));
    let left = abs - parts.iter().sum::<i128>();
    for &i in order.iter().take(left as usize) {
        parts[i] += 1;
    }
    parts
        .into_iter()
        .map(|p| if amount < 0 { -p as i64 } else { p as i64 })
        .collect()
}

impl Dataset {
    pub fn effective_service(&self, line: &Line) -> Option<i64> {
        match line.contract {
            Some(c) => Some(self.contracts[c as usize - 1].service),
            None => line.service,
        }
    }

    /// Each paying organisation's part of a line; empty without a contract.
    pub fn attribution(&self, line: &Line) -> BTreeMap<i64, i64> {
        let mut out = BTreeMap::new();
        let Some(contract) = line.contract else {
            return out;
        };
        let level = |parent: Option<i64>| {
            let mut level: Vec<_> = self
                .shares
                .iter()
                .filter(|s| s.contract == contract && s.parent == parent)
                .collect();
            level.sort_by_key(|s| s.position);
            level
        };
        let top = level(None);
        if top.is_empty() {
            out.insert(self.contracts[contract as usize - 1].lead, line.amount);
            return out;
        }
        let mut stack = vec![(line.amount, top)];
        while let Some((amount, nodes)) = stack.pop() {
            let parts = hamilton(amount, &nodes.iter().map(|s| s.ppm).collect::<Vec<_>>());
            for (node, part) in nodes.iter().zip(parts) {
                let kids = level(Some(node.id));
                if kids.is_empty() {
                    *out.entry(node.organisation).or_insert(0) += part;
                } else {
                    stack.push((part, kids));
                }
            }
        }
        out
    }

    fn service_areas(&self, service: Option<i64>) -> Vec<Option<Part>> {
        let areas = service
            .map(|s| self.services[s as usize - 1].areas.clone())
            .unwrap_or_default();
        with_none(areas)
    }

    fn service_themes(&self, service: Option<i64>) -> Vec<Option<Part>> {
        let themes = service
            .map(|s| self.services[s as usize - 1].themes.clone())
            .unwrap_or_default();
        with_none(themes)
    }

    /// Spend grouped naively: every line, every key it falls under.
    pub fn spend_groups(
        &self,
        keep: &dyn Fn(&Line) -> bool,
        dims: &[&str],
    ) -> BTreeMap<Key, Expected> {
        let mut groups: BTreeMap<Key, Expected> = BTreeMap::new();
        for line in self.lines.iter().filter(|l| keep(l)) {
            let service = self.effective_service(line);
            // (key so far, amount) for every combination of this line's keys.
            let mut rows: Vec<(Key, i64)> = vec![(Vec::new(), line.amount)];
            for dim in dims {
                let options: Vec<(Option<Part>, Option<i64>)> = match *dim {
                    "FINANCIAL_YEAR" => vec![(Some(Part::Int(line.year.into())), None)],
                    "QUARTER" => vec![(line.quarter.map(|q| Part::Int(q.into())), None)],
                    "FUNDING_STREAM" => vec![(Some(Part::Int(line.stream)), None)],
                    "SERVICE" => vec![(service.map(Part::Int), None)],
                    "PROVIDER" => vec![(
                        line.contract
                            .map(|c| Part::Int(self.contracts[c as usize - 1].provider)),
                        None,
                    )],
                    "DISTRICT" => self
                        .service_areas(service)
                        .into_iter()
                        .map(|k| (k, None))
                        .collect(),
                    "THEME" => self
                        .service_themes(service)
                        .into_iter()
                        .map(|k| (k, None))
                        .collect(),
                    "COMMISSIONER" => {
                        let parts = self.attribution(line);
                        if parts.is_empty() {
                            vec![(None, None)]
                        } else {
                            parts
                                .into_iter()
                                .map(|(o, p)| (Some(Part::Int(o)), Some(p)))
                                .collect()
                        }
                    }
                    other => panic!("unknown dimension {other}"),
                };
                rows = rows
                    .into_iter()
                    .flat_map(|(key, amount)| {
                        options.iter().map(move |(part, share)| {
                            let mut key = key.clone();
                            key.push(part.clone());
                            (key, share.unwrap_or(amount))
                        })
                    })
                    .collect();
            }
            for (key, amount) in rows {
                groups
                    .entry(key)
                    .or_default()
                    .add(line.id, amount, line.qualifier, &line.wording);
            }
        }
        groups
    }

    pub fn indicator_service(&self, indicator: i64) -> Option<i64> {
        let i = &self.indicators[indicator as usize - 1];
        i.service
            .or(i.contract.map(|c| self.contracts[c as usize - 1].service))
    }

    /// Observations with a value, grouped naively.
    pub fn reach_groups(
        &self,
        keep: &dyn Fn(&Observation) -> bool,
        dims: &[&str],
    ) -> BTreeMap<Key, Expected> {
        let mut groups: BTreeMap<Key, Expected> = BTreeMap::new();
        for o in self
            .observations
            .iter()
            .filter(|o| o.value.is_some() && keep(o))
        {
            let ind = &self.indicators[o.indicator as usize - 1];
            let service = self.indicator_service(o.indicator);
            let mut keys: Vec<Key> = vec![Vec::new()];
            for dim in dims {
                let options: Vec<Option<Part>> = match *dim {
                    "FINANCIAL_YEAR" => vec![observation_year(o).map(|y| Part::Int(y.into()))],
                    "INDICATOR" => vec![Some(Part::Int(o.indicator))],
                    "SERVICE" => vec![service.map(Part::Int)],
                    "DISTRICT" => self.service_areas(service),
                    "THEME" => self.service_themes(service),
                    "UNIT" => vec![Some(Part::Text(unit_name(ind.unit)))],
                    other => panic!("unknown dimension {other}"),
                };
                keys = keys
                    .into_iter()
                    .flat_map(|k| {
                        options.iter().map(move |p| {
                            let mut k = k.clone();
                            k.push(p.clone());
                            k
                        })
                    })
                    .collect();
            }
            for key in keys {
                let g = groups.entry(key).or_default();
                g.add(o.id, o.value.unwrap(), o.qualifier, &o.wording);
                g.additive &= ind.additive;
                g.units.insert(unit_name(ind.unit));
            }
        }
        groups
    }
}

fn with_none(ids: Vec<i64>) -> Vec<Option<Part>> {
    if ids.is_empty() {
        vec![None]
    } else {
        ids.into_iter().map(|i| Some(Part::Int(i))).collect()
    }
}

pub fn unit_name(unit: entity::enums::IndicatorUnit) -> String {
    use sea_orm::ActiveEnum;
    unit.to_value()
}

pub fn financial_year(date: NaiveDate) -> i32 {
    if date.month() < 4 {
        date.year() - 1
    } else {
        date.year()
    }
}

/// The financial year of an observation's period, if it lies within one.
pub fn observation_year(o: &Observation) -> Option<i32> {
    let year = financial_year(o.start);
    (financial_year(o.end) == year).then_some(year)
}

/// `n ÷ d` rounded half away from zero, and whether nothing was dropped.
pub fn div_round(n: i128, d: i128) -> (i128, bool) {
    let q = n.abs() / d.abs();
    let r = n.abs() % d.abs();
    let q = if 2 * r >= d.abs() { q + 1 } else { q };
    (if (n < 0) != (d < 0) { -q } else { q }, r == 0)
}

/// A number of hundredths as GraphQL shows it: "-0.13", "242.86".
pub fn hundredths(v: i128) -> String {
    let sign = if v < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", v.abs() / 100, v.abs() % 100)
}
