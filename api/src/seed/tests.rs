//! Tests of the demo dataset and its loader, against temporary SQLite files.

use std::path::PathBuf;

use chrono::NaiveDate;
use entity::enums::{OrganisationKind, Qualifier, Role};
use entity::{
    budget, contract, cost_share, extension_option, grant_round, indicator, observation,
    organisation, organisation_role, spend_line,
};
use sea_orm::ActiveValue::Set;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    Statement,
};

use super::values::scaled_e4;
use super::*;

/// A fresh, migrated database: a file under the system's temp directory, or
/// a new PostgreSQL database when `TEST_DATABASE_URL` names a server (as CI
/// does, so these tests run on both backends). Deleted when dropped.
struct TempDb {
    db: DatabaseConnection,
    cleanup: Cleanup,
}

enum Cleanup {
    SqliteFile(PathBuf),
    Postgres { admin_url: String, name: String },
}

impl TempDb {
    async fn new() -> TempDb {
        let unique = uuid::Uuid::new_v4().simple().to_string();
        let (url, cleanup) = match std::env::var("TEST_DATABASE_URL") {
            Ok(admin_url) if !admin_url.is_empty() => {
                // The prefix lets CI drop databases left by an interrupted run.
                let name = format!("commtrack_test_seed_{unique}");
                let admin = sea_orm::Database::connect(&admin_url)
                    .await
                    .expect("TEST_DATABASE_URL is reachable");
                admin
                    .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                    .await
                    .expect("create the test database");
                let base = admin_url
                    .rsplit_once('/')
                    .map_or(admin_url.as_str(), |(b, _)| b);
                (
                    format!("{base}/{name}"),
                    Cleanup::Postgres { admin_url, name },
                )
            }
            _ => {
                let path = std::env::temp_dir().join(format!("commtrack-seed-{unique}.db"));
                (
                    format!("sqlite://{}", path.display()),
                    Cleanup::SqliteFile(path),
                )
            }
        };
        let db = crate::store::open(&url)
            .await
            .expect("open a temporary database");
        TempDb { db, cleanup }
    }
}

impl Drop for TempDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::SqliteFile(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let mut file = path.clone().into_os_string();
                    file.push(suffix);
                    let _ = std::fs::remove_file(file);
                }
            }
            Cleanup::Postgres { admin_url, name } => {
                // Drop cannot await, and the test's runtime may be ending: use
                // a runtime of its own on another thread.
                let (admin_url, name) = (admin_url.clone(), name.clone());
                let _ = std::thread::spawn(move || {
                    let runtime = tokio::runtime::Runtime::new().ok()?;
                    runtime.block_on(async {
                        let admin = sea_orm::Database::connect(&admin_url).await.ok()?;
                        admin
                            .execute_unprepared(&format!(
                                "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                            ))
                            .await
                            .ok()
                    })
                })
                .join();
            }
        }
    }
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

async fn scalar(db: &DatabaseConnection, sql: &str) -> i64 {
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .expect("one row");
    row.try_get_by_index::<i64>(0).unwrap()
}

/// Rows per table, in the order of [`SeedCounts::tables`].
async fn table_counts(db: &DatabaseConnection) -> Vec<(&'static str, u64)> {
    let mut counts = Vec::new();
    for (table, _) in SeedCounts::default().tables() {
        let n = scalar(db, &format!("SELECT COUNT(*) FROM {table}")).await;
        counts.push((table, n as u64));
    }
    counts
}

async fn assert_empty(db: &DatabaseConnection) {
    for (table, n) in table_counts(db).await {
        assert_eq!(n, 0, "{table} should be empty after a failed load");
    }
}

/// The demo text with `from` (which must occur exactly once) replaced.
fn corrupted(from: &str, to: &str) -> Dataset {
    assert_eq!(
        DEMO.matches(from).count(),
        1,
        "{from:?} must occur once in demo.toml"
    );
    parse_dataset(&DEMO.replace(from, to)).expect("the corrupted copy still parses")
}

