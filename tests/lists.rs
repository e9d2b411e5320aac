//! Dashboard lists: every collection filtered, ordered and paged by keyset
//! cursors, with exact answers on the demo dataset (`api/src/seed/demo.toml`;
//! each expected list is read off that file as the comment beside it says).

mod common;

use std::collections::HashSet;

use common::TestApp;
use serde_json::{json, Value};

/// The filter and order input types of a list field.
fn input_types(field: &str) -> (&'static str, &'static str) {
    match field {
        "organisations" => ("OrganisationFilter", "OrganisationOrder"),
        "areas" => ("AreaFilter", "AreaOrder"),
        "themes" => ("ThemeFilter", "ThemeOrder"),
        "fundingStreams" => ("FundingStreamFilter", "FundingStreamOrder"),
        "services" => ("ServiceFilter", "ServiceOrder"),
        "contracts" => ("ContractFilter", "ContractOrder"),
        "extensionOptions" => ("ExtensionOptionFilter", "ExtensionOptionOrder"),
        "grantProgrammes" => ("GrantProgrammeFilter", "GrantProgrammeOrder"),
        "grantRounds" => ("GrantRoundFilter", "GrantRoundOrder"),
        "grantAwards" => ("GrantAwardFilter", "GrantAwardOrder"),
        "budgets" => ("BudgetFilter", "BudgetOrder"),
        "spendLines" => ("SpendLineFilter", "SpendLineOrder"),
        "indicators" => ("IndicatorFilter", "IndicatorOrder"),
        "observations" => ("ObservationFilter", "ObservationOrder"),
        other => panic!("no list {other}"),
    }
}

fn list_query(field: &str, selection: &str) -> String {
    let (filter, order) = input_types(field);
    format!(
        "query($filter: {filter}, $orderBy: [{order}!], $first: Int, $after: String) {{ \
         {field}(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {{ \
         totalCount pageInfo {{ hasNextPage endCursor }} nodes {{ {selection} }} }} }}"
    )
}

/// One page of `field` (up to 100 rows) and its total count.
async fn fetch(
    app: &TestApp,
    field: &str,
    filter: Value,
    order_by: Value,
    selection: &str,
) -> (Vec<Value>, u64) {
    let vars = json!({ "filter": filter, "orderBy": order_by, "first": 100 });
    let data = app.data(&list_query(field, selection), vars).await;
    let page = &data[field];
    assert_eq!(page["pageInfo"]["hasNextPage"], false, "{page}");
    let nodes = page["nodes"].as_array().expect("nodes").clone();
    (nodes, page["totalCount"].as_u64().expect("totalCount"))
}

