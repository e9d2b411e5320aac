//! `GET /export/360giving.json|.csv` and `/export/360giving-rounds.csv`:
//! valid 360Giving on the demo and on a generated dataset, the flat CSV read
//! back with the standard's column titles, and the round figures beside it.

use sea_orm::EntityTrait;
use serde_json::Value;

use crate::common::TestApp;
use crate::{export, generated, schemas};

const ROUND_4: &str =
    "/export/360giving.json?programme=Mayor%27s%20Safer%20Communities%20Fund&round=4";

fn rows(csv_text: &str) -> (Vec<String>, Vec<csv::StringRecord>) {
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let headers = reader
        .headers()
        .expect("a header row")
        .iter()
        .map(str::to_owned)
        .collect();
    let records = reader.records().map(|r| r.expect("a CSV row")).collect();
    (headers, records)
}

fn column(headers: &[String], title: &str) -> usize {
    headers
        .iter()
        .position(|h| h == title)
        .unwrap_or_else(|| panic!("no column {title:?} in {headers:?}"))
}

#[tokio::test]
async fn round_4_of_the_demo_is_valid_360giving_json() {
    let app = TestApp::demo().await;
    let key = app.analyst_key().await;
    let body = export(&app, &key, ROUND_4).await;
    let package: Value = serde_json::from_str(&body).unwrap();
    schemas::assert_valid(&schemas::giving_package(), &package, "round 4's 360Giving");
    let grants = package["grants"].as_array().unwrap();
    assert_eq!(grants.len(), 3);
    let happydays = grants
        .iter()
        .find(|g| g["recipientOrganization"][0]["name"] == "Happydays UK")
        .unwrap();
    assert_eq!(happydays["title"], "Supported resident psychotherapy");
    assert_eq!(happydays["currency"], "GBP");
    assert_eq!(happydays["amountAwarded"].as_f64(), Some(7280.0));
    assert!(body.contains("\"amountAwarded\": 7280.00"), "two decimals");
    assert_eq!(
        happydays["fundingOrganization"][0]["name"],
        "West Yorkshire Combined Authority"
    );
    let places: Vec<&str> = happydays["beneficiaryLocation"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["name"].as_str().unwrap())
        .collect();
    assert_eq!(places, ["Calderdale", "Kirklees"]);
    // The reports give no award date for round 4: the closing date stands
    // in, and says so.
    assert_eq!(happydays["awardDate"], "2023-06-10");
    assert!(happydays["awardDateSource"]
        .as_str()
        .unwrap()
        .contains("closing date"));
    assert!(happydays["id"]
        .as_str()
        .unwrap()
        .starts_with("360G-commtrack-grant-"));
    // Beside the grants: demand against the pot, with its qualifiers.
    let figures = &package["roundFigures"][0];
    assert_eq!(figures["round"], 4);
    assert_eq!(figures["applicationsReceived"], 150);
    assert_eq!(figures["applicationsQualifier"], "AT_MOST");
    assert_eq!(figures["amountRequestedQualifier"], "AT_LEAST");
    assert_eq!(figures["oversubscription"].as_f64(), Some(2.43));
    assert_eq!(figures["oversubscriptionQualifier"], "APPROXIMATE");
    assert_eq!(figures["awardsRecorded"], 3);
}

#[tokio::test]
async fn round_4_of_the_demo_reads_back_from_the_flat_csv() {
    let app = TestApp::demo().await;
    let key = app.analyst_key().await;
    let body = export(&app, &key, &ROUND_4.replace(".json", ".csv")).await;
    let (headers, records) = rows(&body);
    for title in [
        "Identifier",
        "Title",
        "Description",
        "Currency",
        "Amount Awarded",
        "Award Date",
        "Recipient Org:Identifier",
        "Recipient Org:Name",
        "Funding Org:Identifier",
        "Funding Org:Name",
        "Grant Programme:Title",
        "Beneficiary Location:0:Name",
        "Beneficiary Location:1:Name",
    ] {
        column(&headers, title);
    }
    let (name, amount, place) = (
        column(&headers, "Recipient Org:Name"),
        column(&headers, "Amount Awarded"),
        column(&headers, "Beneficiary Location:0:Name"),
    );
    let mut awards: Vec<(String, String, String)> = records
        .iter()
        .map(|r| {
            (
                r[name].to_owned(),
                r[amount].to_owned(),
                r[place].to_owned(),
            )
        })
        .collect();
    awards.sort();
    assert_eq!(
        awards,
        [
            ("Happydays UK".into(), "7280.00".into(), "Calderdale".into()),
            (
                "Shine (West Bowling)".into(),
                "7424.00".into(),
                "Bradford".into()
            ),
            (
                "Yorkshire & Humber Regional Organised Crime Unit".into(),
                "6000.00".into(),
                "West Yorkshire".into()
            ),
        ]
    );
    for record in &records {
        assert_eq!(&record[column(&headers, "Currency")], "GBP");
        assert_eq!(&record[column(&headers, "Award Date")], "2023-06-10");
    }

    let body = export(&app, &key, &ROUND_4.replace(".json", "-rounds.csv")).await;
    let (headers, records) = rows(&body);
    assert_eq!(records.len(), 1);
    let get = |title: &str| records[0][column(&headers, title)].to_owned();
    assert_eq!(get("Round Name"), "Grant Round 4");
    assert_eq!(get("Pot"), "350000.00");
    assert_eq!(get("Applications Received"), "150");
    assert_eq!(get("Applications Wording"), "nearly");
    assert_eq!(get("Amount Requested"), "850000.00");
    assert_eq!(get("Amount Awarded"), "20704.00");
    assert_eq!(get("Oversubscription"), "2.43");
}

#[tokio::test]
async fn a_whole_programme_and_a_generated_one_are_valid_360giving() {
    let app = TestApp::demo().await;
    let key = app.analyst_key().await;
    let body = export(
        &app,
        &key,
        "/export/360giving.json?programme=Mayor%27s%20Safer%20Communities%20Fund",
    )
    .await;
    let package: Value = serde_json::from_str(&body).unwrap();
    schemas::assert_valid(&schemas::giving_package(), &package, "the programme");
    assert_eq!(package["roundFigures"].as_array().unwrap().len(), 2);
    // Round 1: the report's 39 awards and £208,254.93, none recorded one by one.
    let round_1 = &package["roundFigures"][0];
    assert_eq!(round_1["awardsRecorded"], 0);
    assert_eq!(round_1["awardsReported"], 39);
    assert!(body.contains("\"amountReported\": 208254.93"), "{round_1}");

    let app = generated().await;
    let key = app.analyst_key().await;
    let programmes = entity::grant_programme::Entity::find()
        .all(&app.db)
        .await
        .unwrap();
    let mut grants = 0;
    for programme in programmes.iter().take(5) {
        let name: String = programme
            .name
            .bytes()
            .map(|b| format!("%{b:02X}"))
            .collect();
        let body = export(
            &app,
            &key,
            &format!("/export/360giving.json?programme={name}"),
        )
        .await;
        let package: Value = serde_json::from_str(&body).unwrap();
        schemas::assert_valid(&schemas::giving_package(), &package, &programme.name);
        grants += package["grants"].as_array().unwrap().len();
        let csv = export(
            &app,
            &key,
            &format!("/export/360giving.csv?programme={name}"),
        )
        .await;
        assert_eq!(
            rows(&csv).1.len(),
            package["grants"].as_array().unwrap().len()
        );
    }
    assert!(grants > 0);
}
