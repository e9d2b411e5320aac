//! The renewal calendar on the demo data, with every expected event worked
//! out by hand from `api/src/seed/demo.toml`:
//!
//! - WYCA-SARC-2023 (Mountain Healthcare; lead WYCA; shared 50/50 by the YaTH
//!   PCCs, split further among WYCA, South Yorkshire, North Yorkshire and
//!   Humberside, and NHS England; stream Victims of Crime): 48 months from
//!   2023-04-01, so the initial term ends 2027-03-31; one 36-month option to
//!   decide by 2026-12-31, available (2030-03-31 if exercised); EIA review
//!   2027-01-31.
//! - WYCA-ISAC-2022: initial end 2025-11-30, its 24-month option exercised,
//!   so it ends 2027-11-30; EIA review 2025-12-01.
//! - WYCA-CARA-2022 (Restorative Solutions; lead WYCA; stream Criminal
//!   Justice): 36 months from 2022-04-01 (initial end 2025-03-31) plus two
//!   exercised 12-month options: ends 2027-03-31, no option left; EIA review
//!   2026-06-30.
//! - VRP-ND-2022: 9 months from 2022-09-01, ends 2023-05-31; VRP-TOC-2023: 10
//!   months from 2023-02-01, ends 2023-11-30; VRP-HOUSING-2023: 12 months
//!   from 2023-01-09, ends 2024-01-08. None has an EIA review date.
//! - Mayor's Safer Communities Fund (funder WYCA, stream Community Safety):
//!   Grant Round 4 closed 2023-06-10; Round 1 has no closing date.
//!
//! Contracts were loaded in file order, so on a date they share SARC sorts
//! before CARA.

mod common;

use common::TestApp;
use sea_orm::{ConnectionTrait, QueryTrait};
use serde_json::{json, Value};

const CALENDAR: &str = r#"
query Calendar($asOf: Date, $from: Date, $to: Date, $withinDays: Int,
               $thresholds: RagThresholdsInput, $filter: RenewalCalendarFilter) {
  renewalCalendar(asOf: $asOf, from: $from, to: $to, withinDays: $withinDays,
                  thresholds: $thresholds, filter: $filter) {
    from
    to
    eventPage(first: 100) {
      totalCount
      nodes {
        kind date daysRemaining rag
        contract { reference }
        grantRound { name }
        currentEndDate maximumEndDate
      }
    }
  }
}"#;

/// Each event as one line: "date KIND subject days RAG".
fn lines(data: &Value) -> Vec<String> {
    data["renewalCalendar"]["eventPage"]["nodes"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| {
            let subject = e["contract"]["reference"]
                .as_str()
                .or(e["grantRound"]["name"].as_str())
                .expect("a contract or a round");
            format!(
                "{} {} {} {} {}",
                e["date"].as_str().unwrap(),
                e["kind"].as_str().unwrap(),
                subject,
                e["daysRemaining"],
                e["rag"].as_str().unwrap()
            )
        })
        .collect()
}

async fn calendar(app: &TestApp, variables: Value) -> Vec<String> {
    lines(&app.data(CALENDAR, variables).await)
}

/// The BAD_USER_INPUT error's rule and message.
async fn refused(app: &TestApp, variables: Value) -> (String, String) {
    let response = app.graphql(CALENDAR, variables).await;
    let error = &response["errors"][0];
    assert_eq!(
        error["extensions"]["code"], "BAD_USER_INPUT",
        "{response:#}"
    );
    (
        error["extensions"]["rule"].as_str().unwrap().to_owned(),
        error["message"].as_str().unwrap().to_owned(),
    )
}

async fn organisation_id(app: &TestApp, name: &str) -> String {
    let data = app
        .data(
            "query($name: String!) { organisation(name: $name) { id } }",
            json!({ "name": name }),
        )
        .await;
    data["organisation"]["id"]
        .as_str()
        .expect("an id")
        .to_owned()
}

async fn stream_of_service(app: &TestApp, code: &str) -> String {
    let data = app
        .data(
            "query($code: String!) { service(code: $code) { fundingStream { id name } } }",
            json!({ "code": code }),
        )
        .await;
    data["service"]["fundingStream"]["id"]
        .as_str()
        .expect("an id")
        .to_owned()
}

