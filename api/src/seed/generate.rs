//! A deterministic synthetic dataset at a chosen scale, for benchmarks and
//! load tests: `commtrack generate --scale small|national --seed N`.
//!
//! The same scale and seed always give the same rows (ChaCha8, seeded). The
//! shapes follow what a national deployment holds: most contracts small and a
//! few large (values spread over three orders of magnitude), starts spread
//! over ten financial years so that decisions and expiries fall all through
//! the calendar, splits mostly single-payer with some shared and some nested,
//! spend by quarter over ten years, quarterly reach figures. Rows go in by
//! multi-row `INSERT`s of a few hundred rows, table by table, in one
//! transaction per table.

use std::time::Instant;

use chrono::NaiveDate;
use entity::enums::{
    Aggregation, AreaKind, ContractRecordStatus, EiaStatus, IndicatorUnit, OptionState,
    OrganisationKind, ProcurementRoute, Qualifier, Role, ServiceStatus,
};
use entity::*;
use indicatif::ProgressBar;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DatabaseConnection, EntityName,
    EntityTrait, PaginatorTrait, TransactionTrait,
};

use crate::domain::{self, ContractTerm, FinancialYear, TermOption};
use crate::error::{AppError, AppResult};

/// How big a dataset to generate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scale {
    /// Organisations (commissioners, providers, recipients).
    pub organisations: usize,
    /// Services.
    pub services: usize,
    /// Contracts (each with 0–2 options and a split).
    pub contracts: usize,
    /// Spend lines, over ten financial years.
    pub spend_lines: usize,
    /// Observations (40 quarterly periods per indicator).
    pub observations: usize,
    /// Grant awards.
    pub grant_awards: usize,
}

impl Scale {
    /// A few thousand rows: for smoke runs and tests.
    pub const SMALL: Scale = Scale {
        organisations: 100,
        services: 400,
        contracts: 1_000,
        spend_lines: 20_000,
        observations: 20_000,
        grant_awards: 400,
    };
    /// A national deployment: 41 policing areas' commissioning.
    pub const NATIONAL: Scale = Scale {
        organisations: 2_000,
        services: 20_000,
        contracts: 50_000,
        spend_lines: 1_000_000,
        observations: 1_000_000,
        grant_awards: 20_000,
    };
}

/// Rows per multi-row INSERT: at most ~25 columns each, well inside both
/// backends' parameter limits.
const BATCH: usize = 500;
/// The first financial year of generated spend and contracts (2016-17).
const FIRST_YEAR: i32 = 2016;
/// Financial years covered.
const YEARS: i32 = 10;

const THEMES: [&str; 7] = [
    "Child Sexual Abuse and Exploitation",
    "Domestic Abuse",
    "Fraud & Cyber Crime",
    "Human Trafficking and Modern Slavery",
    "So-called \"Honour\" Based Abuse",
    "Stalking and Harassment",
    "Rape and Sexual Offences",
];
const STREAMS: [&str; 5] = [
    "Victims of Crime",
    "Community Safety",
    "Criminal Justice",
    "Violence Reduction Unit",
    "Partnership Contributions",
];
/// Policing areas of England and Wales.
const AREAS: usize = 41;

const fn pounds(amount: i64) -> i64 {
    amount * 100
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid generated date")
}

/// Inserts `rows` into an empty table, in batches, in one transaction.
/// Rows carry explicit ids (row k has id k + 1) so that related rows can name
/// them without reading them back.
async fn insert_all<A>(
    db: &DatabaseConnection,
    progress: &ProgressBar,
    rows: Vec<A>,
) -> AppResult<()>
where
    A: ActiveModelTrait + Send,
    <A::Entity as EntityTrait>::Model: sea_orm::IntoActiveModel<A> + Sync,
{
    let txn = db.begin().await?;
    let before = <A::Entity as EntityTrait>::find().count(&txn).await?;
    if before != 0 {
        return Err(AppError::bad_input(
            "GENERATE_NOT_EMPTY",
            "the generator fills an empty database: this one already holds data",
        ));
    }
    progress.set_message(<A::Entity as Default>::default().table_name().to_owned());
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let batch: Vec<A> = rows.by_ref().take(BATCH).collect();
        let count = batch.len() as u64;
        <A::Entity as EntityTrait>::insert_many(batch)
            .exec_without_returning(&txn)
            .await?;
        progress.inc(count);
    }
    txn.commit().await?;
    Ok(())
}

