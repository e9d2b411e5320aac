//! Budgets, observations and grant awards, each through the rules of its
//! mutation; the templates; and who may import what.

use serde_json::json;

use super::support::snapshot;
use super::{at, count, errors, import};
use crate::common::TestApp;

#[tokio::test]
async fn every_template_imports_cleanly_on_the_demo_data() {
    let app = TestApp::demo().await;
    let key = app.admin_key().await;
    for kind in api::import::Kind::ALL {
        let (status, report) = import(&app, Some(&key), kind.name(), false, kind.template()).await;
        assert_eq!(status, 200, "{kind}: {report}");
        assert_eq!(report["rowsImported"], 1, "{kind}");
    }
}

#[tokio::test]
async fn budgets_follow_record_budget() {
    let app = TestApp::demo().await;
    let key = app.admin_key().await;
    let before = snapshot(&app.db).await;
    // The demo has a Violence Reduction Unit budget for 2023-24 (version 1).
    let file = "fundingStream,financialYear,amount,qualifier\n\
                Community Safety,2025-26,100.00,\n\
                Community Safety,2025-26,200.00,\n\
                Violence Reduction Unit,2023-24,1.00,\n\
                Criminal Justice,2025-26,1.000,APPROXIMATE\n";
    let (status, report) = import(&app, Some(&key), "budgets", false, file).await;
    assert_eq!(status, 422, "{report}");
    assert_eq!(
        errors(&report),
        vec![
            at(3, "financialYear", "DUPLICATE"),
            at(4, "expectedVersion", "CONFLICT"),
            at(5, "amount", "MONEY_TOO_MANY_DECIMALS"),
        ]
    );
    assert_eq!(snapshot(&app.db).await, before);

    let file = "fundingStream,financialYear,amount,expectedVersion\n\
                Community Safety,2025-26,100.00,\n\
                Violence Reduction Unit,2023-24,4600000.00,1\n";
    let (status, report) = import(&app, Some(&key), "budgets", false, file).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["rowsImported"], 2);
    let data = app
        .data(
            "{ budgetUtilisation { fundingStream { name } financialYear budget { money { amount } } } }",
            json!({}),
        )
        .await;
    let budget = |stream: &str, year: &str| {
        data["budgetUtilisation"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["fundingStream"]["name"] == stream && u["financialYear"] == year)
            .map(|u| u["budget"]["money"]["amount"].clone())
    };
    assert_eq!(
        budget("Violence Reduction Unit", "2023-24"),
        Some(json!("4600000.00"))
    );
    assert_eq!(budget("Community Safety", "2025-26"), Some(json!("100.00")));
}

#[tokio::test]
async fn observations_follow_record_observation() {
    let app = TestApp::demo().await;
    let key = app.admin_key().await;
    let before = count(&app, "observations").await;
    let file = "indicatorCode,periodStart,periodEnd,value,target\n\
                VRP-YOUNG-PEOPLE-REACHED,2024-04-01,2025-03-31,31000,\n\
                VRP-YOUNG-PEOPLE-REACHED,2025-03-31,2024-04-01,1,\n\
                WYP-VICTIM-SATISFACTION,2024-04-01,2025-03-31,101,\n\
                WYP-VICTIM-SATISFACTION,01/04/2024,2025-03-31,,\n\
                NO-SUCH-INDICATOR,2024-04-01,2025-03-31,1,\n";
    let (status, report) = import(&app, Some(&key), "observations", false, file).await;
    assert_eq!(status, 422, "{report}");
    assert_eq!(
        errors(&report),
        vec![
            at(3, "periodEnd", "DATES_OUT_OF_ORDER"),
            at(4, "value", "FIGURE_OVER_100_PERCENT"),
            at(5, "periodStart", "DATE_MALFORMED"),
            at(6, "indicatorCode", "NOT_FOUND"),
        ]
    );
    assert_eq!(count(&app, "observations").await, before);
    let good = "indicatorCode,periodStart,periodEnd,value\nVRP-YOUNG-PEOPLE-REACHED,2024-04-01,2025-03-31,31000\n";
    let (status, _) = import(&app, Some(&key), "observations", false, good).await;
    assert_eq!(status, 200);
    assert_eq!(count(&app, "observations").await, before + 1);
}

