//! Spend through `POST /import/{kind}`: the happy path with its audit
//! events and attributions, every bad row reported with the mutations'
//! codes, all or nothing, and every refusal of the file or the caller.

use serde_json::json;

use super::support::snapshot;
use super::{at, count, errors, import};
use crate::common::TestApp;

const HEADER: &str = "fundingStream,financialYear,quarter,serviceCode,contractReference,amount,qualifier,wording,description\n";

#[tokio::test]
async fn spend_is_imported_with_its_audit_events_and_attributions() {
    let app = TestApp::demo().await;
    let key = app.admin_key().await;
    let lines_before = count(&app, "spend_lines").await;
    let audit_before = count(&app, "audit_events").await;
    let parts_before = count(&app, "spend_attributions").await;
    let file = format!(
        "{HEADER}Victims of Crime,2023-24,Q1,ISAC,WYCA-ISAC-2022,112500.00,EXACT,,ISAC Q1\n\
         Victims of Crime,2023-24,Q2,,WYCA-SARC-2023,1000.01,,,\"SARC, Q2\"\n\
         Community Safety,2024-25,,CARA,,7280.5,AT_MOST,just under,\n"
    );
    let (status, report) = import(&app, Some(&key), "spend", false, file).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(
        report,
        json!({"kind": "spend", "dryRun": false, "rowsRead": 3, "rowsImported": 3,
               "errors": [], "errorCount": 0})
    );
    assert_eq!(count(&app, "spend_lines").await, lines_before + 3);
    assert_eq!(count(&app, "audit_events").await, audit_before + 3);
    // The SARC line is split 50/50, then the policing half among the
    // regional commissioners; the ISAC line is its lead's alone.
    assert!(count(&app, "spend_attributions").await > parts_before + 2);

    // The lines read back through GraphQL exactly as written.
    let data = app
        .data(
            "{ spendLines(first: 100) { nodes { quarter amount { money { amount } } description contract { reference } } } }",
            json!({}),
        )
        .await;
    let nodes = data["spendLines"]["nodes"].as_array().unwrap();
    let line = nodes
        .iter()
        .find(|n| n["description"] == "SARC, Q2")
        .unwrap_or_else(|| panic!("the SARC line: {data}"));
    assert_eq!(line["amount"]["money"]["amount"], "1000.01");
    assert_eq!(line["quarter"], "Q2");
    assert_eq!(line["contract"]["reference"], "WYCA-SARC-2023");
}

#[tokio::test]
async fn every_bad_row_is_reported_by_line_and_column_and_nothing_is_written() {
    let app = TestApp::demo().await;
    let key = app.admin_key().await;
    let before = snapshot(&app.db).await;
    let file = format!(
        "{HEADER}Victims of Crime,2023-24,Q1,ISAC,WYCA-ISAC-2022,10.00,,,\n\
         Victims of Crime,2023-24,Q1,,,12.345,,,\n\
         Victims of Crime,2023-25,Q5,,,-1,,,\n\
         Nowhere Fund,2023-24,,NOPE,WYCA-NOPE,1.00,,,\n\
         Victims of Crime,2023-24,,CARA,WYCA-ISAC-2022,1.00,,,\n\
         Victims of Crime,2023-24,,,,\"1,000.00\",ROUGHLY,,\n\
         Victims of Crime,2023-24,,,,1.00\n\
         Victims of Crime,2023-24,,,,1.00,,,\"bad \u{202e} text\"\n"
    );
    for dry_run in [true, false] {
        let (status, report) = import(&app, Some(&key), "spend", dry_run, file.clone()).await;
        assert_eq!(status, 422, "{report}");
        assert_eq!(report["rowsRead"], 8);
        assert_eq!(report["rowsImported"], 0);
        assert_eq!(report["dryRun"], dry_run);
        assert_eq!(
            errors(&report),
            vec![
                at(3, "amount", "MONEY_TOO_MANY_DECIMALS"),
                at(4, "financialYear", "FINANCIAL_YEAR_NOT_CONSECUTIVE"),
                at(4, "quarter", "QUARTER_INVALID"),
                at(5, "fundingStream", "NOT_FOUND"),
                at(5, "serviceCode", "NOT_FOUND"),
                at(5, "contractReference", "NOT_FOUND"),
                at(6, "serviceCode", "SPEND_SERVICE_MISMATCH"),
                at(7, "amount", "MONEY_MALFORMED"),
                at(7, "qualifier", "QUALIFIER_INVALID"),
                (8, None, "CSV_FIELD_COUNT".to_owned()),
                at(9, "description", "TEXT_CONTROL_CHARACTER"),
            ]
        );
        assert_eq!(report["errorCount"], 11);
        let message = report["errors"][0]["message"].as_str().unwrap();
        assert!(message.starts_with("amount: "), "{message}");
        // The -1 on line 4 is refused too once the row can be read.
        assert_eq!(snapshot(&app.db).await, before);
    }
}

