//! Writes after the rollups exist: observations and spend lines recorded one
//! by one and imported from CSV keep the rollups current (equal to a full
//! recompute) and every summary exact; a write that bypasses commtrack (a
//! SQL prompt updating or deleting rows) leaves them stale, and summaries
//! fall back to the rows, still exact, until a repair; archiving a contract
//! changes no figure.

use std::io::Cursor;

use api::domain::FinancialYear;
use api::store::aggregates::rollups::spend::MAX_ROWS_PER_YEAR;
use api::store::aggregates::rollups::{is_current, rebuild_all, repair, Rollup};
use api::store::import::import_from;
use api::store::writes::contracts::archive_contract;
use api::store::writes::reach::{record_observation, RecordObservation};
use api::store::writes::spend::{record_spend, RecordSpend};
use api::store::writes::{Actor, ArchiveTarget};
use chrono::NaiveDate;
use entity::enums::Qualifier;
use entity::{observation, spend_line};
use rust_decimal::Decimal;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, Statement,
    TransactionTrait,
};

use super::common::TestApp;
use super::dataset::{Dataset, Line, Observation};
use super::random;

/// One rollup key and its measures, as summaries read them.
type RollupRow = (Vec<Option<String>>, [i64; 7], Option<String>);

/// A rollup table's rows by `keys`, rows of one key added up (a rebuild
/// may split a key over several rows; summaries add them, so only the sums
/// matter).
async fn rollups(
    db: &impl ConnectionTrait,
    table: &str,
    keys: &[&str],
    m: &[&str],
) -> Vec<RollupRow> {
    let key_list = keys.join(", ");
    let selected = keys
        .iter()
        .enumerate()
        .map(|(i, k)| format!("CAST({k} AS TEXT) AS k{i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT {selected}, \
         CAST(SUM({}) AS BIGINT) AS m0, CAST(SUM({}) AS BIGINT) AS m1, \
         CAST(MIN({}) AS BIGINT) AS m2, CAST(MAX({}) AS BIGINT) AS m3, \
         CAST(SUM(approximate) AS BIGINT) AS m4, CAST(SUM(at_least) AS BIGINT) AS m5, \
         CAST(SUM(at_most) AS BIGINT) AS m6, MIN(wording) AS wording \
         FROM {table} GROUP BY {key_list}",
        m[0], m[1], m[2], m[3]
    );
    let rows = db
        .query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .expect("read the rollups");
    let mut out: Vec<RollupRow> = rows
        .iter()
        .map(|r| {
            let m = |i: usize| r.try_get::<i64>("", &format!("m{i}")).unwrap();
            (
                (0..keys.len())
                    .map(|i| r.try_get("", &format!("k{i}")).unwrap())
                    .collect(),
                [m(0), m(1), m(2), m(3), m(4), m(5), m(6)],
                r.try_get("", "wording").unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

/// Every rollup, in a comparable form.
async fn all_rollups(db: &impl ConnectionTrait) -> Vec<Vec<RollupRow>> {
    let reach = [
        "value_sum_e4",
        "observations",
        "value_min_e4",
        "value_max_e4",
    ];
    vec![
        rollups(
            db,
            "reach_rollups",
            &["service_id", "financial_year", "unit", "aggregation"],
            &reach,
        )
        .await,
        rollups(
            db,
            "reach_area_rollups",
            &["area_id", "financial_year", "unit", "aggregation"],
            &reach,
        )
        .await,
        rollups(
            db,
            "spend_rollups",
            &["funding_stream_id", "financial_year", "quarter"],
            &[
                "amount_sum_pence",
                "lines",
                "amount_min_pence",
                "amount_max_pence",
            ],
        )
        .await,
    ]
}

/// The rollups are current and equal what a full rebuild computes now.
async fn assert_rollups_match_a_recompute(db: &DatabaseConnection, after: &str) {
    for rollup in [Rollup::Reach, Rollup::Spend] {
        assert!(
            is_current(db, rollup).await.unwrap(),
            "after {after}: the {rollup:?} rollups are current"
        );
    }
    let kept = all_rollups(db).await;
    let txn = db.begin().await.unwrap();
    rebuild_all(&txn).await.unwrap();
    let fresh = all_rollups(&txn).await;
    txn.rollback().await.unwrap();
    assert!(kept.iter().all(|rows| !rows.is_empty()));
    assert_eq!(
        kept, fresh,
        "after {after}: kept rollups = a full recompute"
    );
}

fn allow_all(_: Option<i64>) -> api::error::AppResult<()> {
    Ok(())
}

fn actor() -> Actor<'static> {
    Actor {
        name: "test".to_owned(),
        key_id: None,
        organisation_id: None,
        request_id: None,
        today: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        authorize: &allow_all,
    }
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// The dataset's form of a stored observation.
fn observed(row: &observation::Model) -> Observation {
    Observation {
        id: row.id,
        indicator: row.indicator_id,
        start: row.period_start,
        end: row.period_end,
        value: row.value_e4,
        qualifier: row.qualifier.unwrap_or(Qualifier::Exact),
        wording: row.wording.clone(),
    }
}

/// An indicator of the dataset measuring a service, one measuring a
/// contract and one measuring neither (a round or an organisation).
fn indicators(d: &Dataset) -> Vec<i64> {
    let by = |f: &dyn Fn(&super::dataset::Indicator) -> bool| {
        d.indicators.iter().find(|i| f(i)).map(|i| i.id)
    };
    [
        by(&|i| i.service.is_some()),
        by(&|i| i.contract.is_some()),
        by(&|i| i.service.is_none() && i.contract.is_none()),
    ]
    .into_iter()
    .flatten()
    .collect()
}

pub async fn check(app: &TestApp, d: &mut Dataset) {
    let db = &app.db;
    if app.on_postgres() {
        // The dataset was written with its own ids: new rows take the next.
        for table in ["observations", "spend_lines"] {
            db.execute_unprepared(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
            ))
            .await
            .unwrap();
        }
    }
    assert_rollups_match_a_recompute(db, "the bulk load").await;

    // Recorded one by one, through the mutation's store function.
    for (n, &indicator) in indicators(d).iter().enumerate() {
        let qualifier = [Qualifier::AtLeast, Qualifier::Exact, Qualifier::AtMost][n % 3];
        let row = record_observation(
            db,
            &actor(),
            RecordObservation {
                indicator_id: indicator,
                period_start: date(2022, 4, 1),
                period_end: date(2023, 3, 31),
                value: Some(Decimal::new(4250 + n as i64, 2)),
                qualifier,
                wording: (n == 0).then(|| "just over".to_owned()),
                target: None,
                baseline: None,
                notes: None,
            },
        )
        .await
        .unwrap_or_else(|e| panic!("record an observation of indicator {indicator}: {e:?}"));
        d.observations.push(observed(&row));
        assert_rollups_match_a_recompute(db, "recording an observation").await;
    }
    random::check_reach(app, d).await;

    // Imported from CSV, many in one transaction, one spanning two years.
    let before = max_id(db).await;
    let mut csv = String::from("indicatorCode,periodStart,periodEnd,value,qualifier,wording\n");
    for (n, &indicator) in indicators(d).iter().enumerate() {
        let code = &d.indicators[indicator as usize - 1].code;
        csv.push_str(&format!(
            "{code},2021-04-01,2021-06-30,1{n}.5,APPROXIMATE,\n"
        ));
        csv.push_str(&format!("{code},2023-01-01,2023-12-31,2{n},EXACT,about\n"));
    }
    let report = import_from(
        db,
        &actor(),
        api::import::Kind::Observations,
        false,
        Cursor::new(csv.into_bytes()),
    )
    .await
    .unwrap_or_else(|e| panic!("import observations: {e:?}"));
    assert!(report.is_clean(), "the import is clean");
    let imported = observation::Entity::find()
        .filter(observation::Column::Id.gt(before))
        .all(db)
        .await
        .unwrap();
    assert_eq!(imported.len(), 2 * indicators(d).len());
    d.observations.extend(imported.iter().map(observed));
    assert_rollups_match_a_recompute(db, "a CSV import").await;
    random::check_reach(app, d).await;

    // Spend recorded one by one: under a contract, and against a stream alone.
    let contract = d.contracts[0].id;
    for (contract_id, quarter) in [(Some(contract), Some(2)), (None, None)] {
        let row = record_spend(
            db,
            &actor(),
            RecordSpend {
                funding_stream_id: d.streams[0],
                financial_year: FinancialYear::from_start_year(2023).unwrap(),
                quarter,
                service_id: None,
                contract_id,
                amount: Decimal::new(1_234_567, 2),
                qualifier: Qualifier::AtMost,
                wording: Some("just under".to_owned()),
                description: None,
            },
        )
        .await
        .unwrap_or_else(|e| panic!("record spend: {e:?}"));
        d.lines.push(line(&row));
        assert_rollups_match_a_recompute(db, "recording spend").await;
    }
    random::check_spend(app, d).await;

    // Each write adds rollup rows beside those there; a stream's year that
    // gathers too many is rebuilt into one row per quarter.
    let year = FinancialYear::from_start_year(2021).unwrap();
    let before = rows_of_2021(db, d.streams[1]).await;
    let writes = MAX_ROWS_PER_YEAR as i64 + 1;
    for n in 0..writes {
        let row = record_spend(
            db,
            &actor(),
            RecordSpend {
                funding_stream_id: d.streams[1],
                financial_year: year,
                quarter: Some(1 + (n % 4) as u8),
                service_id: None,
                contract_id: None,
                amount: Decimal::new(100 + n, 2),
                qualifier: Qualifier::Exact,
                wording: None,
                description: None,
            },
        )
        .await
        .unwrap_or_else(|e| panic!("record spend: {e:?}"));
        d.lines.push(line(&row));
    }
    let rows = rows_of_2021(db, d.streams[1]).await;
    assert!(
        rows < before + writes && rows <= MAX_ROWS_PER_YEAR as i64,
        "compacted: {before} rows, {writes} writes, {rows} rows"
    );
    assert_rollups_match_a_recompute(db, "many spend writes to one year").await;
    random::check_spend(app, d).await;

    // Spend imported from CSV.
    let before = max_line(db).await;
    let reference = format!("C-{contract}");
    let csv = format!(
        "fundingStream,financialYear,quarter,amount,contractReference\n\
         Stream {s},2022-23,Q1,100.01,{reference}\n\
         Stream {s},2022-23,,250.00,\n\
         Stream {t},2024-25,Q4,3.33,\n",
        s = d.streams[0],
        t = d.streams[d.streams.len() - 1],
    );
    let report = import_from(
        db,
        &actor(),
        api::import::Kind::Spend,
        false,
        Cursor::new(csv.into_bytes()),
    )
    .await
    .unwrap_or_else(|e| panic!("import spend: {e:?}"));
    assert!(report.is_clean(), "the spend import is clean");
    let imported = spend_line::Entity::find()
        .filter(spend_line::Column::Id.gt(before))
        .all(db)
        .await
        .unwrap();
    assert_eq!(imported.len(), 3);
    d.lines.extend(imported.iter().map(line));
    assert_rollups_match_a_recompute(db, "a spend import").await;
    random::check_spend(app, d).await;

    // A SQL prompt updates one spend line and deletes another.
    let (changed_line, gone_line) = (d.lines[5].id, d.lines[6].id);
    db.execute_unprepared(&format!(
        "UPDATE spend_lines SET amount_pence = 4242, financial_year = 2020 WHERE id = {changed_line}"
    ))
    .await
    .unwrap();
    db.execute_unprepared(&format!(
        "DELETE FROM spend_attributions WHERE spend_line_id IN ({changed_line}, {gone_line})"
    ))
    .await
    .unwrap();
    db.execute_unprepared(&format!("DELETE FROM spend_lines WHERE id = {gone_line}"))
        .await
        .unwrap();
    let txn = db.begin().await.unwrap();
    api::store::aggregates::rebuild_spend_attributions(&txn, None)
        .await
        .unwrap();
    txn.commit().await.unwrap();
    d.lines[5].amount = 4242;
    d.lines[5].year = 2020;
    d.lines.retain(|l| l.id != gone_line);
    assert!(
        !is_current(db, Rollup::Spend).await.unwrap(),
        "a bypassing write leaves them stale"
    );
    random::check_spend(app, d).await;

    // A SQL prompt updates one observation and deletes another: the
    // rollups go stale and summaries read the observations instead.
    let (changed, gone) = (d.observations[10].id, d.observations[20].id);
    db.execute_unprepared(&format!(
        "UPDATE observations SET value_e4 = 123450000 WHERE id = {changed}"
    ))
    .await
    .unwrap();
    db.execute_unprepared(&format!("DELETE FROM observations WHERE id = {gone}"))
        .await
        .unwrap();
    d.observations[10].value = Some(123_450_000);
    d.observations.retain(|o| o.id != gone);
    assert!(
        !is_current(db, Rollup::Reach).await.unwrap(),
        "a bypassing write leaves them stale"
    );
    random::check_reach(app, d).await;

    // Repairing rebuilds them; a later write keeps them current again.
    assert!(repair(db).await.unwrap(), "stale rollups are rebuilt");
    assert_rollups_match_a_recompute(db, "a repair").await;
    random::check_reach(app, d).await;
    random::check_spend(app, d).await;

    // Archiving a contract keeps its spend and reach in every figure.
    let current = entity::contract::Entity::find_by_id(contract)
        .one(db)
        .await
        .unwrap()
        .expect("the contract");
    archive_contract(
        db,
        &actor(),
        ArchiveTarget {
            id: contract,
            expected_version: current.version,
            reason: "Ended early".to_owned(),
        },
    )
    .await
    .unwrap_or_else(|e| panic!("archive a contract: {e:?}"));
    assert_rollups_match_a_recompute(db, "archiving a contract").await;
    random::check_reach(app, d).await;
    random::check_spend(app, d).await;
}

/// The spend rollup rows of `stream` in 2021-22.
async fn rows_of_2021(db: &DatabaseConnection, stream: i64) -> i64 {
    db.query_one_raw(Statement::from_string(
        db.get_database_backend(),
        format!(
            "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM spend_rollups \
             WHERE funding_stream_id = {stream} AND financial_year = 2021"
        ),
    ))
    .await
    .unwrap()
    .unwrap()
    .try_get::<i64>("", "n")
    .unwrap()
}

/// The dataset's form of a stored spend line.
fn line(row: &spend_line::Model) -> Line {
    Line {
        id: row.id,
        stream: row.funding_stream_id,
        year: row.financial_year,
        quarter: row.quarter,
        service: row.service_id,
        contract: row.contract_id,
        amount: row.amount_pence,
        qualifier: row.qualifier,
        wording: row.wording.clone(),
    }
}

async fn max_line(db: &DatabaseConnection) -> i64 {
    spend_line::Entity::find()
        .all(db)
        .await
        .unwrap()
        .iter()
        .map(|l| l.id)
        .max()
        .unwrap_or(0)
}

async fn max_id(db: &DatabaseConnection) -> i64 {
    observation::Entity::find()
        .all(db)
        .await
        .unwrap()
        .iter()
        .map(|o| o.id)
        .max()
        .unwrap_or(0)
}