/// The values of `key` in the rows of `field` matching `filter`, in
/// `orderBy` order; asserts that `totalCount` equals the number of rows.
async fn values(
    app: &TestApp,
    field: &str,
    filter: Value,
    order_by: Value,
    key: &str,
) -> Vec<String> {
    let (nodes, total) = fetch(app, field, filter, order_by, key).await;
    assert_eq!(total, nodes.len() as u64, "totalCount of {field}");
    nodes
        .iter()
        .map(|n| match &n[key] {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .collect()
}

/// The `extensions.rule` of the first error of a request that must fail.
async fn refused(app: &TestApp, query: &str, vars: Value) -> String {
    let response = app.graphql(query, vars).await;
    let error = &response["errors"][0];
    assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT", "{response}");
    error["extensions"]["rule"]
        .as_str()
        .expect("a rule")
        .to_owned()
}

async fn id_where(app: &TestApp, field: &str, key: &str, value: &str) -> String {
    let filter = json!({ key: { "eq": value } });
    let (nodes, _) = fetch(app, field, filter, json!(null), "id").await;
    assert_eq!(nodes.len(), 1, "one {field} with {key} {value}");
    nodes[0]["id"].as_str().expect("an id").to_owned()
}

async fn organisation(app: &TestApp, name: &str) -> String {
    id_where(app, "organisations", "name", name).await
}

async fn area(app: &TestApp, name: &str) -> String {
    id_where(app, "areas", "name", name).await
}

#[tokio::test]
async fn services_filter_by_area_theme_partner_status_and_search() {
    let app = TestApp::demo().await;
    let wakefield = area(&app, "Wakefield").await;
    let domestic_abuse = id_where(&app, "themes", "name", "Domestic Abuse").await;
    let st_giles = organisation(&app, "St Giles Trust").await;
    let victims = id_where(&app, "fundingStreams", "name", "Victims of Crime").await;
    let by_code_desc = json!([{ "field": "CODE", "direction": "DESC" }]);
    let by_code = json!([{ "field": "CODE" }]);

    // Wakefield is recorded on IDVA, ISVA and AE-NAV-WAK (not on the
    // West Yorkshire-wide services: areas match as recorded).
    let f = json!({ "area": { "eq": wakefield } });
    let codes = values(&app, "services", f, by_code_desc.clone(), "code").await;
    assert_eq!(codes, ["ISVA", "IDVA", "AE-NAV-WAK"]);

    // Domestic Abuse: CARA and IDVA.
    let f = json!({ "theme": { "eq": domestic_abuse } });
    assert_eq!(
        values(&app, "services", f, by_code.clone(), "code").await,
        ["CARA", "IDVA"]
    );

    // St Giles partners AE-NAV-WAK (proposed), CUSTODY-DIV (active), FDC (under review).
    let f = json!({ "partner": { "eq": st_giles }, "status": { "ne": "ACTIVE" } });
    assert_eq!(
        values(&app, "services", f, by_code.clone(), "code").await,
        ["AE-NAV-WAK", "FDC"]
    );

    // No area recorded: CUSTODY-DIV, ND-RESEARCH, TOC-TOOLKIT, NEET-REVIEW.
    let f = json!({ "area": { "isNull": true } });
    let codes = values(&app, "services", f, by_code.clone(), "code").await;
    assert_eq!(
        codes,
        ["CUSTODY-DIV", "ND-RESEARCH", "NEET-REVIEW", "TOC-TOOLKIT"]
    );

    // Victims of Crime pays for SARC, ISAC, IDVA and ISVA; or top-level and
    // ended: NTE-TOOLKIT, ND-RESEARCH, NEET-REVIEW.
    let f = json!({ "or": [
        { "fundingStream": { "eq": victims } },
        { "status": { "eq": "ENDED" }, "parent": { "isNull": true } }
    ] });
    let codes = values(&app, "services", f, by_code.clone(), "code").await;
    assert_eq!(
        codes,
        [
            "IDVA",
            "ISAC",
            "ISVA",
            "ND-RESEARCH",
            "NEET-REVIEW",
            "NTE-TOOLKIT",
            "SARC"
        ]
    );

    // "toolkit" is in the codes or names of NTE-TOOLKIT and TOC-TOOLKIT.
    let f = json!({ "search": "Toolkit" });
    assert_eq!(
        values(&app, "services", f, by_code, "code").await,
        ["NTE-TOOLKIT", "TOC-TOOLKIT"]
    );
}

#[tokio::test]
async fn organisations_filter_by_role_and_kind_with_or_and_not() {
    let app = TestApp::demo().await;
    let by_name = json!([{ "field": "NAME" }]);
    let by_name_desc = json!([{ "field": "NAME", "direction": "DESC" }]);

    // Charities with the provider role: Victim Support, Restorative Solutions, Humankind.
    let f = json!({ "role": { "in": ["PROVIDER"] }, "kind": { "eq": "CHARITY" } });
    let names = values(&app, "organisations", f, by_name_desc, "name").await;
    assert_eq!(
        names,
        ["Victim Support", "Restorative Solutions", "Humankind"]
    );

    // Police bodies (WYP, the regional crime unit) or funders (WYCA).
    let f = json!({ "or": [{ "kind": { "eq": "POLICE" } }, { "role": { "eq": "FUNDER" } }] });
    let names = values(&app, "organisations", f, by_name.clone(), "name").await;
    assert_eq!(
        names,
        [
            "West Yorkshire Combined Authority",
            "West Yorkshire Police",
            "Yorkshire & Humber Regional Organised Crime Unit"
        ]
    );

    // NHS bodies that are not commissioners: Liaison and Diversion (NHS England is one).
    let f = json!({ "kind": { "eq": "NHS" }, "not": { "role": { "eq": "COMMISSIONER" } } });
    assert_eq!(
        values(&app, "organisations", f, by_name.clone(), "name").await,
        ["Liaison and Diversion"]
    );

    // `ne` means "plays none of": WYCA is a commissioner and a funder, so
    // public bodies that are not funders are the three other commissioners.
    let f = json!({ "kind": { "eq": "PUBLIC_BODY" }, "role": { "ne": "FUNDER" } });
    let names = values(&app, "organisations", f, by_name.clone(), "name").await;
    assert_eq!(
        names,
        [
            "Humberside Police and Crime Commissioner",
            "North Yorkshire Police, Fire and Crime Commissioner",
            "South Yorkshire Police and Crime Commissioner"
        ]
    );

    // Part of another organisation: only the VRP (part of WYCA).
    let wyca = organisation(&app, "West Yorkshire Combined Authority").await;
    let f = json!({ "parent": { "eq": wyca } });
    let names = values(&app, "organisations", f, by_name.clone(), "name").await;
    assert_eq!(names, ["West Yorkshire Violence Reduction Partnership"]);

    // "health" is in Mountain Healthcare only (searching name and short name).
    let f = json!({ "search": "HEALTH" });
    assert_eq!(
        values(&app, "organisations", f, by_name.clone(), "name").await,
        ["Mountain Healthcare"]
    );
    // "NHSE" is NHS England's short name.
    let f = json!({ "search": "nhse" });
    assert_eq!(
        values(&app, "organisations", f, by_name, "name").await,
        ["NHS England"]
    );
}

#[tokio::test]
async fn areas_themes_and_funding_streams_filter_and_sort() {
    let app = TestApp::demo().await;
    let by_name = json!([{ "field": "NAME" }]);
    let by_name_desc = json!([{ "field": "NAME", "direction": "DESC" }]);

    // The five districts, Z to A.
    let f = json!({ "kind": { "eq": "DISTRICT" } });
    let names = values(&app, "areas", f, by_name_desc, "name").await;
    assert_eq!(
        names,
        ["Wakefield", "Leeds", "Kirklees", "Calderdale", "Bradford"]
    );
    // Only the region has no parent; only the county's children are districts.
    let f = json!({ "parent": { "isNull": true } });
    assert_eq!(
        values(&app, "areas", f, by_name.clone(), "name").await,
        ["Yorkshire and the Humber"]
    );
    let county = area(&app, "West Yorkshire").await;
    let f = json!({ "parent": { "eq": county }, "name": { "in": ["Leeds", "Bradford", "Hull"] } });
    assert_eq!(
        values(&app, "areas", f, by_name.clone(), "name").await,
        ["Bradford", "Leeds"]
    );

    // Themes with "abuse" in their name.
    let f = json!({ "search": "abuse" });
    let names = values(&app, "themes", f, by_name.clone(), "name").await;
    assert_eq!(
        names,
        [
            "Child Sexual Abuse and Exploitation",
            "Domestic Abuse",
            "So-called \"Honour\" Based Abuse"
        ]
    );

    // Funding streams with "crim" in their name.
    let f = json!({ "search": "crim" });
    let names = values(&app, "fundingStreams", f, by_name.clone(), "name").await;
    assert_eq!(names, ["Criminal Justice", "Victims of Crime"]);
    let f = json!({ "not": { "name": { "in": ["Criminal Justice", "Victims of Crime"] } } });
    let names = values(&app, "fundingStreams", f, by_name, "name").await;
    assert_eq!(
        names,
        [
            "Community Safety",
            "Partnership Contributions",
            "Violence Reduction Unit"
        ]
    );
}

#[tokio::test]
async fn grant_programmes_rounds_and_awards_filter_and_sort() {
    let app = TestApp::demo().await;
    let wyca = organisation(&app, "West Yorkshire Combined Authority").await;
    let f = json!({ "funder": { "eq": wyca }, "search": "safer" });
    let names = values(&app, "grantProgrammes", f, json!(null), "name").await;
    assert_eq!(names, ["Mayor's Safer Communities Fund"]);
    let fund = id_where(
        &app,
        "grantProgrammes",
        "name",
        "Mayor's Safer Communities Fund",
    )
    .await;

    // Rounds 1 and 4, by number descending; only round 4 has a pot and a closing date.
    let by_number_desc = json!([{ "field": "NUMBER", "direction": "DESC" }]);
    let f = json!({ "programme": { "eq": fund } });
    assert_eq!(
        values(&app, "grantRounds", f, by_number_desc.clone(), "number").await,
        ["4", "1"]
    );
    let f = json!({ "pot": { "gte": "350000" }, "closesOn": { "lte": "2023-06-10" } });
    assert_eq!(
        values(&app, "grantRounds", f, json!(null), "name").await,
        ["Grant Round 4"]
    );
    // Round 1 funds all seven themes; its 39 awards are reported, not listed.
    let domestic_abuse = id_where(&app, "themes", "name", "Domestic Abuse").await;
    let f = json!({ "theme": { "eq": domestic_abuse }, "reportedAwardsCount": { "eq": 39 } });
    assert_eq!(
        values(&app, "grantRounds", f, json!(null), "name").await,
        ["Grant Round 1"]
    );
    let f = json!({ "applicationsReceived": { "gt": 100 }, "amountRequested": { "gt": "850000" } });
    assert_eq!(
        values(&app, "grantRounds", f, json!(null), "name").await,
        Vec::<String>::new()
    );

    // Awards of at least £7,000, largest first: Shine £7,424, Happydays £7,280.
    let by_amount_desc = json!([{ "field": "AMOUNT", "direction": "DESC" }]);
    let f = json!({ "amount": { "gte": "7000.00" }, "programme": { "eq": fund } });
    let projects = values(&app, "grantAwards", f, by_amount_desc, "projectName").await;
    assert_eq!(projects, ["Shine", "Supported resident psychotherapy"]);
    // Covering Calderdale or Bradford (as recorded): Happydays and Shine, not the
    // West Yorkshire-wide campaign; only Happydays has a partner.
    let calderdale = area(&app, "Calderdale").await;
    let bradford = area(&app, "Bradford").await;
    let by_project = json!([{ "field": "PROJECT_NAME" }]);
    let f = json!({ "area": { "in": [calderdale, bradford] } });
    let projects = values(&app, "grantAwards", f, by_project.clone(), "projectName").await;
    assert_eq!(projects, ["Shine", "Supported resident psychotherapy"]);
    let f = json!({ "partner": { "isNull": false } });
    let projects = values(&app, "grantAwards", f, by_project.clone(), "projectName").await;
    assert_eq!(projects, ["Supported resident psychotherapy"]);
    // No award records a theme; the campaign is the one under £7,000.
    let f = json!({ "theme": { "isNull": true }, "amount": { "lt": "7000" } });
    let projects = values(&app, "grantAwards", f, by_project, "projectName").await;
    assert_eq!(projects, ["County Lines Fearless Campaign"]);
}

#[tokio::test]
async fn budgets_and_spend_lines_filter_by_year_service_and_amount() {
    let app = TestApp::demo().await;
    let by_amount = json!([{ "field": "AMOUNT" }]);
    // Two spend lines: VRP interventions 2023-24 (£2,300,000, service VRP-INT)
    // and Grant Round 1 awards 2021-22 (£208,254.93, no service).
    let f = json!({ "financialYear": { "gte": "2022-23" } });
    let descriptions = values(&app, "spendLines", f, by_amount.clone(), "description").await;
    assert_eq!(
        descriptions,
        ["Commissioned interventions programme 2023-24 (planned spend)"]
    );
    let f = json!({ "service": { "isNull": true }, "qualifier": { "eq": "EXACT" } });
    let (nodes, _) = fetch(
        &app,
        "spendLines",
        f,
        by_amount.clone(),
        "amount { money { amount } }",
    )
    .await;
    assert_eq!(
        nodes,
        [json!({ "amount": { "money": { "amount": "208254.93" } } })]
    );
    let vrp = app
        .data(r#"{ service(code: "VRP-INT") { id } }"#, json!({}))
        .await;
    let f = json!({ "service": { "eq": vrp["service"]["id"] }, "amount": { "lt": "2300000.00" } });
    assert_eq!(
        values(&app, "spendLines", f, json!(null), "id").await.len(),
        0
    );
    let f = json!({ "quarter": { "in": ["Q1", "Q2"] } });
    assert_eq!(
        values(&app, "spendLines", f, json!(null), "id").await.len(),
        0
    );
    let (nodes, _) = fetch(
        &app,
        "spendLines",
        json!(null),
        json!([{ "field": "AMOUNT", "direction": "DESC" }]),
        "financialYear",
    )
    .await;
    assert_eq!(
        nodes,
        [
            json!({ "financialYear": "2023-24" }),
            json!({ "financialYear": "2021-22" })
        ]
    );

    // One budget: the VRU's 2023-24, £4,500,000, approximate.
    let vru = id_where(&app, "fundingStreams", "name", "Violence Reduction Unit").await;
    let f = json!({ "fundingStream": { "eq": vru }, "qualifier": { "eq": "APPROXIMATE" }, "amount": { "gt": "4000000" } });
    let years = values(
        &app,
        "budgets",
        f,
        json!([{ "field": "FINANCIAL_YEAR" }]),
        "financialYear",
    )
    .await;
    assert_eq!(years, ["2023-24"]);
    let f = json!({ "financialYear": { "in": ["2022-23", "2024-25"] } });
    assert_eq!(values(&app, "budgets", f, json!(null), "id").await.len(), 0);
}

#[tokio::test]
async fn indicators_and_observations_filter_and_sort() {
    let app = TestApp::demo().await;
    let wyp = organisation(&app, "West Yorkshire Police").await;
    // WYP's indicators counted in people: the Domestic Abuse Matters training
    // and the Homicide Timeline access, by code descending.
    let f = json!({ "organisation": { "eq": wyp }, "unit": { "eq": "PEOPLE" } });
    let order = json!([{ "field": "CODE", "direction": "DESC" }]);
    let codes = values(&app, "indicators", f, order, "code").await;
    assert_eq!(
        codes,
        ["WYP-HOMICIDE-TIMELINE-ACCESS", "WYP-DA-MATTERS-TRAINED"]
    );
    // The only additive indicator is the VRP's reach.
    let f = json!({ "aggregation": { "eq": "SUM" } });
    assert_eq!(
        values(&app, "indicators", f, json!(null), "code").await,
        ["VRP-YOUNG-PEOPLE-REACHED"]
    );
    let f = json!({ "search": "satisfaction" });
    let codes = values(&app, "indicators", f, json!([{ "field": "NAME" }]), "code").await;
    // "Victim satisfaction, all crime types" sorts before "..., domestic abuse victims".
    assert_eq!(
        codes,
        ["WYP-VICTIM-SATISFACTION", "WYP-DA-VICTIM-SATISFACTION"]
    );

    // Observations whose period starts in 2023, latest start first: the SPO
    // cases (8 September), the Homicide Timeline access (31 May), the training
    // target (1 April).
    let f = json!({ "periodStart": { "gte": "2023-01-01" } });
    let order = json!([{ "field": "PERIOD_START", "direction": "DESC" }]);
    let (nodes, total) = fetch(
        &app,
        "observations",
        f,
        order,
        "periodStart indicator { code }",
    )
    .await;
    assert_eq!(total, 3);
    let codes: Vec<&str> = nodes
        .iter()
        .map(|n| n["indicator"]["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        [
            "WYP-ACTIVE-SPO-CASES",
            "WYP-HOMICIDE-TIMELINE-ACCESS",
            "WYP-DA-MATTERS-TRAINED"
        ]
    );
    // "Just over 30,000" is the one AT_LEAST figure; four figures are exact.
    let f = json!({ "qualifier": { "eq": "AT_LEAST" } });
    let (nodes, _) = fetch(
        &app,
        "observations",
        f,
        json!(null),
        "value { value wording }",
    )
    .await;
    assert_eq!(
        nodes,
        [json!({ "value": { "value": "30000", "wording": "just over" } })]
    );
    let f = json!({ "qualifier": { "eq": "EXACT" } });
    assert_eq!(
        values(&app, "observations", f, json!(null), "id")
            .await
            .len(),
        4
    );
}

#[tokio::test]
async fn extension_options_filter_by_recorded_state_and_sort_by_decide_by() {
    let app = TestApp::demo().await;
    // Exercised options: CARA's second (decide by 2025-12-31), ISAC's
    // (2025-08-31), CARA's first (2024-12-31); the SARC's is still available.
    let f = json!({ "recordedState": { "eq": "EXERCISED" } });
    let order = json!([{ "field": "DECIDE_BY", "direction": "DESC" }]);
    let selection = "decideBy sequence contract { reference }";
    let (nodes, total) = fetch(&app, "extensionOptions", f, order, selection).await;
    assert_eq!(total, 3);
    let got: Vec<(String, i64)> = nodes
        .iter()
        .map(|n| {
            (
                n["contract"]["reference"].as_str().unwrap().to_owned(),
                n["sequence"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("WYCA-CARA-2022".into(), 2),
            ("WYCA-ISAC-2022".into(), 1),
            ("WYCA-CARA-2022".into(), 1)
        ]
    );
    // Decisions taken in 2025: ISAC's (30 June) and CARA's second (3 November).
    let f = json!({ "decidedOn": { "gte": "2025-01-01", "lte": "2025-12-31" }, "lengthMonths": { "lte": 24 } });
    let dates = values(
        &app,
        "extensionOptions",
        f,
        json!([{ "field": "DECIDE_BY" }]),
        "decideBy",
    )
    .await;
    assert_eq!(dates, ["2025-08-31", "2025-12-31"]);
    // Options still open on 1 January 2026: only the SARC's.
    let f = json!({ "recordedState": { "eq": "AVAILABLE" }, "decideBy": { "gte": "2026-01-01" } });
    assert_eq!(
        values(&app, "extensionOptions", f, json!(null), "lengthMonths").await,
        ["36"]
    );
}

#[tokio::test]
async fn contracts_filter_by_end_date_cost_sharer_and_funding_stream() {
    let app = TestApp::demo().await;
    let nhs = organisation(&app, "NHS England").await;
    let wyca = organisation(&app, "West Yorkshire Combined Authority").await;
    let victims = id_where(&app, "fundingStreams", "name", "Victims of Crime").await;
    let by_end_desc = json!([{ "field": "CURRENT_END_DATE", "direction": "DESC" }]);

    // Current (stored) end dates: ISAC 2027-11-30 (option exercised), SARC and
    // CARA 2027-03-31 (tied: the id breaks the tie, SARC first), housing
    // research 2024-01-08, Theory of Change 2023-11-30, neurodiversity 2023-05-31.
    let f = json!({ "currentEndDate": { "lte": "2027-03-31" } });
    let refs = values(&app, "contracts", f, by_end_desc.clone(), "reference").await;
    assert_eq!(
        refs,
        [
            "WYCA-SARC-2023",
            "WYCA-CARA-2022",
            "VRP-HOUSING-2023",
            "VRP-TOC-2023",
            "VRP-ND-2022"
        ]
    );
    // NHS England shares only the SARC; WYCA shares the SARC (within the
    // policing half), ISAC and CARA.
    let f = json!({ "costSharer": { "eq": nhs } });
    assert_eq!(
        values(&app, "contracts", f, by_end_desc.clone(), "reference").await,
        ["WYCA-SARC-2023"]
    );
    let f = json!({ "costSharer": { "eq": wyca } });
    let refs = values(&app, "contracts", f, by_end_desc.clone(), "reference").await;
    assert_eq!(refs, ["WYCA-ISAC-2022", "WYCA-SARC-2023", "WYCA-CARA-2022"]);
    // Victims of Crime pays for the SARC and ISAC services.
    let f = json!({ "fundingStream": { "eq": victims } });
    let refs = values(&app, "contracts", f, by_end_desc.clone(), "reference").await;
    assert_eq!(refs, ["WYCA-ISAC-2022", "WYCA-SARC-2023"]);
    let f =
        json!({ "fundingStream": { "eq": victims }, "currentEndDate": { "lte": "2027-03-31" } });
    assert_eq!(
        values(&app, "contracts", f, by_end_desc, "reference").await,
        ["WYCA-SARC-2023"]
    );
}

/// Pages through `field` two rows at a time in `order`, and checks the pages
/// against one page of everything: same rows, same order, none twice, and a
/// `totalCount` that never changes.
async fn page_through(app: &TestApp, field: &str, order: Value) -> usize {
    let (all, total) = fetch(app, field, json!(null), order.clone(), "id").await;
    let expected: Vec<&str> = all.iter().map(|n| n["id"].as_str().unwrap()).collect();
    assert_eq!(total as usize, expected.len());
    let query = list_query(field, "id");
    let mut seen: Vec<String> = Vec::new();
    let mut after = Value::Null;
    loop {
        let vars = json!({ "orderBy": order, "first": 2, "after": after });
        let data = app.data(&query, vars).await;
        let page = &data[field];
        assert_eq!(
            page["totalCount"].as_u64(),
            Some(total),
            "{field}: totalCount changed"
        );
        let nodes = page["nodes"].as_array().unwrap();
        assert!(nodes.len() <= 2);
        seen.extend(nodes.iter().map(|n| n["id"].as_str().unwrap().to_owned()));
        if page["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
    let unique: HashSet<&String> = seen.iter().collect();
    assert_eq!(
        unique.len(),
        seen.len(),
        "{field}: a row repeats across pages"
    );
    assert_eq!(seen, expected, "{field}: pages differ from the whole list");
    seen.len()
}

#[tokio::test]
async fn every_list_pages_by_two_without_gaps_or_repeats() {
    let app = TestApp::demo().await;
    let desc = |field: &str| json!([{ "field": field, "direction": "DESC" }]);
    // Row counts from demo.toml: 20 organisations, 7 areas, 7 themes, 5
    // streams, 15 services, 6 contracts, 4 options, 1 programme, 2 rounds,
    // 3 awards, 1 budget, 2 spend lines, 6 indicators, 6 observations.
    let cases = [
        ("organisations", desc("NAME"), 20),
        ("areas", desc("NAME"), 7),
        ("themes", json!([{ "field": "NAME" }]), 7),
        ("fundingStreams", desc("NAME"), 5),
        ("services", json!([{ "field": "NAME" }]), 15),
        // Ties (SARC and CARA both end on 2027-03-31) straddle a page boundary.
        ("contracts", desc("CURRENT_END_DATE"), 6),
        (
            "extensionOptions",
            json!([{ "field": "LENGTH_MONTHS" }, { "field": "DECIDE_BY", "direction": "DESC" }]),
            4,
        ),
        ("grantProgrammes", desc("NAME"), 1),
        ("grantRounds", desc("NUMBER"), 2),
        ("grantAwards", desc("AMOUNT"), 3),
        ("budgets", desc("AMOUNT"), 1),
        ("spendLines", desc("FINANCIAL_YEAR"), 2),
        ("indicators", json!([{ "field": "NAME" }]), 6),
        // Three observations share 2022-04-01 as their start.
        (
            "observations",
            json!([{ "field": "PERIOD_START" }, { "field": "ID", "direction": "DESC" }]),
            6,
        ),
    ];
    for (field, order, rows) in cases {
        assert_eq!(page_through(&app, field, order).await, rows, "{field}");
    }
}

#[tokio::test]
async fn a_cursor_is_refused_with_another_ordering() {
    let app = TestApp::demo().await;
    let query = list_query("services", "code");
    let vars = json!({ "orderBy": [{ "field": "NAME" }], "first": 2 });
    let data = app.data(&query, vars).await;
    let cursor = data["services"]["pageInfo"]["endCursor"].clone();
    let vars = json!({ "orderBy": [{ "field": "CODE" }], "first": 2, "after": cursor });
    assert_eq!(refused(&app, &query, vars).await, "CURSOR_INVALID");
    let vars = json!({ "orderBy": [{ "field": "NAME", "direction": "DESC" }], "first": 2, "after": cursor });
    assert_eq!(refused(&app, &query, vars).await, "CURSOR_INVALID");
}

#[tokio::test]
async fn in_lists_over_100_values_are_refused() {
    let app = TestApp::demo().await;
    let wakefield = area(&app, "Wakefield").await;
    let ids: Vec<String> = (0..101).map(|_| wakefield.clone()).collect();
    let query = list_query("services", "code");
    let vars = json!({ "filter": { "area": { "in": ids } } });
    assert_eq!(refused(&app, &query, vars).await, "FILTER_LIST_TOO_LONG");
    let amounts: Vec<String> = (0..101).map(|i| format!("{i}.00")).collect();
    let query = list_query("grantAwards", "id");
    let vars = json!({ "filter": { "amount": { "notIn": amounts } } });
    assert_eq!(refused(&app, &query, vars).await, "FILTER_LIST_TOO_LONG");
    // 100 is the limit, not over it.
    let ids: Vec<String> = (0..100).map(|_| wakefield.clone()).collect();
    let query = list_query("services", "code");
    let data = app
        .data(&query, json!({ "filter": { "area": { "in": ids } } }))
        .await;
    assert_eq!(data["services"]["totalCount"], 3);
}

#[tokio::test]
async fn nesting_deeper_than_four_levels_is_refused() {
    let app = TestApp::demo().await;
    let mut filter = json!({ "kind": { "eq": "DISTRICT" } });
    for _ in 0..4 {
        filter = json!({ "and": [filter] });
    }
    let query = list_query("areas", "name");
    let data = app.data(&query, json!({ "filter": filter })).await;
    assert_eq!(data["areas"]["totalCount"], 5, "four levels are allowed");
    let deeper = json!({ "not": filter });
    assert_eq!(
        refused(&app, &query, json!({ "filter": deeper })).await,
        "FILTER_TOO_DEEP"
    );
    let mut mixed = json!({ "code": { "eq": "WYP-ACTIVE-SPO-CASES" } });
    for level in 0..5 {
        mixed = if level % 2 == 0 {
            json!({ "or": [mixed] })
        } else {
            json!({ "not": mixed })
        };
    }
    let query = list_query("indicators", "code");
    assert_eq!(
        refused(&app, &query, json!({ "filter": mixed })).await,
        "FILTER_TOO_DEEP"
    );
}

#[tokio::test]
async fn one_character_searches_and_ids_of_another_type_are_refused() {
    let app = TestApp::demo().await;
    for field in [
        "services",
        "organisations",
        "themes",
        "grantAwards",
        "indicators",
    ] {
        let query = list_query(field, "id");
        let vars = json!({ "filter": { "search": "a" } });
        assert_eq!(
            refused(&app, &query, vars).await,
            "SEARCH_LENGTH",
            "{field}"
        );
    }
    let wakefield = area(&app, "Wakefield").await;
    let query = list_query("spendLines", "id");
    let vars = json!({ "filter": { "fundingStream": { "eq": wakefield } } });
    assert_eq!(refused(&app, &query, vars).await, "ID_INVALID");
}

#[tokio::test]
async fn total_count_respects_the_filter_not_the_page() {
    let app = TestApp::demo().await;
    // 15 services, 11 without a parent programme; 20 organisations, 7 commissioners.
    let query = list_query("services", "code");
    let data = app.data(&query, json!({ "first": 1 })).await;
    assert_eq!(data["services"]["totalCount"], 15);
    let vars = json!({ "first": 1, "filter": { "parent": { "isNull": true } } });
    let data = app.data(&query, vars).await;
    assert_eq!(data["services"]["totalCount"], 11);
    assert_eq!(data["services"]["nodes"].as_array().unwrap().len(), 1);
    let query = list_query("organisations", "name");
    let vars = json!({ "first": 3, "filter": { "role": { "eq": "COMMISSIONER" } } });
    let data = app.data(&query, vars).await;
    assert_eq!(data["organisations"]["totalCount"], 7);
    assert_eq!(data["organisations"]["pageInfo"]["hasNextPage"], true);
}