#[tokio::test]
async fn import_and_mutation_give_the_same_codes() {
    let app = TestApp::demo().await;
    let key = app.admin_key().await;
    let writer = super::support::Writer {
        app: &app,
        key: key.clone(),
    };
    let stream = app
        .data(
            "{ fundingStreams(first: 100) { nodes { id name } } }",
            json!({}),
        )
        .await["fundingStreams"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["name"] == "Victims of Crime")
        .unwrap()["id"]
        .clone();
    for amount in ["12.345", "-5.00", "10000000000.00"] {
        let response = writer
            .send(
                "mutation($input: RecordSpendInput!) { recordSpend(input: $input) { userErrors { code } } }",
                json!({"input": {"fundingStreamId": stream, "financialYear": "2023-24", "amount": amount}}),
            )
            .await;
        let mutation_code = response["data"]["recordSpend"]["userErrors"][0]["code"].clone();
        let file =
            format!("fundingStream,financialYear,amount\nVictims of Crime,2023-24,{amount}\n");
        let (status, report) = import(&app, Some(&key), "spend", true, file).await;
        assert_eq!(status, 422);
        assert_eq!(report["errors"][0]["code"], mutation_code, "{amount}");
    }
}

#[tokio::test]
async fn a_bad_row_at_the_end_of_a_big_file_rolls_everything_back() {
    let app = TestApp::demo().await;
    let key = app.admin_key().await;
    let before = snapshot(&app.db).await;
    let mut file = String::from(HEADER);
    for i in 0..5_000 {
        file.push_str(&format!(
            "Victims of Crime,2023-24,Q3,ISAC,WYCA-ISAC-2022,{}.{:02},,,row {i}\n",
            i % 900,
            i % 100
        ));
    }
    file.push_str("Victims of Crime,2023-24,Q3,ISAC,WYCA-ISAC-2022,1.001,,,last\n");
    let (status, report) = import(&app, Some(&key), "spend", false, file).await;
    assert_eq!(status, 422, "{report}");
    assert_eq!(report["rowsRead"], 5_001);
    assert_eq!(
        errors(&report),
        vec![at(5_002, "amount", "MONEY_TOO_MANY_DECIMALS")]
    );
    assert_eq!(snapshot(&app.db).await, before);
}