#[tokio::test]
async fn awards_never_exceed_the_pot_across_the_rows_of_a_file() {
    let app = TestApp::demo().await;
    let key = app.admin_key().await;
    let before = snapshot(&app.db).await;
    // Round 4's pot is £350,000.00; the demo holds three awards of it.
    let file = "programme,round,recipient,partner,projectName,amount\n\
                Mayor's Safer Communities Fund,Grant Round 4,Victim Support,,First,200000.00\n\
                Mayor's Safer Communities Fund,Grant Round 4,Victim Support,SafeLives,Second,200000.00\n\
                Mayor's Safer Communities Fund,Grant Round 9,Nobody Ltd,,Third,1.00\n\
                Mayor's Safer Communities Fund,Grant Round 4,Victim Support,,,1.00\n";
    let (status, report) = import(&app, Some(&key), "grant-awards", false, file).await;
    assert_eq!(status, 422, "{report}");
    assert_eq!(
        errors(&report),
        vec![
            at(3, "amount", "AWARDS_EXCEED_POT"),
            at(4, "round", "NOT_FOUND"),
            at(4, "recipient", "NOT_FOUND"),
            at(5, "projectName", "TEXT_EMPTY"),
        ]
    );
    assert_eq!(snapshot(&app.db).await, before);
}

#[tokio::test]
async fn who_may_import_what() {
    let app = TestApp::secured(api::http::SecurityOptions {
        rate_limit_per_minute: None,
        ..api::http::SecurityOptions::default()
    })
    .await;
    api::seed::load_demo(&app.db).await.unwrap();
    let before = snapshot(&app.db).await;
    // WYCA leads the ISAC contract; the VRP leads VRP-ND-2022.
    let file = "fundingStream,financialYear,contractReference,amount\n\
                Victims of Crime,2023-24,WYCA-ISAC-2022,10.00\n\
                Violence Reduction Unit,2023-24,VRP-ND-2022,10.00\n\
                Victims of Crime,2023-24,,10.00\n";

    let (status, body) = import(&app, None, "spend", true, file).await;
    assert_eq!(
        (status, &body["errors"][0]["extensions"]["code"]),
        (401, &json!("UNAUTHENTICATED"))
    );
    let viewer = app.viewer_key().await;
    let (status, body) = import(&app, Some(&viewer), "spend", true, file).await;
    assert_eq!(
        (status, &body["errors"][0]["extensions"]["code"]),
        (403, &json!("FORBIDDEN"))
    );

    // An analyst may check a file (ownership aside), not import it.
    let analyst = app.analyst_key().await;
    let (status, report) = import(&app, Some(&analyst), "spend", true, file).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["rowsRead"], 3);
    let (status, body) = import(&app, Some(&analyst), "spend", false, file).await;
    assert_eq!(
        (status, &body["errors"][0]["extensions"]["code"]),
        (403, &json!("FORBIDDEN"))
    );

    // A commissioner imports only its own organisation's rows.
    let wyca = app
        .commissioner_key("West Yorkshire Combined Authority")
        .await;
    for dry_run in [true, false] {
        let (status, report) = import(&app, Some(&wyca), "spend", dry_run, file).await;
        assert_eq!(status, 422, "{report}");
        assert_eq!(
            errors(&report),
            vec![
                at(3, "contractReference", "FORBIDDEN"),
                at(4, "fundingStream", "FORBIDDEN"),
            ]
        );
    }
    assert_eq!(snapshot(&app.db).await, before);
    let own = "fundingStream,financialYear,contractReference,amount\nVictims of Crime,2023-24,WYCA-ISAC-2022,10.00\n";
    let (status, report) = import(&app, Some(&wyca), "spend", false, own).await;
    assert_eq!(status, 200, "{report}");

    // The audit event is the mutation's: the record, the key, the request.
    use sea_orm::{EntityTrait, QueryOrder};
    let event = entity::audit_event::Entity::find()
        .order_by_desc(entity::audit_event::Column::Id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(event.entity_type, "SpendLine");
    assert_eq!(event.action, "created");
    assert!(event.actor_key_id.is_some());
    assert!(event.request_id.is_some_and(|id| !id.is_empty()));
    assert!(event.after_json.unwrap().contains("\"amount_pence\":1000"));
}
