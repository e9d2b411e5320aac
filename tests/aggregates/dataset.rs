//! A random but deterministic dataset for checking aggregates: a few
//! thousand spend lines and observations over random services, contracts
//! (with nested cost splits), budgets, indicators and grant rounds, kept in
//! memory for the naive folds (`naive.rs`) and inserted through the
//! entities (`insert.rs`).

use chrono::NaiveDate;
use entity::enums::{IndicatorUnit, Qualifier};

/// SplitMix64: small, fast and the same on every machine.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    pub fn pick<T: Clone>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize].clone()
    }
    /// Up to `max` distinct items.
    pub fn some_of(&mut self, items: &[i64], max: u64) -> Vec<i64> {
        let mut out: Vec<i64> = Vec::new();
        for _ in 0..self.below(max + 1) {
            let item = self.pick(items);
            if !out.contains(&item) {
                out.push(item);
            }
        }
        out
    }
    /// Mostly exact, sometimes loose.
    pub fn qualifier(&mut self) -> Qualifier {
        match self.below(10) {
            0 => Qualifier::Approximate,
            1 => Qualifier::AtLeast,
            2 => Qualifier::AtMost,
            _ => Qualifier::Exact,
        }
    }
}

pub struct Service {
    pub id: i64,
    pub areas: Vec<i64>,
    pub themes: Vec<i64>,
}
pub struct Contract {
    pub id: i64,
    pub service: i64,
    pub provider: i64,
    pub lead: i64,
}
pub struct Share {
    pub id: i64,
    pub contract: i64,
    pub parent: Option<i64>,
    pub organisation: i64,
    pub ppm: i64,
    pub position: i32,
}
pub struct Line {
    pub id: i64,
    pub stream: i64,
    pub year: i32,
    pub quarter: Option<i32>,
    pub service: Option<i64>,
    pub contract: Option<i64>,
    pub amount: i64,
    pub qualifier: Qualifier,
    pub wording: Option<String>,
}
pub struct Budget {
    pub stream: i64,
    pub year: i32,
    pub amount: i64,
    pub qualifier: Qualifier,
}
pub struct Indicator {
    pub id: i64,
    pub code: String,
    pub unit: IndicatorUnit,
    pub additive: bool,
    pub service: Option<i64>,
    pub contract: Option<i64>,
    pub round: Option<i64>,
    pub organisation: Option<i64>,
}
pub struct Observation {
    pub id: i64,
    pub indicator: i64,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub value: Option<i64>,
    pub qualifier: Qualifier,
    pub wording: Option<String>,
}
pub struct Round {
    pub id: i64,
    pub number: i32,
    pub pot: Option<(i64, Qualifier)>,
    pub applications: Option<(i32, Qualifier)>,
    pub requested: Option<(i64, Qualifier)>,
}
pub struct Award {
    pub id: i64,
    pub round: i64,
    pub amount: i64,
    pub areas: Vec<i64>,
    pub themes: Vec<i64>,
}

pub const PROGRAMME: &str = "Random grants";
pub const YEARS: std::ops::RangeInclusive<i32> = 2019..=2024;

#[derive(Default)]
pub struct Dataset {
    pub streams: Vec<i64>,
    pub areas: Vec<i64>,
    pub themes: Vec<i64>,
    pub organisations: Vec<i64>,
    pub services: Vec<Service>,
    pub contracts: Vec<Contract>,
    pub shares: Vec<Share>,
    pub lines: Vec<Line>,
    pub budgets: Vec<Budget>,
    pub indicators: Vec<Indicator>,
    pub observations: Vec<Observation>,
    pub rounds: Vec<Round>,
    pub awards: Vec<Award>,
}

/// `n` positive parts per million summing to exactly 1,000,000.
fn ppm_split(rng: &mut Rng, n: usize) -> Vec<i64> {
    let weights: Vec<i64> = (0..n).map(|_| rng.range(1, 1000)).collect();
    let total: i64 = weights.iter().sum();
    let mut ppm: Vec<i64> = weights
        .iter()
        .map(|w| (w * 1_000_000 / total).max(1))
        .collect();
    ppm[0] += 1_000_000 - ppm.iter().sum::<i64>();
    ppm
}

