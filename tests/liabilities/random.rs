//! A random dataset of contracts (random starts, terms, values, options and
//! nested splits) and a naive fold over it, written apart from
//! `domain::liabilities`: values apportioned day by day, and the split done
//! by its own largest-remainder loop.

use std::cmp::Reverse;
use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, Months, NaiveDate};
use entity::enums::{
    ContractRecordStatus, EiaStatus, OptionState, OrganisationKind, ProcurementRoute, Qualifier,
    ServiceStatus,
};
use entity::{contract, cost_share, extension_option, organisation, service};
use sea_orm::{ActiveValue::Set, DatabaseConnection, EntityTrait, TransactionTrait};

/// SplitMix64: deterministic, so a failure can be replayed from its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// A number in `lo..hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % (hi - lo) as u64) as i64
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// A generated contract: what the fold reads, and what is stored.
pub struct Contract {
    pub id: i64,
    pub reference: String,
    pub lead: i64,
    pub provider: i64,
    pub start: NaiveDate,
    pub initial_term_months: u32,
    pub ends: api::domain::EndDates,
    pub annual: Option<i64>,
    pub total: Option<i64>,
}

/// A generated cost share.
pub struct Share {
    pub id: i64,
    pub contract: i64,
    pub parent: Option<i64>,
    pub party: i64,
    pub ppm: i64,
    pub position: i32,
}

/// Everything generated. The rows are built with only the columns these
/// tests care about, so columns added later keep their defaults.
pub struct Dataset {
    pub organisations: Vec<(i64, String)>,
    pub contracts: Vec<Contract>,
    pub options: Vec<extension_option::ActiveModel>,
    pub shares: Vec<Share>,
}

const ORGANISATIONS: i64 = 40;
const CONTRACTS: i64 = 600;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

impl Dataset {
    /// Rows of every table.
    pub fn rows(&self) -> usize {
        self.organisations.len() + self.contracts.len() + self.options.len() + self.shares.len()
    }

    /// A dataset from `seed`.
    pub fn generate(seed: u64) -> Dataset {
        let mut rng = Rng(seed);
        // Mixed case and an accent: names must sort the same on both backends.
        let words = [
            "Alder", "birch", "Cedar", "Écrins", "elm", "Oak", "Ash", "rowan",
        ];
        let organisations = (1..=ORGANISATIONS)
            .map(|id| (id, format!("{} {id:02}", words[rng.range(0, 8) as usize])))
            .collect();
        let mut data = Dataset {
            organisations,
            contracts: Vec::new(),
            options: Vec::new(),
            shares: Vec::new(),
        };
        for id in 1..=CONTRACTS {
            data.add_contract(&mut rng, id);
        }
        data
    }

    fn add_contract(&mut self, rng: &mut Rng, id: i64) {
        let start = match id % 40 {
            0 => date(2020, 2, 29),
            1 => date(2024, 2, 29),
            2 => date(2019, 4, 1),
            _ => date(2014, 1, 1) + chrono::Duration::days(rng.range(0, 4500)),
        };
        let term = api::domain::ContractTerm {
            start,
            initial_term_months: rng.range(1, 73) as u32,
        };
        let mut term_end = term.initial_end();
        let mut term_options = Vec::new();
        for sequence in 1..=rng.range(0, 4) as u32 {
            let length_months = rng.range(1, 37) as u32;
            let decide_by = term_end - chrono::Duration::days(rng.range(0, 120));
            let (state, recorded) = match rng.range(0, 4) {
                0 => (OptionState::Available, api::domain::OptionState::Available),
                1 => (OptionState::Declined, api::domain::OptionState::Declined),
                2 => (OptionState::Lapsed, api::domain::OptionState::Lapsed),
                _ => (OptionState::Exercised, api::domain::OptionState::Exercised),
            };
            term_options.push(api::domain::TermOption {
                sequence,
                length_months,
                decide_by,
                state: recorded,
            });
            let decided = matches!(state, OptionState::Exercised | OptionState::Declined);
            self.options.push(extension_option::ActiveModel {
                id: Set(self.options.len() as i64 + 1),
                contract_id: Set(id),
                sequence: Set(sequence as i32),
                length_months: Set(length_months as i32),
                decide_by: Set(decide_by),
                state: Set(state),
                decided_on: Set(decided.then_some(decide_by)),
                is_illustrative: Set(true),
                ..Default::default()
            });
            term_end = api::domain::add_months_to_end(term_end, length_months);
        }
        api::domain::validate_term(start, term.initial_term_months, &term_options).unwrap();
        let (kind, a, b) = (
            rng.range(0, 10),
            rng.range(0, 2_000_000_000),
            rng.range(0, 2_000_000_000),
        );
        let (annual, total) = match kind {
            0..=3 => (Some(a), None),
            4 => (Some(a), Some(b)),
            5..=7 => (None, Some(b)),
            _ => (None, None),
        };
        let letter = (b'A' + rng.range(0, 26) as u8) as char;
        self.contracts.push(Contract {
            id,
            reference: format!("{letter}-{id:04}"),
            lead: rng.range(1, ORGANISATIONS + 1),
            provider: rng.range(1, ORGANISATIONS + 1),
            start,
            initial_term_months: term.initial_term_months,
            ends: term.end_dates(&term_options),
            annual,
            total,
        });
        if rng.chance(75) {
            self.add_split(rng, id, None, 2);
        }
    }