/// Loads a corrupted copy into an empty database, expecting it refused with
/// `code` and a message containing every one of `names`, and the database
/// left empty.
async fn refused(data: &Dataset, code: &str, names: &[&str]) {
    let tmp = TempDb::new().await;
    let err = load_dataset(&tmp.db, data).await.unwrap_err();
    match &err {
        AppError::BadInput {
            code: rule,
            message,
        } => {
            assert_eq!(*rule, code, "{message}");
            for name in names {
                assert!(message.contains(name), "{message:?} should name {name:?}");
            }
        }
        other => panic!("expected bad input {code}, got {other:?}"),
    }
    assert_empty(&tmp.db).await;
}

#[test]
fn demo_file_parses() {
    let data = parse_dataset(DEMO).unwrap();
    assert_eq!(data.organisations.len(), 20);
    assert_eq!(data.areas.len(), 7);
    assert_eq!(data.themes.len(), 7);
    assert_eq!(data.funding_streams.len(), 5);
    assert_eq!(data.services.len(), 15);
    assert_eq!(data.contracts.len(), 6);
    assert_eq!(data.grant_programmes[0].rounds.len(), 2);
    assert_eq!(data.indicators.len(), 6);
    assert!(data
        .themes
        .iter()
        .any(|t| t.name == "So-called \"Honour\" Based Abuse"));
}

#[test]
fn unknown_keys_are_refused_with_their_line() {
    let err = parse_dataset(&DEMO.replace("initial_term_months = 48", "initial_term_month = 48"))
        .unwrap_err();
    match &err {
        AppError::BadInput {
            code: "SEED_MALFORMED",
            message,
        } => assert!(
            message.contains("initial_term_month") && message.contains("line"),
            "{message}"
        ),
        other => panic!("expected SEED_MALFORMED, got {other:?}"),
    }
}

#[test]
fn scales_values_by_ten_thousand_exactly() {
    assert_eq!(scaled_e4("71.8"), Ok(718_000));
    assert_eq!(scaled_e4("30000"), Ok(300_000_000));
    assert_eq!(scaled_e4("0.0001"), Ok(1));
    assert_eq!(scaled_e4("-2.5"), Ok(-25_000));
    assert_eq!(scaled_e4("007.50"), Ok(75_000));
    for bad in [
        "", "-", ".5", "5.", "1e3", "1,000", " 1", "+1", "1.2.3", "NaN",
    ] {
        assert!(scaled_e4(bad).is_err(), "{bad:?}");
    }
    assert_eq!(scaled_e4("1.23456"), Err("has more than 4 decimal places"));
    assert_eq!(scaled_e4("99999999999999999999"), Err("is out of range"));
}

#[tokio::test]
async fn loads_once_then_reports_already_loaded() {
    let tmp = TempDb::new().await;
    let SeedOutcome::Loaded(counts) = load_demo(&tmp.db).await.unwrap() else {
        panic!("the first load should load");
    };
    let after_first = table_counts(&tmp.db).await;
    assert_eq!(
        after_first,
        counts.tables().to_vec(),
        "counts are the rows written"
    );
    assert_eq!(counts.organisations, 20);
    assert_eq!(counts.contracts, 6);
    assert_eq!(counts.cost_shares, 11);
    assert_eq!(counts.observations, 6);
    assert!(counts
        .to_string()
        .starts_with("organisations 20, organisation_roles 21, areas 7"));

    assert_eq!(
        load_demo(&tmp.db).await.unwrap(),
        SeedOutcome::AlreadyLoaded
    );
    assert_eq!(
        table_counts(&tmp.db).await,
        after_first,
        "a second load changes nothing"
    );
}