// 2026-11-23 + 183 days = 2027-05-25. From 2026-11-23: 38 days to 2026-12-31,
// 69 to 2027-01-31, 128 to 2027-03-31.
const SIX_MONTHS: [&str; 5] = [
    "2026-12-31 EXTENSION_DECISION_DUE WYCA-SARC-2023 38 RED",
    "2027-01-31 EQUALITY_IMPACT_ASSESSMENT_REVIEW WYCA-SARC-2023 69 AMBER",
    "2027-03-31 INITIAL_TERM_ENDS WYCA-SARC-2023 128 GREEN",
    "2027-03-31 CONTRACT_EXPIRES WYCA-SARC-2023 128 GREEN",
    "2027-03-31 CONTRACT_EXPIRES WYCA-CARA-2022 128 GREEN",
];

#[tokio::test]
async fn example_six_months_from_2026_11_23() {
    let app = TestApp::demo().await;
    let mut data = app.example("renewal_calendar").await;
    let page = data["renewalCalendar"]["eventPage"]
        .as_object_mut()
        .expect("eventPage");
    let page_info = page.remove("pageInfo").expect("pageInfo");
    assert_eq!(page_info["hasNextPage"], false, "{page_info}");
    assert!(page_info["endCursor"].is_string(), "{page_info}");
    let sarc =
        json!({ "reference": "WYCA-SARC-2023", "provider": { "name": "Mountain Healthcare" } });
    let cara =
        json!({ "reference": "WYCA-CARA-2022", "provider": { "name": "Restorative Solutions" } });
    let sarc_event = |kind: &str, date: &str, days: i64, rag: &str, summary: &str| {
        json!({
            "kind": kind, "date": date, "daysRemaining": days, "rag": rag,
            "contract": sarc, "grantRound": null, "extensionOption": null,
            "currentEndDate": "2027-03-31", "maximumEndDate": "2030-03-31",
            "summary": summary,
        })
    };
    let mut decision = sarc_event(
        "EXTENSION_DECISION_DUE",
        "2026-12-31",
        38,
        "RED",
        "WYCA-SARC-2023: decide by 2026-12-31 whether to exercise extension option 1 \
         (36 months); if it is not exercised the contract ends on 2027-03-31",
    );
    decision["extensionOption"] =
        json!({ "sequence": 1, "lengthMonths": 36, "decideBy": "2026-12-31" });
    assert_eq!(
        data,
        json!({ "renewalCalendar": {
            "asOf": "2026-11-23",
            "from": "2026-11-23",
            "to": "2027-05-25",
            "redWithinDays": 60,
            "amberWithinDays": 120,
            "eventPage": { "totalCount": 5, "nodes": [
                decision,
                sarc_event(
                    "EQUALITY_IMPACT_ASSESSMENT_REVIEW", "2027-01-31", 69, "AMBER",
                    "WYCA-SARC-2023: the Equality Impact Assessment is due for review on 2027-01-31",
                ),
                sarc_event(
                    "INITIAL_TERM_ENDS", "2027-03-31", 128, "GREEN",
                    "WYCA-SARC-2023: the initial term ends on 2027-03-31",
                ),
                sarc_event(
                    "CONTRACT_EXPIRES", "2027-03-31", 128, "GREEN",
                    "WYCA-SARC-2023: the contract ends on 2027-03-31 unless extended \
                     (at most to 2030-03-31)",
                ),
                {
                    "kind": "CONTRACT_EXPIRES", "date": "2027-03-31", "daysRemaining": 128,
                    "rag": "GREEN", "contract": cara, "grantRound": null,
                    "extensionOption": null,
                    "currentEndDate": "2027-03-31", "maximumEndDate": "2027-03-31",
                    "summary": "WYCA-CARA-2022: the contract ends on 2027-03-31; no extension remains",
                },
            ]},
        }})
    );
    // The default look-ahead is the same six months.
    assert_eq!(
        calendar(&app, json!({ "asOf": "2026-11-23" })).await,
        SIX_MONTHS
    );
}