#[tokio::test]
async fn bad_files_are_refused_whole_with_a_code() {
    let app = TestApp::demo().await;
    let key = app.admin_key().await;
    let before = snapshot(&app.db).await;
    let mut latin1 = format!("{HEADER}Victims of Crime,2023-24,,,,1.00,,,ok\n").into_bytes();
    latin1.extend_from_slice(b"Victims of Crime,2023-24,,,,1.00,,,caf\xe9\n");
    let cases: Vec<(Vec<u8>, &str, Option<u64>)> = vec![
        (latin1, "CSV_NOT_UTF8", Some(3)),
        (Vec::new(), "CSV_EMPTY", None),
        (
            b"fundingStream,financialYear,ammount\n".to_vec(),
            "CSV_COLUMN_UNKNOWN",
            Some(1),
        ),
        (
            b"fundingStream,financialYear\n".to_vec(),
            "CSV_COLUMN_MISSING",
            Some(1),
        ),
        (vec![0xff, 0xfe, 0x00, 0x66, 0x00], "CSV_NOT_UTF8", Some(1)),
    ];
    for (file, code, line) in cases {
        let (status, body) = import(&app, Some(&key), "spend", false, file).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(body["errors"][0]["extensions"]["code"], code, "{body}");
        assert_eq!(
            body["errors"][0]["extensions"]["line"].as_u64(),
            line,
            "{body}"
        );
    }
    // An unknown kind, and a body that is not CSV.
    let (status, body) = import(&app, Some(&key), "contracts", false, HEADER).await;
    assert_eq!(
        (status, &body["errors"][0]["extensions"]["code"]),
        (404, &json!("IMPORT_KIND_UNKNOWN"))
    );
    let response = app
        .client
        .post(format!("{}/import/spend", app.base))
        .bearer_auth(&key)
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 415);
    assert_eq!(snapshot(&app.db).await, before);
}

/// Sends a raw HTTP/1.1 request (head, then body parts) and returns the
/// answer's text: lets a test announce a length it never sends, or stream
/// a chunked body.
async fn raw(app: &TestApp, head: &str, parts: Vec<Vec<u8>>) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let address = app.base.trim_start_matches("http://");
    let mut socket = tokio::net::TcpStream::connect(address).await.unwrap();
    let head = format!(
        "POST /import/spend HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n{head}\r\n"
    );
    socket.write_all(head.as_bytes()).await.unwrap();
    for part in parts {
        // The server may answer and close before the body is all sent.
        if socket.write_all(&part).await.is_err() {
            break;
        }
    }
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(
        std::time::Duration::from_secs(20),
        socket.read_to_end(&mut answer),
    )
    .await;
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test]
async fn a_2_gb_upload_is_a_413_before_it_is_read() {
    let app = TestApp::demo().await;
    let key = app.admin_key().await;
    let before = snapshot(&app.db).await;
    let head = format!(
        "Authorization: Bearer {key}\r\nContent-Type: text/csv\r\nContent-Length: 2147483648\r\n"
    );
    let answer = raw(&app, &head, vec![HEADER.as_bytes().to_vec()]).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("PAYLOAD_TOO_LARGE"), "{answer}");
    assert_eq!(snapshot(&app.db).await, before);
}

#[tokio::test]
async fn a_streamed_body_is_cut_off_at_the_limit_and_rolled_back() {
    let options = api::http::ServerOptions {
        import_limit_bytes: 256 * 1024,
        ..api::http::ServerOptions::default()
    };
    let app = TestApp::start_with(|_| {}, options).await;
    api::seed::load_demo(&app.db).await.unwrap();
    let key = app.admin_key().await;
    let before = snapshot(&app.db).await;
    let head = format!(
        "Authorization: Bearer {key}\r\nContent-Type: text/csv\r\nTransfer-Encoding: chunked\r\n"
    );
    let row = "Victims of Crime,2023-24,Q3,ISAC,WYCA-ISAC-2022,1.00,,,a good row\n";
    let chunk = |data: &[u8]| {
        let mut framed = format!("{:x}\r\n", data.len()).into_bytes();
        framed.extend_from_slice(data);
        framed.extend_from_slice(b"\r\n");
        framed
    };
    let mut parts = vec![chunk(HEADER.as_bytes())];
    // 600 KiB of good rows, well over the 256 KiB limit.
    parts.extend((0..60).map(|_| chunk(row.repeat(10 * 1024 / row.len()).as_bytes())));
    parts.push(b"0\r\n\r\n".to_vec());
    let answer = raw(&app, &head, parts).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("PAYLOAD_TOO_LARGE"), "{answer}");
    assert_eq!(snapshot(&app.db).await, before);
}