    /// One level of a split with up to `depth` levels below it; parties are
    /// distinct among siblings but may repeat across branches.
    fn add_split(&mut self, rng: &mut Rng, contract: i64, parent: Option<i64>, depth: u32) {
        let n = rng.range(1, 5) as usize;
        let mut parties: Vec<i64> = Vec::new();
        while parties.len() < n {
            let party = rng.range(1, ORGANISATIONS + 1);
            if !parties.contains(&party) {
                parties.push(party);
            }
        }
        let weights: Vec<i64> = (0..n).map(|_| rng.range(1, 1000)).collect();
        let sum: i64 = weights.iter().sum();
        let mut ppms: Vec<i64> = weights.iter().map(|w| w * 1_000_000 / sum).collect();
        ppms[0] += 1_000_000 - ppms.iter().sum::<i64>();
        for (party, ppm) in parties.into_iter().zip(ppms) {
            let id = self.shares.len() as i64 + 1;
            self.shares.push(Share {
                id,
                contract,
                parent,
                party,
                ppm,
                // Sibling order is by position, then id: not the id order.
                position: rng.range(0, 3) as i32,
            });
            if depth > 0 && rng.chance(30) {
                self.add_split(rng, contract, Some(id), depth - 1);
            }
        }
    }

    /// Inserts everything through the entities, in one transaction.
    pub async fn insert(&self, db: &DatabaseConnection) {
        let txn = db.begin().await.unwrap();
        let organisations = self
            .organisations
            .iter()
            .map(|(id, name)| organisation::ActiveModel {
                id: Set(*id),
                name: Set(name.clone()),
                kind: Set(OrganisationKind::PublicBody),
                is_illustrative: Set(true),
                ..Default::default()
            });
        organisation::Entity::insert_many(organisations)
            .exec(&txn)
            .await
            .unwrap();
        service::Entity::insert(service::ActiveModel {
            id: Set(1),
            code: Set("RANDOM".into()),
            name: Set("Random service".into()),
            status: Set(ServiceStatus::Active),
            is_illustrative: Set(true),
            ..Default::default()
        })
        .exec(&txn)
        .await
        .unwrap();
        for chunk in self.contracts.chunks(100) {
            let rows = chunk.iter().map(|c| contract::ActiveModel {
                id: Set(c.id),
                reference: Set(c.reference.clone()),
                title: Set(format!("Contract {}", c.id)),
                service_id: Set(1),
                provider_id: Set(c.provider),
                lead_commissioner_id: Set(c.lead),
                start_date: Set(c.start),
                initial_term_months: Set(c.initial_term_months as i32),
                initial_end_date: Set(c.ends.initial),
                current_end_date: Set(c.ends.current),
                contractual_end_date: Set(c.ends.contractual),
                annual_value_pence: Set(c.annual),
                annual_value_qualifier: Set(c.annual.map(|_| Qualifier::Exact)),
                total_value_pence: Set(c.total),
                total_value_qualifier: Set(c.total.map(|_| Qualifier::Exact)),
                status: Set(ContractRecordStatus::Awarded),
                procurement_route: Set(ProcurementRoute::Unknown),
                eia_status: Set(EiaStatus::NotStarted),
                is_illustrative: Set(true),
                ..Default::default()
            });
            contract::Entity::insert_many(rows)
                .exec(&txn)
                .await
                .unwrap();
        }
        for chunk in self.options.chunks(200) {
            extension_option::Entity::insert_many(chunk.to_vec())
                .exec(&txn)
                .await
                .unwrap();
        }
        for chunk in self.shares.chunks(200) {
            let rows = chunk.iter().map(|s| cost_share::ActiveModel {
                id: Set(s.id),
                contract_id: Set(s.contract),
                parent_id: Set(s.parent),
                organisation_id: Set(s.party),
                share_ppm: Set(s.ppm as i32),
                position: Set(s.position),
                is_illustrative: Set(true),
                ..Default::default()
            });
            cost_share::Entity::insert_many(rows)
                .exec(&txn)
                .await
                .unwrap();
        }
        txn.commit().await.unwrap();
    }
}

/// A contract's figure for a year as the fold sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContractFigure {
    /// Its value for the year in pence, if it records a value.
    pub value: Option<i64>,
    /// Days of its term in the year.
    pub days: i64,
}

/// One year's answer: per payer name, its total and its amount per
/// contract reference; and per contract reference, its figure.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct YearAnswer {
    pub total: i64,
    pub payers: BTreeMap<String, (i64, BTreeMap<String, Option<i64>>)>,
    pub contracts: BTreeMap<String, ContractFigure>,
}