#[tokio::test]
async fn the_sarc_decision_lapses_after_its_decide_by_date() {
    let app = TestApp::demo().await;
    // On the decide-by day itself the decision is still due, RED with 0 days.
    let on_the_day = calendar(&app, json!({ "asOf": "2026-12-31", "withinDays": 0 })).await;
    assert_eq!(
        on_the_day,
        ["2026-12-31 EXTENSION_DECISION_DUE WYCA-SARC-2023 0 RED"]
    );
    // The next day the option has lapsed: no decision, and the SARC can no
    // longer reach 2030. Window to 2027-07-02; 30 days to 2027-01-31, 89 to
    // 2027-03-31. ISAC's 2027-11-30 end is still outside.
    let data = app
        .data(CALENDAR, json!({ "asOf": "2027-01-01", "withinDays": 182 }))
        .await;
    assert_eq!(
        lines(&data),
        [
            "2027-01-31 EQUALITY_IMPACT_ASSESSMENT_REVIEW WYCA-SARC-2023 30 RED",
            "2027-03-31 INITIAL_TERM_ENDS WYCA-SARC-2023 89 AMBER",
            "2027-03-31 CONTRACT_EXPIRES WYCA-SARC-2023 89 AMBER",
            "2027-03-31 CONTRACT_EXPIRES WYCA-CARA-2022 89 AMBER",
        ]
    );
    let sarc_expiry = &data["renewalCalendar"]["eventPage"]["nodes"][2];
    assert_eq!(sarc_expiry["currentEndDate"], "2027-03-31");
    assert_eq!(sarc_expiry["maximumEndDate"], "2027-03-31");
}

#[tokio::test]
async fn filters_narrow_the_calendar() {
    let app = TestApp::demo().await;
    let six_months = |filter: Value| json!({ "asOf": "2026-11-23", "filter": filter });
    let sarc_only: Vec<&str> = SIX_MONTHS[..4].to_vec();

    let nhse = organisation_id(&app, "NHS England").await;
    let south_yorkshire =
        organisation_id(&app, "South Yorkshire Police and Crime Commissioner").await;
    let wyca = organisation_id(&app, "West Yorkshire Combined Authority").await;
    let vrp = organisation_id(&app, "West Yorkshire Violence Reduction Partnership").await;
    let restorative = organisation_id(&app, "Restorative Solutions").await;
    let mountain = organisation_id(&app, "Mountain Healthcare").await;

    // A cost sharer at the top level of the split, and one in the sub-split.
    for sharer in [&nhse, &south_yorkshire] {
        let filter = json!({ "commissioner": { "eq": sharer } });
        assert_eq!(calendar(&app, six_months(filter)).await, sarc_only);
    }
    // WYCA leads both the SARC and CARA.
    let filter = json!({ "commissioner": { "eq": wyca } });
    assert_eq!(calendar(&app, six_months(filter)).await, SIX_MONTHS);
    let filter = json!({ "commissioner": { "in": [vrp] } });
    assert!(calendar(&app, six_months(filter)).await.is_empty());

    let filter = json!({ "provider": { "eq": restorative } });
    assert_eq!(calendar(&app, six_months(filter)).await, [SIX_MONTHS[4]]);
    let filter = json!({ "provider": { "in": [mountain, restorative] } });
    assert_eq!(calendar(&app, six_months(filter)).await, SIX_MONTHS);

    let criminal_justice = stream_of_service(&app, "CARA").await;
    let victims_of_crime = stream_of_service(&app, "SARC").await;
    let filter = json!({ "fundingStream": { "eq": criminal_justice } });
    assert_eq!(calendar(&app, six_months(filter)).await, [SIX_MONTHS[4]]);
    let filter = json!({ "fundingStream": { "eq": victims_of_crime } });
    assert_eq!(calendar(&app, six_months(filter)).await, sarc_only);

    // Filters combine with AND: WYCA leads the CARA, which is not Victims of Crime.
    let filter =
        json!({ "commissioner": { "eq": wyca }, "fundingStream": { "eq": victims_of_crime } });
    assert_eq!(calendar(&app, six_months(filter)).await, sarc_only);

    let filter = json!({ "kinds": ["EXTENSION_DECISION_DUE", "CONTRACT_EXPIRES"] });
    assert_eq!(
        calendar(&app, six_months(filter)).await,
        [SIX_MONTHS[0], SIX_MONTHS[3], SIX_MONTHS[4]]
    );

    // Grant rounds: in 2023 only Round 4 closes. Its programme is WYCA's and
    // draws on Community Safety; the VRP's contracts ending in 2023 are
    // neither WYCA's nor that stream's; a provider filter leaves rounds out.
    let year_2023 = |filter: Value| json!({ "asOf": "2023-06-01", "from": "2023-01-01", "to": "2023-12-31", "filter": filter });
    let round_4 = ["2023-06-10 GRANT_ROUND_CLOSES Grant Round 4 9 RED"];
    let filter = json!({ "commissioner": { "eq": wyca } });
    assert_eq!(calendar(&app, year_2023(filter)).await, round_4);
    let community_safety = app
        .data(
            r#"{ grantProgramme(name: "Mayor's Safer Communities Fund") { fundingStream { id } } }"#,
            json!({}),
        )
        .await["grantProgramme"]["fundingStream"]["id"]
        .clone();
    let filter = json!({ "fundingStream": { "eq": community_safety } });
    assert_eq!(calendar(&app, year_2023(filter)).await, round_4);
    let filter = json!({ "commissioner": { "eq": vrp } });
    let vrp_2023 = calendar(&app, year_2023(filter)).await;
    assert!(
        vrp_2023.iter().all(|line| line.contains(" VRP-")),
        "{vrp_2023:?}"
    );
    assert_eq!(vrp_2023.len(), 4);
    let filter = json!({ "provider": { "eq": mountain } });
    assert!(calendar(&app, year_2023(filter)).await.is_empty());
}

