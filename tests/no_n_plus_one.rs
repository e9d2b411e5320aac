//! A dashboard page issues the same number of SQL statements whatever its
//! size: a page loads its relations ahead, one query per relation, and the
//! DataLoaders batch what it does not foresee.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use chrono::NaiveDate;
use common::TestApp;
use entity::enums::{
    Aggregation, ContractRecordStatus, EiaStatus, IndicatorUnit, OptionState, ProcurementRoute,
    Qualifier,
};
use entity::{
    contract, cost_share, extension_option, indicator, observation, organisation, service,
};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

const DASHBOARD: &str = r#"query($first: Int!) {
  contracts(first: $first, orderBy: [{ field: CURRENT_END_DATE }]) {
    nodes {
      reference
      currentEndDate
      provider { name }
      service { name fundingStream { name } }
      costShares { percentage party { name } shares { percentage party { name } } }
      extensionOptions { decideBy state }
      indicators { code latestObservation { periodEnd value { value } } }
    }
  }
}"#;

/// Adds `n` contracts to the demo data, each with an option, a two-way
/// split and an indicator with an observation.
async fn add_contracts(app: &TestApp, n: usize) {
    let db = &app.db;
    let org = |name: &str| {
        organisation::Entity::find()
            .filter(organisation::Column::Name.eq(name))
            .one(db)
    };
    let provider = org("Victim Support").await.unwrap().unwrap().id;
    let lead = org("West Yorkshire Combined Authority")
        .await
        .unwrap()
        .unwrap()
        .id;
    let partner = org("NHS England").await.unwrap().unwrap().id;
    let service_id = service::Entity::find()
        .filter(service::Column::Code.eq("IDVA"))
        .one(db)
        .await
        .unwrap()
        .unwrap()
        .id;
    let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    for i in 0..n {
        let start = date(2020 + (i % 6) as i32, 4, 1);
        let term = api::domain::ContractTerm {
            start,
            initial_term_months: 36,
        };
        let option = api::domain::TermOption {
            sequence: 1,
            length_months: 12,
            decide_by: term.initial_end(),
            state: api::domain::OptionState::Available,
        };
        let ends = term.end_dates(&[option]);
        let id = contract::Entity::insert(contract::ActiveModel {
            reference: Set(format!("TEST-{i:04}")),
            title: Set(format!("Test contract {i}")),
            service_id: Set(service_id),
            provider_id: Set(provider),
            lead_commissioner_id: Set(lead),
            start_date: Set(start),
            initial_term_months: Set(36),
            initial_end_date: Set(ends.initial),
            current_end_date: Set(ends.current),
            contractual_end_date: Set(ends.contractual),
            annual_value_pence: Set(Some(10_000_000 + i as i64)),
            annual_value_qualifier: Set(Some(Qualifier::Exact)),
            status: Set(ContractRecordStatus::Awarded),
            procurement_route: Set(ProcurementRoute::OpenProcedure),
            eia_status: Set(EiaStatus::Completed),
            is_illustrative: Set(true),
            ..Default::default()
        })
        .exec(db)
        .await
        .unwrap()
        .last_insert_id;
        extension_option::Entity::insert(extension_option::ActiveModel {
            contract_id: Set(id),
            sequence: Set(1),
            length_months: Set(12),
            decide_by: Set(option.decide_by),
            state: Set(OptionState::Available),
            is_illustrative: Set(true),
            ..Default::default()
        })
        .exec(db)
        .await
        .unwrap();
        for (position, party) in [lead, partner].into_iter().enumerate() {
            cost_share::Entity::insert(cost_share::ActiveModel {
                contract_id: Set(id),
                organisation_id: Set(party),
                share_ppm: Set(500_000),
                position: Set(position as i32),
                is_illustrative: Set(true),
                ..Default::default()
            })
            .exec(db)
            .await
            .unwrap();
        }
        let indicator_id = indicator::Entity::insert(indicator::ActiveModel {
            code: Set(format!("TEST-REACH-{i:04}")),
            name: Set("People supported".to_owned()),
            unit: Set(IndicatorUnit::People),
            aggregation: Set(Aggregation::Sum),
            contract_id: Set(Some(id)),
            ..Default::default()
        })
        .exec(db)
        .await
        .unwrap()
        .last_insert_id;
        observation::Entity::insert(observation::ActiveModel {
            indicator_id: Set(indicator_id),
            period_start: Set(date(2023, 4, 1)),
            period_end: Set(date(2024, 3, 31)),
            value_e4: Set(Some(1_000_000)),
            qualifier: Set(Some(Qualifier::Exact)),
            is_illustrative: Set(true),
            ..Default::default()
        })
        .exec(db)
        .await
        .unwrap();
    }
}