#[tokio::test]
async fn reported_figures_read_back_exactly() {
    let tmp = TempDb::new().await;
    let db = &tmp.db;
    load_demo(db).await.unwrap();

    let rounds = grant_round::Entity::find()
        .order_by_asc(grant_round::Column::Number)
        .all(db)
        .await
        .unwrap();
    let (round1, round4) = (&rounds[0], &rounds[1]);
    assert_eq!(round1.reported_awarded_pence, Some(20_825_493));
    assert_eq!(round1.reported_awards_count, Some(39));
    assert_eq!(round1.awarded_on, Some(date(2022, 3, 1)));
    assert_eq!(round4.pot_pence, Some(35_000_000));
    assert_eq!(round4.pot_wording.as_deref(), Some("£350k"));
    assert_eq!(round4.closes_on, Some(date(2023, 6, 10)));
    assert_eq!(round4.applications_received, Some(150));
    assert_eq!(round4.applications_qualifier, Some(Qualifier::AtMost));
    assert_eq!(round4.applications_wording.as_deref(), Some("nearly"));
    assert_eq!(round4.amount_requested_pence, Some(85_000_000));
    assert_eq!(round4.amount_requested_qualifier, Some(Qualifier::AtLeast));
    let awarded = scalar(
        db,
        &format!(
            "SELECT CAST(SUM(amount_pence) AS BIGINT) FROM grant_awards WHERE round_id = {}",
            round4.id
        ),
    )
    .await;
    assert_eq!(awarded, 728_000 + 742_400 + 600_000);
    assert_eq!(awarded, 2_070_400);
    assert_eq!(
        scalar(
            db,
            &format!(
                "SELECT COUNT(*) FROM grant_round_themes WHERE round_id = {}",
                round1.id
            )
        )
        .await,
        7
    );

    let sarc = contract::Entity::find()
        .filter(contract::Column::Reference.eq("WYCA-SARC-2023"))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(sarc.start_date, date(2023, 4, 1));
    assert_eq!(sarc.initial_term_months, 48);
    assert_eq!(sarc.annual_value_pence, Some(150_000_000));
    // Stored end dates: 4 years, plus a 3-year option not yet exercised.
    assert_eq!(
        (
            sarc.initial_end_date,
            sarc.current_end_date,
            sarc.contractual_end_date
        ),
        (date(2027, 3, 31), date(2027, 3, 31), date(2030, 3, 31))
    );
    let cara = contract::Entity::find()
        .filter(contract::Column::Reference.eq("WYCA-CARA-2022"))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        cara.current_end_date,
        date(2027, 3, 31),
        "3 years plus two exercised 12-month options"
    );
    assert_eq!(
        sarc.cost_share_agreement.as_deref(),
        Some("Collaboration agreement")
    );
    assert_eq!(
        sarc.illustrative_fields.as_deref(),
        Some("reference,leadCommissioner,annualValue,procurementRoute,equalityImpactAssessment")
    );
    let options = extension_option::Entity::find()
        .filter(extension_option::Column::ContractId.eq(sarc.id))
        .all(db)
        .await
        .unwrap();
    assert_eq!(options.len(), 1);
    assert_eq!(
        (options[0].length_months, options[0].decide_by),
        (36, date(2026, 12, 31))
    );
    assert_eq!(options[0].illustrative_fields.as_deref(), Some("decideBy"));

    let shares = cost_share::Entity::find()
        .filter(cost_share::Column::ContractId.eq(sarc.id))
        .order_by_asc(cost_share::Column::Id)
        .all(db)
        .await
        .unwrap();
    let roots: Vec<_> = shares.iter().filter(|s| s.parent_id.is_none()).collect();
    assert_eq!(
        roots.iter().map(|s| s.share_ppm).collect::<Vec<_>>(),
        [500_000, 500_000]
    );
    assert_eq!(roots.iter().map(|s| s.position).collect::<Vec<_>>(), [0, 1]);
    let yath = roots[0];
    let children: Vec<_> = shares
        .iter()
        .filter(|s| s.parent_id == Some(yath.id))
        .collect();
    assert_eq!(children.len(), 4);
    assert_eq!(children.iter().map(|s| s.share_ppm).sum::<i32>(), 1_000_000);
    assert_eq!(
        children.iter().map(|s| s.share_ppm).collect::<Vec<_>>(),
        [400_000, 250_000, 175_000, 175_000]
    );
    assert!(children.iter().all(|s| s.is_illustrative));
    assert!(!yath.is_illustrative && !roots[1].is_illustrative);
    let yath_org = organisation::Entity::find_by_id(yath.organisation_id)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(yath_org.short_name.as_deref(), Some("YaTH PCCs"));

    let isac = contract::Entity::find()
        .filter(contract::Column::Reference.eq("WYCA-ISAC-2022"))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(isac.total_value_pence, Some(45_000_000));
    assert_eq!(isac.total_value_qualifier, Some(Qualifier::AtLeast));
    assert_eq!(isac.total_value_wording.as_deref(), Some("over"));

    let reach = indicator::Entity::find()
        .filter(indicator::Column::Code.eq("VRP-YOUNG-PEOPLE-REACHED"))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let reached = observation::Entity::find()
        .filter(observation::Column::IndicatorId.eq(reach.id))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(reached.value_e4, Some(300_000_000));
    assert_eq!(reached.qualifier, Some(Qualifier::AtLeast));
    assert_eq!(reached.wording.as_deref(), Some("just over"));
    assert_eq!(
        scalar(
            db,
            "SELECT value_e4 FROM observations WHERE value_e4 = 718000"
        )
        .await,
        718_000
    );
    assert_eq!(
        scalar(
            db,
            "SELECT target_e4 FROM observations WHERE value_e4 IS NULL"
        )
        .await,
        34_500_000
    );

    let vru_budget = budget::Entity::find().one(db).await.unwrap().unwrap();
    assert_eq!(
        (vru_budget.financial_year, vru_budget.amount_pence),
        (2023, 450_000_000)
    );
    assert!(vru_budget.is_illustrative);
    let spend = spend_line::Entity::find()
        .order_by_asc(spend_line::Column::Id)
        .all(db)
        .await
        .unwrap();
    assert_eq!(
        (spend[0].financial_year, spend[0].amount_pence),
        (2023, 230_000_000)
    );
    assert_eq!(spend[0].qualifier, Qualifier::AtMost);
    assert_eq!(
        (spend[1].financial_year, spend[1].amount_pence),
        (2021, 20_825_493)
    );
}