#[tokio::test]
async fn an_upload_cut_off_half_way_leaves_no_rows() {
    let app = TestApp::demo().await;
    let key = app.admin_key().await;
    let before = count(&app, "spend_lines").await;
    let audit_before = count(&app, "audit_events").await;
    let row = "Victims of Crime,2023-24,Q3,ISAC,WYCA-ISAC-2022,1.00,,,a good row\n";
    // More rows than one insert batch, so some were written before the cut.
    let sent = format!("{HEADER}{}", row.repeat(3_000));
    // The client promises twice what it sends, then goes away.
    {
        use tokio::io::AsyncWriteExt;
        let address = app.base.trim_start_matches("http://");
        let mut socket = tokio::net::TcpStream::connect(address).await.unwrap();
        let head = format!(
            "POST /import/spend HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {key}\r\n\
             Content-Type: text/csv\r\nContent-Length: {}\r\n\r\n",
            sent.len() * 2
        );
        socket.write_all(head.as_bytes()).await.unwrap();
        socket.write_all(sent.as_bytes()).await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    // A later import waits for the write lock the cut-off one held (SQLite)
    // and lands alone.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let one = format!("{HEADER}{row}");
    let (status, report) = import(&app, Some(&key), "spend", false, one).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(count(&app, "spend_lines").await, before + 1);
    assert_eq!(count(&app, "audit_events").await, audit_before + 1);
}

/// Sends `file` in two halves with `pause` between them and returns the
/// answer's status line and body.
async fn slow_upload(app: &TestApp, key: &str, file: &str, pause: std::time::Duration) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let address = app.base.trim_start_matches("http://");
    let mut socket = tokio::net::TcpStream::connect(address).await.unwrap();
    let head = format!(
        "POST /import/spend HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\
         Authorization: Bearer {key}\r\nContent-Type: text/csv\r\nContent-Length: {}\r\n\r\n",
        file.len()
    );
    socket.write_all(head.as_bytes()).await.unwrap();
    let (first, rest) = file.split_at(file.len() / 2);
    socket.write_all(first.as_bytes()).await.unwrap();
    tokio::time::sleep(pause).await;
    // The server may have answered and closed already.
    let _ = socket.write_all(rest.as_bytes()).await;
    let mut answer = Vec::new();
    let _ = socket.read_to_end(&mut answer).await;
    String::from_utf8_lossy(&answer).into_owned()
}

/// An import has a time limit of its own: the server's request timeout does
/// not cut a slow upload short, and the import's own limit does.
#[tokio::test]
async fn imports_run_under_their_own_time_limit() {
    use std::time::Duration;

    let launch = |request_timeout: Duration, import_timeout: Duration| {
        TestApp::launch(
            |_| {},
            api::http::ServerOptions {
                import_timeout,
                ..api::http::ServerOptions::default()
            },
            api::http::SecurityOptions {
                request_timeout,
                ..TestApp::open()
            },
        )
    };
    let file = format!("{HEADER}Victims of Crime,2023-24,Q1,,,10.00,,,\n");
    let pause = Duration::from_millis(600);

    let app = launch(Duration::from_millis(100), Duration::from_secs(60)).await;
    api::seed::load_demo(&app.db).await.expect("demo data");
    let key = app.admin_key().await;
    let answer = slow_upload(&app, &key, &file, pause).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains(r#""rowsImported":1"#), "{answer}");

    let app = launch(Duration::from_secs(60), Duration::from_millis(100)).await;
    api::seed::load_demo(&app.db).await.expect("demo data");
    let key = app.admin_key().await;
    let before = count(&app, "spend_lines").await;
    let answer = slow_upload(&app, &key, &file, pause).await;
    assert!(answer.starts_with("HTTP/1.1 504"), "{answer}");
    assert!(answer.contains(r#""code":"TIMEOUT""#), "{answer}");
    assert_eq!(count(&app, "spend_lines").await, before, "nothing written");
}