#[tokio::test]
async fn an_explicit_window_includes_past_dates_as_red() {
    let app = TestApp::demo().await;
    // As of 2023-06-01: VRP-ND-2022 ended the day before (-1), Round 4 closes
    // in 9 days, VRP-TOC-2023 ends on 2023-11-30 (29 + 31 + 31 + 30 + 31 + 30
    // = 182 days).
    let data = app
        .data(
            CALENDAR,
            json!({ "asOf": "2023-06-01", "from": "2023-01-01", "to": "2023-12-31" }),
        )
        .await;
    assert_eq!(data["renewalCalendar"]["from"], "2023-01-01");
    assert_eq!(data["renewalCalendar"]["to"], "2023-12-31");
    assert_eq!(
        lines(&data),
        [
            "2023-05-31 INITIAL_TERM_ENDS VRP-ND-2022 -1 RED",
            "2023-05-31 CONTRACT_EXPIRES VRP-ND-2022 -1 RED",
            "2023-06-10 GRANT_ROUND_CLOSES Grant Round 4 9 RED",
            "2023-11-30 INITIAL_TERM_ENDS VRP-TOC-2023 182 GREEN",
            "2023-11-30 CONTRACT_EXPIRES VRP-TOC-2023 182 GREEN",
        ]
    );
    let round = &data["renewalCalendar"]["eventPage"]["nodes"][2];
    assert_eq!(round["contract"], Value::Null);
    assert_eq!(round["currentEndDate"], Value::Null);
    let summary = app
        .data(
            r#"{ renewalCalendar(asOf: "2023-06-01", withinDays: 9,
                   filter: { kinds: [GRANT_ROUND_CLOSES] }) { eventPage { nodes { summary } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        summary["renewalCalendar"]["eventPage"]["nodes"],
        json!([{ "summary": "Mayor's Safer Communities Fund, Grant Round 4: applications close on 2023-06-10" }])
    );
    // One day shorter and the round falls outside.
    let eight_days = calendar(&app, json!({ "asOf": "2023-06-01", "withinDays": 8 })).await;
    assert!(eight_days.is_empty(), "{eight_days:?}");
}

#[tokio::test]
async fn thresholds_are_configurable() {
    let app = TestApp::demo().await;
    let with = |red: i64, amber: i64| json!({ "asOf": "2026-11-23", "thresholds": { "redWithinDays": red, "amberWithinDays": amber } });
    let rags = |lines: Vec<String>| -> Vec<String> {
        lines
            .iter()
            .map(|l| l.rsplit(' ').next().unwrap().to_owned())
            .collect()
    };
    // Days: 38, 69, 128, 128, 128.
    assert_eq!(
        rags(calendar(&app, with(30, 70)).await),
        ["AMBER", "AMBER", "GREEN", "GREEN", "GREEN"]
    );
    assert_eq!(
        rags(calendar(&app, with(38, 128)).await),
        ["RED", "AMBER", "AMBER", "AMBER", "AMBER"]
    );
    assert_eq!(
        rags(calendar(&app, with(0, 0)).await),
        ["GREEN", "GREEN", "GREEN", "GREEN", "GREEN"]
    );
    // Only red given: amber keeps its default of 120.
    let red_only = json!({ "asOf": "2026-11-23", "thresholds": { "redWithinDays": 69 } });
    assert_eq!(
        rags(calendar(&app, red_only).await),
        ["RED", "RED", "GREEN", "GREEN", "GREEN"]
    );

    let (rule, message) = refused(&app, with(90, 30)).await;
    assert_eq!(rule, "CALENDAR_THRESHOLDS_OUT_OF_ORDER");
    assert_eq!(
        message,
        "thresholds.amberWithinDays: 30 days is less than the red threshold of 90 days; \
         amber must be at least red"
    );
    let (rule, message) = refused(&app, with(-1, 30)).await;
    assert_eq!(rule, "CALENDAR_THRESHOLD_OUT_OF_RANGE");
    assert!(message.starts_with("thresholds: -1 days"), "{message}");
}

#[tokio::test]
async fn bad_windows_are_refused_naming_the_field() {
    let app = TestApp::demo().await;
    let (rule, message) = refused(&app, json!({ "from": "2027-02-01", "to": "2027-01-31" })).await;
    assert_eq!(rule, "CALENDAR_WINDOW_REVERSED");
    assert_eq!(
        message,
        "to: 2027-01-31 is before the start of the window, 2027-02-01"
    );
    let cases = [
        (
            json!({ "from": "2027-01-01" }),
            "CALENDAR_WINDOW_INCOMPLETE",
            "to: required when from is given",
        ),
        (
            json!({ "to": "2027-01-01" }),
            "CALENDAR_WINDOW_INCOMPLETE",
            "from: required when to is given",
        ),
        (
            json!({ "from": "2027-01-01", "to": "2027-02-01", "withinDays": 30 }),
            "CALENDAR_WINDOW_CONFLICT",
            "withinDays: give either from and to, or withinDays, not both",
        ),
        (
            json!({ "withinDays": -1 }),
            "CALENDAR_WITHIN_DAYS_OUT_OF_RANGE",
            "withinDays: -1 days is out of range; it must be 0 to 3660 days",
        ),
        (
            json!({ "from": "2020-01-01", "to": "2031-01-01" }),
            "CALENDAR_WINDOW_TOO_LONG",
            "to: the window covers 4018 days; at most 3660 days (about ten years) are allowed",
        ),
        (
            json!({ "filter": { "provider": { "eq": "bm90IGFuIGlk" } } }),
            "ID_INVALID",
            "filter.provider.eq: \"bm90IGFuIGlk\" is not the id of a Organisation",
        ),
        (
            json!({ "filter": { "fundingStream": { "isNull": true } } }),
            "FILTER_OPERATOR_UNSUPPORTED",
            "filter.fundingStream.isNull: not supported by the renewal calendar; use eq or in",
        ),
    ];
    for (variables, expected_rule, expected_message) in cases {
        let (rule, message) = refused(&app, variables.clone()).await;
        assert_eq!(
            (rule.as_str(), message.as_str()),
            (expected_rule, expected_message),
            "{variables}"
        );
    }
}

#[tokio::test]
async fn terminated_contracts_leave_the_calendar() {
    let app = TestApp::demo().await;
    let done = app
        .db
        .execute_unprepared(
            "UPDATE contracts SET status = 'terminated' WHERE reference = 'WYCA-SARC-2023'",
        )
        .await
        .expect("terminate the SARC");
    assert_eq!(done.rows_affected(), 1);
    assert_eq!(
        calendar(&app, json!({ "asOf": "2026-11-23" })).await,
        [SIX_MONTHS[4]]
    );
}

/// The SQLite query plan of `statement`, one step a line.
async fn sqlite_plan(app: &TestApp, statement: sea_orm::Statement) -> String {
    let explain = sea_orm::Statement::from_sql_and_values(
        sea_orm::DbBackend::Sqlite,
        format!("EXPLAIN QUERY PLAN {}", statement.sql),
        statement.values.map(|v| v.0).unwrap_or_default(),
    );
    let rows = app.db.query_all_raw(explain).await.expect("explain");
    rows.iter()
        .map(|row| row.try_get::<String>("", "detail").expect("detail"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// On SQLite, the calendar's queries are answered through the date indexes,
/// not by scanning the contracts or grant rounds.
#[tokio::test]
async fn the_calendar_reads_through_the_date_indexes() {
    use api::domain::calendar::{EventKind, Window};
    use api::store::calendar::{contracts_query, rounds_query, Scope};
    let app = TestApp::demo().await;
    if app.on_postgres() {
        // PostgreSQL plans by table statistics; on a few demo rows it rightly
        // prefers a sequential scan, so the plan proves nothing there.
        return;
    }
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let window = Window::within_days(as_of, 183).unwrap();
    let scope = Scope::default();
    let contracts = contracts_query(window, as_of, &EventKind::ALL, &scope)
        .expect("contract kinds were asked for")
        .build(sea_orm::DbBackend::Sqlite);
    let plan = sqlite_plan(&app, contracts).await;
    for index in [
        "contracts_initial_end_date",
        "contracts_current_end_date",
        "contracts_eia_review_date",
        "extension_options_decide_by",
    ] {
        assert!(plan.contains(index), "{index} unused:\n{plan}");
    }
    assert!(!plan.contains("SCAN"), "{plan}");
    let rounds = rounds_query(window, &scope)
        .expect("rounds are in scope")
        .build(sea_orm::DbBackend::Sqlite);
    let plan = sqlite_plan(&app, rounds).await;
    assert!(plan.contains("grant_rounds_closes_on"), "{plan}");
    assert!(!plan.contains("SCAN"), "{plan}");
}

#[tokio::test]
async fn pages_follow_the_calendar_order_without_gaps_or_repeats() {
    let app = TestApp::demo().await;
    let window = json!({ "asOf": "2022-01-01", "from": "2022-01-01", "to": "2031-12-31" });
    let all = calendar(&app, window.clone()).await;
    assert!(all.len() > 10, "{all:?}");
    const PAGE: &str = r#"
    query Page($after: String) {
      renewalCalendar(asOf: "2022-01-01", from: "2022-01-01", to: "2031-12-31") {
        eventPage(first: 3, after: $after) {
          totalCount
          pageInfo { hasNextPage hasPreviousPage endCursor }
          nodes { kind date daysRemaining rag contract { reference } grantRound { name }
                  currentEndDate maximumEndDate }
        }
        events { kind date }
      }
    }"#;
    let mut paged = Vec::new();
    let mut after = Value::Null;
    let mut pages = 0;
    loop {
        let data = app.data(PAGE, json!({ "after": after })).await;
        let calendar = &data["renewalCalendar"];
        let page = &calendar["eventPage"];
        assert_eq!(page["totalCount"], all.len(), "{page}");
        assert_eq!(page["pageInfo"]["hasPreviousPage"], pages > 0, "{page}");
        // The deprecated list still answers, with every event.
        assert_eq!(calendar["events"].as_array().unwrap().len(), all.len());
        let as_calendar = json!({ "renewalCalendar": { "eventPage": { "nodes": page["nodes"] } } });
        paged.extend(lines(&as_calendar));
        pages += 1;
        if page["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(paged, all);
    assert_eq!(pages, all.len().div_ceil(3));

    // A cursor belongs to the calendar's order; a made-up one is refused.
    let bad = app
        .graphql(PAGE, json!({ "after": "bm90LWEtY3Vyc29y" }))
        .await;
    assert_eq!(
        bad["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{bad}"
    );
    // Page sizes are bounded as in every list.
    let too_big = app
        .graphql(
            r#"{ renewalCalendar(asOf: "2026-11-23") { eventPage(first: 101) { totalCount } } }"#,
            json!({}),
        )
        .await;
    assert!(
        too_big["errors"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("first:"),
        "{too_big}"
    );
}