#[tokio::test]
async fn unbalanced_shares_leave_the_database_empty() {
    let data = corrupted(
        "party = \"NHS England\"\nshare = \"50\"",
        "party = \"NHS England\"\nshare = \"49.99\"",
    );
    refused(
        &data,
        "SHARE_SUM_NOT_100",
        &["WYCA-SARC-2023", "cost_shares", "99.99%"],
    )
    .await;
}

#[tokio::test]
async fn a_failure_in_the_last_record_undoes_everything() {
    let data = corrupted("value = \"46\"", "value = \"46.00001\"");
    refused(
        &data,
        "SEED_VALUE_MALFORMED",
        &["WYP-ACTIVE-SPO-CASES", "value", "4 decimal places"],
    )
    .await;
}

#[tokio::test]
async fn bad_values_name_their_record_and_field() {
    let data = corrupted("amount = \"7280.00\"", "amount = \"7280.001\"");
    refused(
        &data,
        "MONEY_TOO_MANY_DECIMALS",
        &["Supported resident psychotherapy", "amount"],
    )
    .await;

    let data = corrupted(
        "financial_year = \"2021-22\"",
        "financial_year = \"2021-23\"",
    );
    refused(
        &data,
        "FINANCIAL_YEAR_NOT_CONSECUTIVE",
        &["spend line \"2\"", "financial_year"],
    )
    .await;

    let data = corrupted("decide_by = 2026-12-31", "decide_by = 2027-04-01");
    refused(
        &data,
        "TERM_OPTION_DECIDE_BY_TOO_LATE",
        &["WYCA-SARC-2023", "options"],
    )
    .await;

    let data = corrupted("share = \"17.5\"\nillustrative = true\nsource = \"Police and Crime Panel report, 8 September 2023, 4.1.1\"\n\n[[contracts.cost_shares.children]]\nparty = \"Humberside",
        "share = \"17.50001\"\nillustrative = true\nsource = \"Police and Crime Panel report, 8 September 2023, 4.1.1\"\n\n[[contracts.cost_shares.children]]\nparty = \"Humberside");
    refused(
        &data,
        "SHARE_TOO_MANY_DECIMALS",
        &["cost_shares[0].children[2].share"],
    )
    .await;
}