#[tokio::test]
async fn a_contracts_page_costs_the_same_statements_for_10_and_100_rows() {
    let statements = Arc::new(AtomicUsize::new(0));
    let counter = statements.clone();
    // A wide batching window takes timing out of the count: what is measured
    // is how many queries the page needs, not how fast this machine is.
    let options = api::http::ServerOptions {
        loader_delay: std::time::Duration::from_millis(25),
        // Serving metrics would take the pool's one metric callback.
        metrics: false,
        ..api::http::ServerOptions::default()
    };
    let app = TestApp::start_with(
        move |db| {
            db.set_metric_callback(move |info| {
                counter.fetch_add(1, Ordering::SeqCst);
                if std::env::var("SHOW_SQL").is_ok() {
                    eprintln!(
                        "SQL: {}",
                        &info.statement.sql[..info.statement.sql.len().min(90)]
                    );
                }
            })
        },
        options,
    )
    .await;
    api::seed::load_demo(&app.db).await.unwrap();
    add_contracts(&app, 120).await;

    let mut fewest = Vec::new();
    for first in [10, 100] {
        let mut runs = Vec::new();
        for _ in 0..5 {
            statements.store(0, Ordering::SeqCst);
            if std::env::var("SHOW_SQL").is_ok() {
                eprintln!("--- first: {first}");
            }
            let data = app.data(DASHBOARD, json!({ "first": first })).await;
            let nodes = data["contracts"]["nodes"].as_array().unwrap();
            assert_eq!(nodes.len(), first as usize);
            assert!(nodes
                .iter()
                .all(|n| n["costShares"].as_array().is_some_and(|s| !s.is_empty())));
            runs.push(statements.load(Ordering::SeqCst));
        }
        // One page query, then one query per relation, loaded ahead by the
        // page: options, shares, services, their funding streams, indicators,
        // their observations, and the providers and paying parties together,
        // in one query. Nothing goes through a loader's batching window, so
        // the count does not depend on how fast the fields resolve.
        assert!(
            runs.iter().all(|&n| n == 8),
            "first: {first}: statements per run {runs:?}"
        );
        fewest.push(*runs.iter().min().unwrap());
    }
    assert_eq!(
        fewest[0], fewest[1],
        "statements for 10 rows vs 100 rows: {fewest:?}"
    );
    assert_eq!(
        fewest[0], 8,
        "one page query and one batched query per relation"
    );

    // The same page read through `edges { node }` is loaded ahead alike, and
    // answers the same rows.
    let through_edges = DASHBOARD
        .replace("nodes {", "edges { cursor node {")
        .replace("    }\n  }\n}", "    } }\n  }\n}");
    statements.store(0, Ordering::SeqCst);
    let edges = app.data(&through_edges, json!({ "first": 100 })).await;
    assert_eq!(statements.load(Ordering::SeqCst), 8, "{through_edges}");
    let nodes = app.data(DASHBOARD, json!({ "first": 100 })).await;
    let edge_nodes: Vec<_> = edges["contracts"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|edge| edge["node"].clone())
        .collect();
    assert_eq!(
        &serde_json::Value::from(edge_nodes),
        &nodes["contracts"]["nodes"]
    );
}
