//! `GET /calendar.ics`: the renewal calendar as an iCalendar feed, read back
//! with a real iCalendar parser (the `ical` crate), checked against the
//! GraphQL `renewalCalendar` it mirrors, and its keys.

mod common;

use std::collections::BTreeSet;

use common::TestApp;
use ical::parser::ical::component::{IcalCalendar, IcalEvent};
use serde_json::{json, Value};

/// GETs `path` (with its query) and returns the status, content type and body.
async fn get(app: &TestApp, path: &str, bearer: Option<&str>) -> (u16, String, String) {
    let mut request = app.client.get(format!("{}{path}", app.base));
    if let Some(key) = bearer {
        request = request.bearer_auth(key);
    }
    let response = request.send().await.expect("send");
    let status = response.status().as_u16();
    let media = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, media, response.text().await.expect("body"))
}

/// Parses a feed with the `ical` crate: exactly one calendar.
fn parse(text: &str) -> IcalCalendar {
    let mut calendars = ical::IcalParser::new(text.as_bytes());
    let calendar = calendars
        .next()
        .expect("one calendar")
        .expect("a valid iCalendar");
    assert!(calendars.next().is_none(), "exactly one VCALENDAR");
    calendar
}

/// A property's parameters, as the parser gives them.
type Params = Vec<(String, Vec<String>)>;

/// The value of property `name`, and its parameters.
fn property<'a>(
    properties: &'a [ical::property::Property],
    name: &str,
) -> Option<(&'a str, Params)> {
    properties.iter().find(|p| p.name == name).map(|p| {
        (
            p.value.as_deref().unwrap_or_default(),
            p.params.clone().unwrap_or_default(),
        )
    })
}

/// The text of property `name` of `event`, unescaped (RFC 5545 3.3.11;
/// the parser leaves escapes as they are).
fn value(event: &IcalEvent, name: &str) -> String {
    let raw = property(&event.properties, name)
        .unwrap_or_else(|| panic!("{name} missing"))
        .0;
    let mut text = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            text.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => text.push('\n'),
            Some(escaped) => text.push(escaped),
            None => text.push('\\'),
        }
    }
    text
}

fn by_uid<'a>(calendar: &'a IcalCalendar, uid: &str) -> &'a IcalEvent {
    calendar
        .events
        .iter()
        .find(|e| value(e, "UID") == uid)
        .unwrap_or_else(|| panic!("no event {uid}"))
}