#[tokio::test]
async fn unresolved_keys_are_named() {
    let data = corrupted(
        "provider = \"Mountain Healthcare\"",
        "provider = \"Mountain Health\"",
    );
    refused(
        &data,
        "SEED_REFERENCE_UNRESOLVED",
        &["WYCA-SARC-2023", "provider", "\"Mountain Health\""],
    )
    .await;

    let data = corrupted("areas = [\"Bradford\"]", "areas = [\"Bradferd\"]");
    refused(
        &data,
        "SEED_REFERENCE_UNRESOLVED",
        &["Shine", "areas[0]", "Bradferd"],
    )
    .await;
}

#[tokio::test]
async fn existing_reference_rows_are_reused() {
    let tmp = TempDb::new().await;
    let db = &tmp.db;
    let wyp = organisation::Entity::insert(organisation::ActiveModel {
        name: Set("West Yorkshire Police".to_owned()),
        kind: Set(OrganisationKind::Police),
        is_illustrative: Set(false),
        ..Default::default()
    })
    .exec(db)
    .await
    .unwrap()
    .last_insert_id;
    organisation_role::Entity::insert(organisation_role::ActiveModel {
        organisation_id: Set(wyp),
        role: Set(Role::Partner),
    })
    .exec_without_returning(db)
    .await
    .unwrap();

    let SeedOutcome::Loaded(counts) = load_demo(db).await.unwrap() else {
        panic!("the demo is not there yet, so it loads");
    };
    assert_eq!(counts.organisations, 19, "West Yorkshire Police is reused");
    assert_eq!(
        counts.organisation_roles, 20,
        "its partner role is already held"
    );
    assert_eq!(
        scalar(
            db,
            "SELECT COUNT(*) FROM organisations WHERE name = 'West Yorkshire Police'"
        )
        .await,
        1
    );
    assert_eq!(
        scalar(
            db,
            &format!("SELECT COUNT(*) FROM service_partners WHERE organisation_id = {wyp}")
        )
        .await,
        3,
        "the services' partners point at the existing row"
    );
    assert_eq!(load_demo(db).await.unwrap(), SeedOutcome::AlreadyLoaded);
}

#[tokio::test]
async fn a_partly_present_dataset_is_refused() {
    let tmp = TempDb::new().await;
    load_demo(&tmp.db).await.unwrap();
    let before = table_counts(&tmp.db).await;
    let mut data = parse_dataset(DEMO).unwrap();
    let mut extra = data.contracts[0].clone();
    extra.reference = "WYCA-SARC-2030".to_owned();
    data.contracts.push(extra);
    let err = load_dataset(&tmp.db, &data).await.unwrap_err();
    assert!(
        matches!(&err, AppError::BadInput { code: "SEED_PARTIALLY_LOADED", message } if message.contains("WYCA-SARC-2023")),
        "{err:?}"
    );
    assert_eq!(table_counts(&tmp.db).await, before);
}
