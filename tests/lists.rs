//! Dashboard lists: every collection filtered, ordered and paged by keyset
//! cursors, with exact answers on the demo dataset (`api/src/seed/demo.toml`;
//! each expected list is read off that file as the comment beside it says).

mod common;

use common::TestApp;
use serde_json::{json, Value};

#[path = "lists/latest.rs"]
mod latest;
#[path = "lists/limits.rs"]
mod limits;
#[path = "lists/money_reach_contracts.rs"]
mod money_reach_contracts;
#[path = "lists/positional.rs"]
mod positional;

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

/// Every page of `field` in `order_by`, two rows at a time through the
/// cursors, as ids.
async fn walk(app: &TestApp, field: &str, order_by: &Value) -> Vec<String> {
    let mut ids = Vec::new();
    let mut after = Value::Null;
    loop {
        let vars = json!({ "orderBy": order_by, "first": 2, "after": after });
        let data = app.data(&list_query(field, "id"), vars).await;
        let page = &data[field];
        ids.extend(
            page["nodes"]
                .as_array()
                .expect("nodes")
                .iter()
                .map(|n| n["id"].as_str().expect("id").to_owned()),
        );
        if page["pageInfo"]["hasNextPage"] != true {
            return ids;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
}

/// Cursors continue every ordering, ascending or descending, through runs of
/// equal keys (several spend lines share a year, observations a period),
/// exactly where the previous page stopped.
#[tokio::test]
async fn pages_after_a_cursor_follow_every_ordering_through_ties() {
    let app = TestApp::empty().await;
    let scale = api::seed::generate::Scale {
        organisations: 20,
        services: 20,
        contracts: 60,
        spend_lines: 90,
        observations: 80,
        grant_awards: 30,
    };
    api::seed::generate::generate(&app.db, scale, 7)
        .await
        .expect("a small generated dataset");
    let cases = [
        ("contracts", "CURRENT_END_DATE", "ASC"),
        ("contracts", "CURRENT_END_DATE", "DESC"),
        ("contracts", "REFERENCE", "DESC"),
        ("spendLines", "FINANCIAL_YEAR", "ASC"),
        ("spendLines", "FINANCIAL_YEAR", "DESC"),
        ("spendLines", "AMOUNT", "DESC"),
        ("observations", "PERIOD_START", "DESC"),
        ("observations", "PERIOD_END", "ASC"),
        ("grantAwards", "AMOUNT", "DESC"),
    ];
    for (field, key, direction) in cases {
        let order_by = json!([{ "field": key, "direction": direction }]);
        let (whole, total) = fetch(&app, field, json!(null), order_by.clone(), "id").await;
        let whole: Vec<String> = whole
            .iter()
            .map(|n| n["id"].as_str().unwrap().to_owned())
            .collect();
        assert!(whole.len() >= 3, "{field}: too few rows to page");
        assert_eq!(total, whole.len() as u64);
        assert_eq!(
            walk(&app, field, &order_by).await,
            whole,
            "{field} by {key} {direction}"
        );
    }
}