/// A contract's figure in every financial year (by start year) of its term,
/// walking the term day by day. Annual values are counted in units of
/// 1/(365 × 366) of a penny, since every contract year has 365 or 366 days;
/// a total gives each day total/term-days. Each year is rounded half up.
fn apportion(c: &Contract) -> BTreeMap<i32, ContractFigure> {
    const UNIT: i128 = 365 * 366;
    let term_days = (c.ends.current - c.start).num_days() + 1;
    // Per year: numerator, denominator, days.
    let mut exact: BTreeMap<i32, (i128, i128, i64)> = BTreeMap::new();
    let (mut year_start, mut k) = (c.start, 0u32);
    let mut next = c.start + Months::new(12);
    let mut day = c.start;
    while day <= c.ends.current {
        while day >= next {
            k += 1;
            year_start = next;
            next = c.start + Months::new(12 * (k + 1));
        }
        let april = date(day.year(), 4, 1);
        let fy = if day >= april {
            day.year()
        } else {
            day.year() - 1
        };
        let entry = exact.entry(fy).or_insert((0, 1, 0));
        entry.2 += 1;
        match (c.annual, c.total) {
            (Some(annual), _) => {
                let length = (next - year_start).num_days() as i128;
                assert!(
                    length == 365 || length == 366,
                    "a contract year of {length} days"
                );
                entry.0 += i128::from(annual) * (UNIT / length);
                entry.1 = UNIT;
            }
            (None, Some(total)) => {
                entry.0 += i128::from(total);
                entry.1 = i128::from(term_days);
            }
            (None, None) => {}
        }
        day = day.succ_opt().unwrap();
    }
    let valued = c.annual.is_some() || c.total.is_some();
    exact
        .into_iter()
        .map(|(fy, (numerator, denominator, days))| {
            let rounded = (2 * numerator + denominator) / (2 * denominator);
            let value = valued.then(|| i64::try_from(rounded).unwrap());
            (fy, ContractFigure { value, days })
        })
        .collect()
}

/// Splits `amount` down the split below `parent`, largest remainder first
/// (equal remainders: the sibling first in position, then id, order).
fn split_down(
    amount: i64,
    parent: Option<i64>,
    children: &HashMap<Option<i64>, Vec<&Share>>,
    out: &mut Vec<(i64, i64)>,
) {
    let level = &children[&parent];
    let mut parts: Vec<i128> = Vec::new();
    let mut order: Vec<(Reverse<i128>, usize)> = Vec::new();
    for (i, share) in level.iter().enumerate() {
        let exact = i128::from(amount) * i128::from(share.ppm);
        parts.push(exact / 1_000_000);
        order.push((Reverse(exact % 1_000_000), i));
    }
    order.sort();
    let short = i128::from(amount) - parts.iter().sum::<i128>();
    for &(_, i) in order.iter().take(short as usize) {
        parts[i] += 1;
    }
    for (share, part) in level.iter().zip(parts) {
        if children.contains_key(&Some(share.id)) {
            split_down(part as i64, Some(share.id), children, out);
        } else {
            out.push((share.party, part as i64));
        }
    }
}

/// Who pays what of one contract for one year: every leaf payer with its
/// amount (`None` when the contract has no value), merged per payer.
fn payers_of(c: &Contract, value: Option<i64>, shares: &[&Share]) -> BTreeMap<i64, Option<i64>> {
    let mut children: HashMap<Option<i64>, Vec<&Share>> = HashMap::new();
    for share in shares {
        children.entry(share.parent).or_default().push(share);
    }
    for level in children.values_mut() {
        level.sort_by_key(|s| (s.position, s.id));
    }
    let mut leaves = Vec::new();
    if shares.is_empty() {
        leaves.push((c.lead, value.unwrap_or(0)));
    } else {
        split_down(value.unwrap_or(0), None, &children, &mut leaves);
    }
    let mut merged: BTreeMap<i64, Option<i64>> = BTreeMap::new();
    for (party, amount) in leaves {
        let entry = merged.entry(party).or_insert(value.map(|_| 0));
        *entry = entry.map(|a| a + amount);
    }
    merged
}

/// The naive answer for every financial year any contract touches.
pub fn fold(data: &Dataset) -> BTreeMap<i32, YearAnswer> {
    let names: HashMap<i64, &str> = data
        .organisations
        .iter()
        .map(|(id, name)| (*id, name.as_str()))
        .collect();
    let mut shares: HashMap<i64, Vec<&Share>> = HashMap::new();
    for share in &data.shares {
        shares.entry(share.contract).or_default().push(share);
    }
    let mut years: BTreeMap<i32, YearAnswer> = BTreeMap::new();
    for c in &data.contracts {
        let own = shares.get(&c.id).map(Vec::as_slice).unwrap_or_default();
        for (fy, figure) in apportion(c) {
            let year = years.entry(fy).or_default();
            for (party, amount) in payers_of(c, figure.value, own) {
                let payer = year.payers.entry(names[&party].to_owned()).or_default();
                payer.0 += amount.unwrap_or(0);
                payer.1.insert(c.reference.clone(), amount);
            }
            year.total += figure.value.unwrap_or(0);
            year.contracts.insert(c.reference.clone(), figure);
        }
    }
    years
}