/// Tables whose ids the generator sets; PostgreSQL's identity sequences must
/// then move past them so that later inserts get fresh ids.
const ID_TABLES: [&str; 15] = [
    "areas",
    "themes",
    "funding_streams",
    "organisations",
    "services",
    "contracts",
    "extension_options",
    "cost_shares",
    "budgets",
    "spend_lines",
    "indicators",
    "observations",
    "grant_programmes",
    "grant_rounds",
    "grant_awards",
];

async fn advance_sequences(db: &DatabaseConnection) -> AppResult<()> {
    if db.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        for table in ID_TABLES {
            db.execute_unprepared(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
            ))
            .await?;
        }
    }
    Ok(())
}

/// Generates a dataset into an empty database; returns a one-line summary.
pub async fn generate(db: &DatabaseConnection, scale: Scale, seed: u64) -> AppResult<String> {
    generate_with_progress(db, scale, seed, &ProgressBar::hidden()).await
}

/// [`generate`], counting the rows inserted on `progress`, table by table.
pub async fn generate_with_progress(
    db: &DatabaseConnection,
    scale: Scale,
    seed: u64,
    progress: &ProgressBar,
) -> AppResult<String> {
    let started = Instant::now();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    // Row k of every table gets id k + 1.
    let id = |k: usize| k as i64 + 1;

    // Reference data.
    let mut areas = Vec::new();
    for a in 0..AREAS {
        areas.push(area::ActiveModel {
            id: Set(id(a)),
            name: Set(format!("Policing area {:02}", a + 1)),
            kind: Set(AreaKind::County),
            parent_id: Set(None),
        });
    }
    for a in 0..AREAS {
        for d in 0..5 {
            areas.push(area::ActiveModel {
                id: Set(id(AREAS + a * 5 + d)),
                name: Set(format!("District {:02}-{}", a + 1, d + 1)),
                kind: Set(AreaKind::District),
                parent_id: Set(Some(id(a))),
            });
        }
    }
    let district = |a: usize, d: usize| id(AREAS + a * 5 + d);
    insert_all(db, progress, areas).await?;
    insert_all(
        db,
        progress,
        THEMES
            .iter()
            .enumerate()
            .map(|(t, name)| theme::ActiveModel {
                id: Set(id(t)),
                name: Set((*name).to_owned()),
            })
            .collect(),
    )
    .await?;
    insert_all(
        db,
        progress,
        STREAMS
            .iter()
            .enumerate()
            .map(|(k, name)| funding_stream::ActiveModel {
                id: Set(id(k)),
                name: Set((*name).to_owned()),
                ..Default::default()
            })
            .collect(),
    )
    .await?;

    // Organisations: one commissioner per area first, then providers, partners
    // and grant recipients.
    let n_org = scale.organisations.max(AREAS * 2);
    let mut orgs = Vec::with_capacity(n_org);
    let mut roles = Vec::new();
    for o in 0..n_org {
        let (kind, role, name) = if o < AREAS {
            (
                OrganisationKind::PublicBody,
                Role::Commissioner,
                format!("Commissioner {:02}", o + 1),
            )
        } else if o % 5 == 0 {
            (
                OrganisationKind::CommunityGroup,
                Role::GrantRecipient,
                format!("Community group {o}"),
            )
        } else {
            let kind = [
                OrganisationKind::Charity,
                OrganisationKind::Company,
                OrganisationKind::Nhs,
            ][o % 3];
            (kind, Role::Provider, format!("Provider {o}"))
        };
        orgs.push(organisation::ActiveModel {
            id: Set(id(o)),
            name: Set(name),
            kind: Set(kind),
            is_illustrative: Set(true),
            ..Default::default()
        });
        roles.push(organisation_role::ActiveModel {
            organisation_id: Set(id(o)),
            role: Set(role),
        });
        if o < AREAS {
            roles.push(organisation_role::ActiveModel {
                organisation_id: Set(id(o)),
                role: Set(Role::Funder),
            });
        }
    }
    insert_all(db, progress, orgs).await?;
    insert_all(db, progress, roles).await?;
    let provider = |rng: &mut ChaCha8Rng| loop {
        let o = rng.random_range(AREAS..n_org);
        if o % 5 != 0 {
            break id(o);
        }
    };
    let recipient =
        |rng: &mut ChaCha8Rng| id(AREAS + 4 + 5 * rng.random_range(0..(n_org - AREAS - 5) / 5));

    // Services, each in one area (1–3 of its districts) with a stream and themes.
    let mut services = Vec::with_capacity(scale.services);
    let mut service_area = Vec::with_capacity(scale.services);
    let mut service_areas = Vec::new();
    let mut service_themes = Vec::new();
    for s in 0..scale.services {
        let home = rng.random_range(0..AREAS);
        service_area.push(home);
        services.push(service::ActiveModel {
            id: Set(id(s)),
            code: Set(format!("SVC-{s:05}")),
            name: Set(format!("Service {s}")),
            status: Set(if rng.random_bool(0.9) {
                ServiceStatus::Active
            } else {
                ServiceStatus::Ended
            }),
            funding_stream_id: Set(Some(rng.random_range(1..=STREAMS.len() as i64))),
            is_illustrative: Set(true),
            ..Default::default()
        });
        let first = rng.random_range(0..5);
        for d in 0..rng.random_range(1..=3) {
            service_areas.push(service_area::ActiveModel {
                service_id: Set(id(s)),
                area_id: Set(district(home, (first + d) % 5)),
            });
        }
        let theme = rng.random_range(0..THEMES.len());
        for t in 0..rng.random_range(1..=2) {
            service_themes.push(service_theme::ActiveModel {
                service_id: Set(id(s)),
                theme_id: Set(id((theme + t) % THEMES.len())),
            });
        }
    }
    insert_all(db, progress, services).await?;
    insert_all(db, progress, service_areas).await?;
    insert_all(db, progress, service_themes).await?;

    // Contracts with options and splits.
    let mut contracts = Vec::with_capacity(scale.contracts);
    let mut options = Vec::new();
    let mut shares = Vec::new();
    let mut annual_values = Vec::with_capacity(scale.contracts);
    let mut contract_service = Vec::with_capacity(scale.contracts);
    // Decisions before this day are settled; later ones are still open.
    let decided_before = date(2026, 4, 1);
    for c in 0..scale.contracts {
        let s = rng.random_range(0..scale.services);
        contract_service.push(s);
        let lead = id(service_area[s]);
        let start = date(
            FIRST_YEAR + rng.random_range(0..YEARS),
            [4, 7, 10, 1][rng.random_range(0..4)],
            1,
        );
        let months = [12, 24, 36, 36, 48, 60][rng.random_range(0..6)];
        // Most contracts small, a few large: £10k to £10m a year, log-uniform on a cube.
        let exponent = 4.0 + 3.0 * rng.random::<f64>().powi(3);
        let annual = (10f64.powf(exponent) as i64 / 100) * 10_000;
        annual_values.push(annual);
        let term = ContractTerm {
            start,
            initial_term_months: months,
        };
        let mut term_options = Vec::new();
        let mut end = term.initial_end();
        for sequence in 1..=rng.random_range(0..=2u32) {
            let length = [12, 24, 36][rng.random_range(0..3)];
            let decide_by = end - chrono::Duration::days(rng.random_range(60..=180));
            let state = if decide_by < decided_before {
                match rng.random_range(0..10) {
                    0..=5 => OptionState::Exercised,
                    6..=7 => OptionState::Declined,
                    _ => OptionState::Available,
                }
            } else {
                OptionState::Available
            };
            term_options.push(TermOption {
                sequence,
                length_months: length,
                decide_by,
                state: crate::store::writes::terms::recorded_state(state),
            });
            let decided = matches!(state, OptionState::Exercised | OptionState::Declined);
            options.push(extension_option::ActiveModel {
                id: Set(id(options.len())),
                contract_id: Set(id(c)),
                sequence: Set(sequence as i32),
                length_months: Set(length as i32),
                decide_by: Set(decide_by),
                state: Set(state),
                decided_on: Set(decided.then(|| decide_by - chrono::Duration::days(30))),
                is_illustrative: Set(true),
                ..Default::default()
            });
            end = domain::add_months_to_end(end, length);
        }
        let ends = term.end_dates(&term_options);
        contracts.push(contract::ActiveModel {
            id: Set(id(c)),
            reference: Set(format!("GEN-{c:06}")),
            title: Set(format!("Contract {c}")),
            service_id: Set(id(s)),
            provider_id: Set(provider(&mut rng)),
            lead_commissioner_id: Set(lead),
            start_date: Set(start),
            initial_term_months: Set(months as i32),
            initial_end_date: Set(ends.initial),
            current_end_date: Set(ends.current),
            contractual_end_date: Set(ends.contractual),
            annual_value_pence: Set(Some(annual)),
            annual_value_qualifier: Set(Some(Qualifier::Exact)),
            status: Set(ContractRecordStatus::Awarded),
            procurement_route: Set(ProcurementRoute::OpenProcedure),
            eia_status: Set(EiaStatus::Completed),
            eia_review_date: Set(Some(
                start + chrono::Duration::days(365 * rng.random_range(1..=3)),
            )),
            is_illustrative: Set(true),
            ..Default::default()
        });
        // Splits: 70% one payer, 25% two, 5% two with the second half split
        // again three ways. Parties are other areas' commissioners, distinct
        // within a level.
        let home = service_area[s];
        let mut offsets: Vec<usize> = Vec::with_capacity(3);
        while offsets.len() < 3 {
            let offset = rng.random_range(1..AREAS);
            if !offsets.contains(&offset) {
                offsets.push(offset);
            }
        }
        let party = |offset: usize| id((home + offset) % AREAS);
        let roll = rng.random_range(0..100);
        let share = |party: i64, ppm: i32, position: i32| cost_share::ActiveModel {
            contract_id: Set(id(c)),
            organisation_id: Set(party),
            share_ppm: Set(ppm),
            position: Set(position),
            is_illustrative: Set(true),
            ..Default::default()
        };
        if roll < 70 {
            shares.push((share(lead, 1_000_000, 0), None));
        } else {
            let first = [500_000, 600_000, 700_000][rng.random_range(0..3)];
            shares.push((share(lead, first, 0), None));
            let second = shares.len();
            shares.push((share(party(offsets[0]), 1_000_000 - first, 1), None));
            if roll >= 95 {
                for (position, (offset, ppm)) in [
                    (offsets[0], 500_000),
                    (offsets[1], 250_000),
                    (offsets[2], 250_000),
                ]
                .into_iter()
                .enumerate()
                {
                    shares.push((share(party(offset), ppm, position as i32), Some(second)));
                }
            }
        }
    }
    insert_all(db, progress, contracts).await?;
    insert_all(db, progress, options).await?;
    // Nested shares name their parent by its row index.
    let share_rows: Vec<cost_share::ActiveModel> = shares
        .into_iter()
        .enumerate()
        .map(|(k, (mut row, parent))| {
            row.id = Set(id(k));
            row.parent_id = Set(parent.map(id));
            row
        })
        .collect();
    insert_all(db, progress, share_rows).await?;

    // Budgets per stream and year, spend by quarter.
    let mut budgets = Vec::new();
    for (s, _) in STREAMS.iter().enumerate() {
        for y in 0..YEARS {
            budgets.push(budget::ActiveModel {
                id: Set(id(budgets.len())),
                funding_stream_id: Set(id(s)),
                financial_year: Set(FIRST_YEAR + y),
                amount_pence: Set(rng.random_range(pounds(50_000_000)..pounds(500_000_000))),
                qualifier: Set(Qualifier::Exact),
                is_illustrative: Set(true),
                ..Default::default()
            });
        }
    }
    insert_all(db, progress, budgets).await?;
    let mut spend = Vec::with_capacity(scale.spend_lines);
    for k in 0..scale.spend_lines {
        let c = rng.random_range(0..scale.contracts);
        let with_contract = rng.random_bool(0.85);
        spend.push(spend_line::ActiveModel {
            id: Set(id(k)),
            funding_stream_id: Set(rng.random_range(1..=STREAMS.len() as i64)),
            financial_year: Set(FIRST_YEAR + rng.random_range(0..YEARS)),
            quarter: Set(Some(rng.random_range(1..=4))),
            service_id: Set(Some(id(contract_service[c]))),
            contract_id: Set(with_contract.then(|| id(c))),
            amount_pence: Set((annual_values[c] / 4 / 10 * rng.random_range(5..=15)).max(100)),
            qualifier: Set(Qualifier::Exact),
            is_illustrative: Set(true),
            ..Default::default()
        });
    }
    insert_all(db, progress, spend).await?;
    {
        let txn = db.begin().await?;
        crate::store::aggregates::rebuild_spend_attributions(&txn, None).await?;
        txn.commit().await?;
    }

    // Reach: quarterly people reached, per service indicator.
    let periods = 40;
    let indicators = (scale.observations / periods).max(1);
    let mut indicator_rows = Vec::with_capacity(indicators);
    let mut observations = Vec::with_capacity(indicators * periods);
    for i in 0..indicators {
        let s = i % scale.services;
        indicator_rows.push(indicator::ActiveModel {
            id: Set(id(i)),
            code: Set(format!("GEN-REACH-{i:06}")),
            name: Set("People reached".to_owned()),
            unit: Set(IndicatorUnit::People),
            aggregation: Set(Aggregation::Sum),
            service_id: Set(Some(id(s))),
            ..Default::default()
        });
        for p in 0..periods {
            let year = FinancialYear::from_start_year(FIRST_YEAR + (p / 4) as i32)
                .map_err(|e| AppError::internal(e.to_string()))?;
            let quarter = domain::Quarter::from_number((p % 4) as u8 + 1)
                .map_err(|e| AppError::internal(e.to_string()))?;
            let (period_start, period_end) = year.quarter_dates(quarter);
            observations.push(observation::ActiveModel {
                id: Set(id(observations.len())),
                indicator_id: Set(id(i)),
                period_start: Set(period_start),
                period_end: Set(period_end),
                value_e4: Set(Some(rng.random_range(1..=500i64) * 10_000)),
                qualifier: Set(Some(Qualifier::Exact)),
                is_illustrative: Set(true),
                ..Default::default()
            });
        }
    }
    insert_all(db, progress, indicator_rows).await?;
    insert_all(db, progress, observations).await?;
    progress.set_message("reach rollups");
    {
        let txn = db.begin().await?;
        crate::store::aggregates::rollups::rebuild_all(&txn).await?;
        txn.commit().await?;
    }

    // Grants: one programme per area, five rounds each, awards across them.
    let mut programmes = Vec::new();
    let mut rounds = Vec::new();
    for a in 0..AREAS {
        programmes.push(grant_programme::ActiveModel {
            id: Set(id(a)),
            name: Set(format!("Community safety fund {:02}", a + 1)),
            funder_id: Set(id(a)),
            funding_stream_id: Set(Some(2)),
            is_illustrative: Set(true),
            ..Default::default()
        });
        for r in 0..5 {
            let closes = date(2022 + r, 6, 10);
            rounds.push(grant_round::ActiveModel {
                id: Set(id(rounds.len())),
                programme_id: Set(id(a)),
                number: Set(r + 1),
                name: Set(format!("Grant Round {}", r + 1)),
                pot_pence: Set(Some(pounds(350_000))),
                pot_qualifier: Set(Some(Qualifier::Exact)),
                opens_on: Set(Some(date(2022 + r, 4, 1))),
                closes_on: Set(Some(closes)),
                applications_received: Set(Some(rng.random_range(50..200))),
                applications_qualifier: Set(Some(Qualifier::Exact)),
                is_illustrative: Set(true),
                ..Default::default()
            });
        }
    }
    insert_all(db, progress, programmes).await?;
    insert_all(db, progress, rounds).await?;
    let mut awards = Vec::with_capacity(scale.grant_awards);
    let mut award_areas = Vec::with_capacity(scale.grant_awards);
    for g in 0..scale.grant_awards {
        let round = g % (AREAS * 5);
        let area = round / 5;
        awards.push(grant_award::ActiveModel {
            id: Set(id(g)),
            round_id: Set(id(round)),
            recipient_id: Set(recipient(&mut rng)),
            project_name: Set(format!("Project {g}")),
            amount_pence: Set(rng.random_range(pounds(1_000)..=pounds(25_000))),
            awarded_on: Set(Some(date(
                2022 + (round % 5) as i32,
                7,
                1 + (g % 28) as u32,
            ))),
            is_illustrative: Set(true),
            ..Default::default()
        });
        award_areas.push(grant_award_area::ActiveModel {
            award_id: Set(id(g)),
            area_id: Set(district(area, g % 5)),
        });
    }
    insert_all(db, progress, awards).await?;
    insert_all(db, progress, award_areas).await?;
    advance_sequences(db).await?;
    // Planner statistics for the new rows: without them PostgreSQL takes the
    // freshly loaded tables for nearly empty and scans instead of using the
    // indexes (a 50-contract page went from 32 ms to 0.1 ms).
    progress.set_message("planner statistics");
    db.execute_unprepared("ANALYZE").await?;

    Ok(format!(
        "generated {} organisations, {} services, {} contracts, {} spend lines, {} observations, {} grant awards (seed {seed}) in {:.1}s",
        n_org,
        scale.services,
        scale.contracts,
        scale.spend_lines,
        indicators * periods,
        scale.grant_awards,
        started.elapsed().as_secs_f64()
    ))
}
