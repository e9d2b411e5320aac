//! Money is exact on both backends: amounts are stored as integer pence, read
//! back string-equal, and summed exactly by SQL.

mod common;

use common::TestApp;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::json;

#[tokio::test]
async fn round_amounts_round_trip_and_sum_exactly_in_sql() {
    let app = TestApp::demo().await;
    // Round 1's reported total comes back string-equal.
    let data = app
        .data(
            r#"{ grantProgramme(name: "Mayor's Safer Communities Fund") { round(number: 1) { reportedAwardedTotal { amount } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        data["grantProgramme"]["round"]["reportedAwardedTotal"]["amount"],
        "208254.93"
    );

    // Round 4's three awards sum, in SQL, to exactly £20,704.00.
    let backend = app.db.get_database_backend();
    let row = app
        .db
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT CAST(SUM(a.amount_pence) AS BIGINT) AS total FROM grant_awards a \
             JOIN grant_rounds r ON r.id = a.round_id WHERE r.number = 4",
        ))
        .await
        .unwrap()
        .expect("a row");
    let total: i64 = row.try_get("", "total").unwrap();
    assert_eq!(api::domain::pence_to_decimal(total).to_string(), "20704.00");
}

#[tokio::test]
async fn large_and_awkward_amounts_survive_storage() {
    let app = TestApp::demo().await;
    // Values a float would mangle: 0.1 + 0.2, and pennies on billions.
    let backend = app.db.get_database_backend();
    for pence in [30_i64, 999_999_999_999, 20_825_493, 1] {
        app.db
            .execute_raw(Statement::from_string(
                backend,
                format!(
                    "UPDATE grant_awards SET amount_pence = {pence} WHERE project_name = 'Shine'"
                ),
            ))
            .await
            .unwrap();
        let data = app
            .data(
                r#"{ grantProgramme(name: "Mayor's Safer Communities Fund") { round(number: 4) { awards { projectName amount { amount } } } } }"#,
                json!({}),
            )
            .await;
        let shine = data["grantProgramme"]["round"]["awards"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["projectName"] == "Shine")
            .unwrap()
            .clone();
        assert_eq!(
            shine["amount"]["amount"],
            api::domain::pence_to_decimal(pence).to_string()
        );
    }
}
