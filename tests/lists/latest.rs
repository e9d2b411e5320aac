//! An indicator's `latestObservation`, read alone (one statement for all the
//! page's indicators, decoding only the latest of each), is the last of its
//! `observations`: the latest period end, then the latest recorded.

use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, QueryOrder};
use serde_json::{json, Value};

use crate::common::TestApp;

const ALONE: &str =
    "{ indicators(first: 100) { nodes { code latestObservation { id periodEnd } } } }";
const WITH_ALL: &str =
    "{ indicators(first: 100) { nodes { code observations { id periodEnd } latestObservation { id } } } }";

/// Each indicator's code and the id of its latest observation (null without any).
fn latest(data: &Value) -> Vec<(String, Value)> {
    data["indicators"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["code"].as_str().unwrap().to_owned(),
                n["latestObservation"]["id"].clone(),
            )
        })
        .collect()
}

#[tokio::test]
async fn the_latest_observation_is_the_last_of_the_observations() {
    let app = TestApp::demo().await;
    // A second figure for the same period as an indicator's latest: recorded
    // later, it is the latest.
    let newest = entity::observation::Entity::find()
        .order_by_desc(entity::observation::Column::PeriodEnd)
        .order_by_desc(entity::observation::Column::Id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let tie = entity::observation::ActiveModel {
        indicator_id: Set(newest.indicator_id),
        period_start: Set(newest.period_start),
        period_end: Set(newest.period_end),
        value_e4: Set(Some(10_000)),
        qualifier: Set(newest.qualifier),
        is_illustrative: Set(true),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();

    // An indicator with no figure yet.
    let measured = entity::indicator::Entity::find_by_id(newest.indicator_id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    entity::indicator::ActiveModel {
        code: Set("NO-FIGURES-YET".into()),
        name: Set("Not measured yet".into()),
        unit: Set(measured.unit),
        aggregation: Set(measured.aggregation),
        service_id: Set(measured.service_id),
        contract_id: Set(measured.contract_id),
        round_id: Set(measured.round_id),
        organisation_id: Set(measured.organisation_id),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();

    let alone = app.data(ALONE, json!({})).await;
    let with_all = app.data(WITH_ALL, json!({})).await;
    let last_of_all: Vec<(String, Value)> = with_all["indicators"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            let all = n["observations"].as_array().unwrap();
            (
                n["code"].as_str().unwrap().to_owned(),
                all.last().map_or(Value::Null, |o| o["id"].clone()),
            )
        })
        .collect();
    assert!(
        last_of_all.iter().filter(|(_, id)| !id.is_null()).count() > 3,
        "indicators with observations to compare: {last_of_all:?}"
    );
    assert!(
        last_of_all.iter().any(|(_, id)| id.is_null()),
        "an indicator without observations has no latest"
    );
    assert_eq!(latest(&alone), last_of_all, "read alone");
    assert_eq!(
        latest(&with_all),
        last_of_all,
        "read beside all observations"
    );
    let tie_id = api::graphql::ids::global_id("Observation", tie.id).to_string();
    let tied = last_of_all
        .iter()
        .find(|(_, id)| id.as_str() == Some(tie_id.as_str()));
    assert!(
        tied.is_some(),
        "the figure recorded later for the same period is the latest"
    );
}