impl Dataset {
    pub fn generate(seed: u64, lines: usize, observations: usize) -> Dataset {
        let mut rng = Rng::new(seed);
        let mut d = Dataset {
            streams: (1..=5).collect(),
            areas: (1..=7).collect(),
            themes: (1..=6).collect(),
            organisations: (1..=20).collect(),
            ..Dataset::default()
        };
        for id in 1..=20 {
            let areas = rng.some_of(&d.areas, 3);
            let themes = rng.some_of(&d.themes, 3);
            d.services.push(Service { id, areas, themes });
        }
        let mut share_id = 0;
        for id in 1..=15 {
            let contract = Contract {
                id,
                service: rng.range(1, 20),
                provider: rng.pick(&d.organisations),
                lead: rng.pick(&d.organisations),
            };
            if rng.chance(75) {
                let top = rng.some_of(&d.organisations, 4);
                let top = if top.is_empty() {
                    vec![contract.lead]
                } else {
                    top
                };
                for (position, (org, ppm)) in
                    top.iter().zip(ppm_split(&mut rng, top.len())).enumerate()
                {
                    share_id += 1;
                    let parent = share_id;
                    d.shares.push(Share {
                        id: parent,
                        contract: id,
                        parent: None,
                        organisation: *org,
                        ppm,
                        position: position as i32,
                    });
                    if rng.chance(35) {
                        let kids = rng.some_of(&d.organisations, 3);
                        let kids = if kids.is_empty() { vec![*org] } else { kids };
                        let split = ppm_split(&mut rng, kids.len());
                        for (position, (kid, ppm)) in kids.iter().zip(split).enumerate() {
                            share_id += 1;
                            d.shares.push(Share {
                                id: share_id,
                                contract: id,
                                parent: Some(parent),
                                organisation: *kid,
                                ppm,
                                position: position as i32,
                            });
                        }
                    }
                }
            }
            d.contracts.push(contract);
        }
        for id in 1..=lines as i64 {
            let contract = rng.chance(55).then(|| rng.range(1, 15));
            let service = match contract {
                Some(c) if rng.chance(50) => Some(d.contracts[c as usize - 1].service),
                Some(_) => None,
                None => rng.chance(70).then(|| rng.range(1, 20)),
            };
            let amount = if rng.chance(5) {
                -rng.range(1, 500_000)
            } else {
                rng.range(0, 30_000_000)
            };
            d.lines.push(Line {
                id,
                stream: rng.pick(&d.streams),
                year: rng.range(*YEARS.start() as i64, *YEARS.end() as i64) as i32,
                quarter: rng.chance(70).then(|| rng.range(1, 4) as i32),
                service,
                contract,
                amount,
                qualifier: rng.qualifier(),
                wording: rng
                    .chance(10)
                    .then(|| rng.pick(&["just under", "over", "about"]).to_owned()),
            });
        }
        for &stream in &d.streams {
            for year in YEARS {
                if rng.chance(60) {
                    let amount = if rng.chance(10) {
                        0
                    } else {
                        rng.range(1, 900_000_000)
                    };
                    let qualifier = rng.qualifier();
                    d.budgets.push(Budget {
                        stream,
                        year,
                        amount,
                        qualifier,
                    });
                }
            }
        }
        for number in 1..=5 {
            let money = |rng: &mut Rng| {
                rng.chance(80)
                    .then(|| (rng.range(0, 90_000_000), rng.qualifier()))
            };
            let pot = money(&mut rng);
            let requested = money(&mut rng);
            let applications = rng
                .chance(80)
                .then(|| (rng.range(0, 300) as i32, rng.qualifier()));
            d.rounds.push(Round {
                id: number,
                number: number as i32,
                pot,
                applications,
                requested,
            });
        }
        for id in 1..=80 {
            let areas = rng.some_of(&d.areas, 3);
            let themes = rng.some_of(&d.themes, 2);
            d.awards.push(Award {
                id,
                round: rng.range(1, 5),
                amount: rng.range(0, 5_000_000),
                areas,
                themes,
            });
        }
        let units = [
            IndicatorUnit::People,
            IndicatorUnit::Percent,
            IndicatorUnit::Cases,
            IndicatorUnit::Referrals,
            IndicatorUnit::Count,
        ];
        for id in 1..=14 {
            let mut ind = Indicator {
                id,
                code: format!("IND-{id}"),
                unit: rng.pick(&units),
                additive: rng.chance(70),
                service: None,
                contract: None,
                round: None,
                organisation: None,
            };
            match rng.below(4) {
                0 => ind.service = Some(rng.range(1, 20)),
                1 => ind.contract = Some(rng.range(1, 15)),
                2 => ind.round = Some(rng.range(1, 5)),
                _ => ind.organisation = Some(rng.pick(&d.organisations)),
            }
            d.indicators.push(ind);
        }
        let first = NaiveDate::from_ymd_opt(2019, 1, 1).unwrap();
        for id in 1..=observations as i64 {
            let start = first + chrono::Days::new(rng.below(6 * 365));
            let end = start + chrono::Days::new(rng.below(400));
            d.observations.push(Observation {
                id,
                indicator: rng.range(1, 14),
                start,
                end,
                value: rng.chance(92).then(|| rng.range(0, 5_000_000_000)),
                qualifier: rng.qualifier(),
                wording: rng.chance(10).then(|| "just over".to_owned()),
            });
        }
        d
    }
}