#[tokio::test]
async fn the_feed_carries_the_sarc_decision_on_2026_12_31_with_a_reminder() {
    let app = TestApp::demo().await;
    let (status, media, text) = get(
        &app,
        "/calendar.ics?asOf=2026-11-23&withinDays=183&alarmDays=21",
        None,
    )
    .await;
    assert_eq!(status, 200, "{text}");
    assert_eq!(media, "text/calendar; charset=utf-8");
    let calendar = parse(&text);
    assert_eq!(property(&calendar.properties, "VERSION").unwrap().0, "2.0");

    let decision = by_uid(
        &calendar,
        "extension-decision-due.contract-1.option-1@commtrack",
    );
    let (start, params) = property(&decision.properties, "DTSTART").unwrap();
    assert_eq!(start, "20261231");
    assert_eq!(params, vec![("VALUE".to_owned(), vec!["DATE".to_owned()])]);
    assert_eq!(value(decision, "DTEND"), "20270101");
    assert_eq!(
        value(decision, "SUMMARY"),
        "Decide extension option 1: WYCA-SARC-2023"
    );
    let description = value(decision, "DESCRIPTION");
    assert!(
        description.contains("ends 2027-03-31") && description.contains("ends 2030-03-31"),
        "{description}"
    );
    assert!(
        description.contains("RED, 38 days remaining"),
        "{description}"
    );
    assert!(value(decision, "DTSTAMP").ends_with('Z'));
    assert_eq!(decision.alarms.len(), 1);
    let alarm = &decision.alarms[0].properties;
    assert_eq!(property(alarm, "ACTION").unwrap().0, "DISPLAY");
    assert_eq!(property(alarm, "TRIGGER").unwrap().0, "-P21D");

    // The same events as the GraphQL calendar for the same window.
    let data = app
        .data(
            r#"{ renewalCalendar(asOf: "2026-11-23", withinDays: 183) {
                   eventPage(first: 100) { totalCount nodes { date kind } } } }"#,
            json!({}),
        )
        .await;
    let expected: BTreeSet<(String, String)> = data["renewalCalendar"]["eventPage"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["date"].as_str().unwrap().replace('-', ""),
                n["kind"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let fed: BTreeSet<(String, String)> = calendar
        .events
        .iter()
        .map(|e| (value(e, "DTSTART"), value(e, "CATEGORIES")))
        .collect();
    assert_eq!(fed, expected);
    assert_eq!(
        calendar.events.len() as u64,
        data["renewalCalendar"]["eventPage"]["totalCount"]
            .as_u64()
            .unwrap()
    );
    let uids: BTreeSet<String> = calendar.events.iter().map(|e| value(e, "UID")).collect();
    assert_eq!(uids.len(), calendar.events.len(), "UIDs are unique");
}

#[tokio::test]
async fn uids_stay_when_the_sarc_extension_is_exercised_and_its_end_moves() {
    let app = TestApp::demo().await;
    let path = "/calendar.ics?asOf=2026-11-23&from=2027-01-01&to=2030-12-31&kind=CONTRACT_EXPIRES";
    let (_, _, before) = get(&app, path, None).await;
    let uid = "contract-expires.contract-1@commtrack";
    assert_eq!(value(by_uid(&parse(&before), uid), "DTSTART"), "20270331");

    let key = app.admin_key().await;
    let option = app
        .data(
            r#"{ contract(reference: "WYCA-SARC-2023") { extensionOptions { id version } } }"#,
            json!({}),
        )
        .await["contract"]["extensionOptions"][0]
        .clone();
    let response = app
        .graphql_as(
            &key,
            "mutation($id: ID!, $v: Int!) { exerciseExtensionOption(input: { id: $id, expectedVersion: $v }) { userErrors { code } } }",
            json!({ "id": option["id"], "v": option["version"] }),
        )
        .await;
    assert_eq!(
        response["data"]["exerciseExtensionOption"]["userErrors"],
        json!([]),
        "{response}"
    );
    let (_, _, after) = get(&app, path, None).await;
    assert_eq!(value(by_uid(&parse(&after), uid), "DTSTART"), "20300331");
}

#[tokio::test]
async fn filters_narrow_the_feed_like_the_renewal_calendar() {
    let app = TestApp::demo().await;
    let (_, _, text) = get(
        &app,
        "/calendar.ics?from=2023-01-01&to=2023-12-31&kind=GRANT_ROUND_CLOSES&alarmDays=0",
        None,
    )
    .await;
    let calendar = parse(&text);
    let closing: Vec<(String, String)> = calendar
        .events
        .iter()
        .map(|e| (value(e, "DTSTART"), value(e, "SUMMARY")))
        .collect();
    assert!(
        closing.contains(&(
            "20230610".to_owned(),
            "Round closes: Mayor's Safer Communities Fund, Grant Round 4".to_owned()
        )),
        "{closing:?}"
    );
    assert!(calendar.events.iter().all(|e| e.alarms.is_empty()));

    let nhs = app
        .data(r#"{ organisation(name: "NHS England") { id } }"#, json!({}))
        .await["organisation"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, _, text) = get(
        &app,
        &format!("/calendar.ics?asOf=2026-11-23&withinDays=3660&commissioner={nhs}"),
        None,
    )
    .await;
    let calendar = parse(&text);
    assert!(!calendar.events.is_empty());
    assert!(
        calendar
            .events
            .iter()
            .all(|e| value(e, "SUMMARY").ends_with("WYCA-SARC-2023")),
        "NHS England shares only the SARC's cost"
    );
}

#[tokio::test]
async fn bad_parameters_are_coded_errors_naming_the_parameter() {
    let app = TestApp::demo().await;
    for (query, rule, field) in [
        ("kinds=CONTRACT_EXPIRES", "FEED_PARAMETER_UNKNOWN", "kinds"),
        ("kind=SOMETIME", "FEED_KIND_UNKNOWN", "kind"),
        ("asOf=31/12/2026", "DATE_MALFORMED", "asOf"),
        (
            "withinDays=5000",
            "CALENDAR_WITHIN_DAYS_OUT_OF_RANGE",
            "withinDays",
        ),
        ("commissioner=abc", "ID_INVALID", "commissioner"),
        ("alarmDays=400", "FEED_ALARM_OUT_OF_RANGE", "alarmDays"),
    ] {
        let (status, media, body) = get(&app, &format!("/calendar.ics?{query}"), None).await;
        assert_eq!(status, 400, "{query}: {body}");
        assert_eq!(media, "application/json");
        let body: Value = serde_json::from_str(&body).unwrap();
        let error = &body["errors"][0];
        assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT", "{query}");
        assert_eq!(error["extensions"]["rule"], rule, "{query}");
        assert!(
            error["message"].as_str().unwrap().starts_with(field),
            "{query}: {error}"
        );
        assert!(error["extensions"]["requestId"].is_string());
    }
}

#[tokio::test]
async fn calendar_keys_open_the_feed_and_nothing_else() {
    let app = TestApp::secured(api::http::SecurityOptions {
        rate_limit_per_minute: None,
        ..api::http::SecurityOptions::default()
    })
    .await;
    api::seed::load_demo(&app.db).await.expect("demo data");
    let calendar_key = app.calendar_key().await;
    let viewer_key = app.viewer_key().await;
    let feed = "/calendar.ics?asOf=2026-11-23";

    let (status, _, body) = get(&app, feed, None).await;
    assert_eq!(status, 401, "no key: {body}");
    for key in [&calendar_key, &viewer_key] {
        let (status, _, body) = get(&app, &format!("{feed}&key={key}"), None).await;
        assert_eq!(status, 200, "{body}");
        assert!(body.contains("WYCA-SARC-2023"));
        let (status, _, _) = get(&app, feed, Some(key)).await;
        assert_eq!(status, 200, "a header works too");
    }
    let (kept, last) = calendar_key.split_at(calendar_key.len() - 1);
    let wrong = format!("{kept}{}", if last == "0" { "1" } else { "0" });
    let (status, _, _) = get(&app, &format!("{feed}&key={wrong}"), None).await;
    assert_eq!(status, 401, "a wrong key");
    let (status, _, _) = get(
        &app,
        &format!("{feed}&key={calendar_key}&key={calendar_key}"),
        None,
    )
    .await;
    assert_eq!(status, 401, "two keys");

    // The calendar key opens nothing else; keys in URLs open nothing else.
    let response = app
        .client
        .post(format!("{}/graphql", app.base))
        .bearer_auth(&calendar_key)
        .json(&json!({ "query": "{ contracts { totalCount } }" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 403);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["errors"][0]["extensions"]["code"], "FORBIDDEN");
    let (status, _, _) = get(
        &app,
        &format!("/graphql?query={{__typename}}&key={viewer_key}"),
        None,
    )
    .await;
    assert_eq!(status, 401, "the API takes keys only in the header");
}
