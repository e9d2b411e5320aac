//! Unit tests of the limits, on the real schema and the example queries.

use async_graphql::Variables;

use super::walk::{check, Breach, CostTable, Measure};
use super::QueryLimits;

const LIMITS: QueryLimits = crate::graphql::QUERY_LIMITS;

fn costs() -> CostTable {
    CostTable::from_sdl(&crate::graphql::sdl())
}

fn measure(query: &str, variables: serde_json::Value) -> Result<Measure, Breach> {
    let document = async_graphql::parser::parse_query(query).expect("a valid query");
    let variables = Variables::from_json(variables);
    check(&document, None, &variables, &costs(), &LIMITS)
}

fn examples() -> Vec<(String, String, serde_json::Value)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/queries");
    let mut found = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("examples/queries") {
        let path = entry.expect("an entry").path();
        if path.extension().is_some_and(|e| e == "graphql") {
            let query = std::fs::read_to_string(&path).expect("read");
            let variables = std::fs::read_to_string(path.with_extension("json"))
                .map(|text| serde_json::from_str(&text).expect("JSON variables"))
                .unwrap_or(serde_json::json!({}));
            found.push((path.display().to_string(), query, variables));
        }
    }
    assert!(found.len() >= 5, "the examples are there");
    found
}

#[test]
fn every_example_query_fits_with_room_to_spare() {
    for (name, query, variables) in examples() {
        let measure = measure(&query, variables).unwrap_or_else(|b| panic!("{name}: {b:?}"));
        eprintln!("{name}: {measure:?}");
        assert!(measure.depth + 2 <= LIMITS.max_depth, "{name}: {measure:?}");
        assert!(
            measure.complexity * 2 <= LIMITS.max_complexity,
            "{name}: {measure:?}"
        );
    }
}

#[test]
fn a_connection_costs_first_times_its_selection() {
    // 1 (contracts) + first × (1 (nodes) + 1 (reference) + 1 (provider) + 1 (name)).
    let query = "query($n: Int) { contracts(first: $n) { nodes { reference provider { name } } } }";
    assert_eq!(
        measure(query, serde_json::json!({ "n": 7 }))
            .unwrap()
            .complexity,
        1 + 7 * 4
    );
    // Without `first`, the default page size; beyond 100, the page bound.
    assert_eq!(
        measure(query, serde_json::json!({})).unwrap().complexity,
        1 + 20 * 4
    );
    let literal = "{ contracts(first: 5000) { nodes { reference } } }";
    assert_eq!(
        measure(literal, serde_json::json!({})).unwrap().complexity,
        1 + 100 * 2
    );
    // Depth counts data fields: contracts > nodes > provider > name.
    assert_eq!(measure(query, serde_json::json!({})).unwrap().depth, 4);
}

#[test]
fn wide_pages_are_refused_as_too_complex() {
    let fields = vec!["reference"; LIMITS.max_complexity / 100].join(" ");
    let wide = format!("{{ contracts(first: 100) {{ nodes {{ {fields} }} }} }}");
    assert!(matches!(
        measure(&wide, serde_json::json!({})),
        Err(Breach::TooComplex(_))
    ));
}

#[test]
fn aliases_are_counted_across_fragments() {
    let aliases = |n: usize| {
        (0..n)
            .map(|i| format!("a{i}: __typename"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let at_limit = format!("{{ {} }}", aliases(LIMITS.max_aliases));
    assert_eq!(
        measure(&at_limit, serde_json::json!({})).unwrap().aliases,
        LIMITS.max_aliases
    );
    let over = format!("{{ {} }}", aliases(LIMITS.max_aliases + 1));
    assert!(matches!(
        measure(&over, serde_json::json!({})),
        Err(Breach::TooManyAliases(_))
    ));
    // A fragment's aliases count every time it is spread.
    let spread = format!(
        "{{ ...F contracts {{ nodes {{ ...G }} }} }} fragment F on QueryRoot {{ {} }} fragment G on Contract {{ x: reference }}",
        aliases(LIMITS.max_aliases)
    );
    assert!(matches!(
        measure(&spread, serde_json::json!({})),
        Err(Breach::TooManyAliases(_))
    ));
}

#[test]
fn deep_queries_are_refused() {
    let mut query = "reference".to_owned();
    for _ in 0..LIMITS.max_depth {
        query = format!("node(id: \"x\") {{ ... on Contract {{ {query} }} }}");
    }
    assert!(matches!(
        measure(&format!("{{ {query} }}"), serde_json::json!({})),
        Err(Breach::TooDeep(_))
    ));
}

#[test]
fn graphiql_introspection_passes_but_the_type_cycle_does_not() {
    let graphiql = include_str!("../../../../tests/fixtures/graphiql_introspection.graphql");
    let measure = measure(graphiql, serde_json::json!({})).expect("GraphiQL's schema query passes");
    assert_eq!(
        measure.depth, 0,
        "introspection is not counted as data depth"
    );
    let cycle =
        "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }";
    assert!(matches!(
        self::measure(cycle, serde_json::json!({})),
        Err(Breach::IntrospectionTooDeep(_))
    ));
    let via_type = "{ __type(name: \"Contract\") { fields { type { fields { type { fields { name } } } } } } }";
    assert!(matches!(
        self::measure(via_type, serde_json::json!({})),
        Err(Breach::IntrospectionTooDeep(_))
    ));
    // Two levels (a type's fields' types' fields) is still allowed.
    let two = "{ __type(name: \"Contract\") { fields { type { ofType { fields { name } } } } } }";
    assert!(self::measure(two, serde_json::json!({})).is_ok());
}

#[test]
fn fragment_bombs_chains_and_cycles_end_quickly() {
    // Each fragment spreads the next twice: 2^30 fields if expanded.
    let mut bomb = "{ ...F0 } ".to_owned();
    for i in 0..30 {
        bomb.push_str(&format!(
            "fragment F{i} on QueryRoot {{ ...F{} ...F{} }} ",
            i + 1,
            i + 1
        ));
    }
    let with_leaf = format!("{bomb} fragment F30 on QueryRoot {{ __typename }}");
    assert!(matches!(
        measure(&with_leaf, serde_json::json!({})),
        Err(Breach::TooComplex(_))
    ));
    // Spreads of a fragment that does not exist cost nothing but are still counted.
    let without_leaf = bomb.clone();
    let document = async_graphql::parser::parse_query(&without_leaf).unwrap();
    let started = std::time::Instant::now();
    let result = check(&document, None, &Variables::default(), &costs(), &LIMITS);
    assert!(matches!(result, Err(Breach::TooComplex(_))), "{result:?}");
    assert!(started.elapsed() < std::time::Duration::from_secs(1));
    // A chain of 1,000 fragments, each spreading the next once.
    let mut chain = "{ ...C0 } ".to_owned();
    for i in 0..1000 {
        chain.push_str(&format!("fragment C{i} on QueryRoot {{ ...C{} }} ", i + 1));
    }
    chain.push_str("fragment C1000 on QueryRoot { __typename }");
    assert!(matches!(
        measure(&chain, serde_json::json!({})),
        Err(Breach::TooDeep(_))
    ));
    let cycle = "{ ...A } fragment A on QueryRoot { ...B } fragment B on QueryRoot { ...A }";
    assert!(
        measure(cycle, serde_json::json!({})).is_ok(),
        "left to validation"
    );
}

fn gate(options: super::SchemaOptions) -> super::Gate {
    super::Gate::new(&crate::graphql::sdl(), LIMITS, options)
}

fn admit(
    gate: &super::Gate,
    query: &str,
    operation_name: Option<&str>,
    variables: serde_json::Value,
) -> Result<(), String> {
    let mut request = async_graphql::Request::new(query).variables(Variables::from_json(variables));
    request.operation_name = operation_name.map(str::to_owned);
    gate.admit(&mut request).map(drop).map_err(|error| {
        match error.extensions.as_ref().and_then(|e| e.get("code")) {
            Some(async_graphql::Value::String(code)) => code.clone(),
            other => panic!("an error without a code: {other:?}"),
        }
    })
}

#[test]
fn the_gate_parses_each_text_once_and_names_its_operation() {
    let gate = gate(super::SchemaOptions::OPEN);
    let first = gate.document("query Renewals { x }");
    assert!(std::sync::Arc::ptr_eq(
        &first,
        &gate.document("query Renewals { x }")
    ));
    let named = |query: &str, name: Option<&str>| gate.document(query).operation_name(name);
    assert_eq!(
        named("query Renewals { x }", None).as_deref(),
        Some("Renewals")
    );
    assert_eq!(named("{ x }", None), None);
    assert_eq!(named("{ x", None), None);
    assert_eq!(named("query A { x } query B { y }", None), None);
    assert_eq!(
        named("query A { x } query B { y }", Some("B")).as_deref(),
        Some("B")
    );
}

#[test]
fn the_gate_recognises_mutations_whatever_the_operation_layout() {
    let gate = gate(super::SchemaOptions::OPEN);
    let is_mutation = |query: &str, name: Option<&str>| gate.document(query).is_mutation(name);
    assert!(is_mutation("mutation { x }", None));
    assert!(!is_mutation("{ x }", None));
    assert!(!is_mutation("query Q { x }", Some("Q")));
    assert!(is_mutation("query Q { x } mutation M { y }", Some("M")));
    assert!(!is_mutation("query Q { x } mutation M { y }", Some("Q")));
    assert!(is_mutation("query Q { x } mutation M { y }", None));
    assert!(
        !is_mutation("mutation {", None),
        "left to the parser's error"
    );
}

#[test]
fn the_gate_refuses_with_the_codes_of_each_rule() {
    let open = gate(super::SchemaOptions::OPEN);
    let closed = gate(super::SchemaOptions::CLOSED);
    assert_eq!(
        admit(&open, "{ contracts { ", None, serde_json::json!({})),
        Err("GRAPHQL_PARSE_FAILED".to_owned())
    );
    let mut deep = "reference".to_owned();
    for _ in 0..LIMITS.max_depth {
        deep = format!("node(id: \"x\") {{ ... on Contract {{ {deep} }} }}");
    }
    // Refused from the kept verdict as from the first check.
    for _ in 0..2 {
        assert_eq!(
            admit(&open, &format!("{{ {deep} }}"), None, serde_json::json!({})),
            Err("QUERY_TOO_DEEP".to_owned())
        );
    }
    let schema = "{ __schema { queryType { name } } }";
    assert_eq!(admit(&open, schema, None, serde_json::json!({})), Ok(()));
    assert_eq!(
        admit(&closed, schema, None, serde_json::json!({})),
        Err("INTROSPECTION_DISABLED".to_owned())
    );
    let mut nested = "name".to_owned();
    for _ in 0..40 {
        nested = format!("ofType {{ {nested} }}");
    }
    assert_eq!(
        admit(
            &open,
            &format!("{{ __type(name: \"Contract\") {{ {nested} }} }}"),
            None,
            serde_json::json!({})
        ),
        Err("GRAPHQL_PARSE_FAILED".to_owned()),
        "async-graphql's own nesting bound, with the code it had"
    );
    let two = "query A { __typename } query B { __typename }";
    assert_eq!(
        admit(&open, two, None, serde_json::json!({})),
        Err("BAD_REQUEST".to_owned())
    );
    assert_eq!(
        admit(&open, two, Some("C"), serde_json::json!({})),
        Err("BAD_REQUEST".to_owned())
    );
    assert_eq!(admit(&open, two, Some("B"), serde_json::json!({})), Ok(()));
}

#[test]
fn a_verdict_that_depends_on_variables_is_taken_per_request() {
    let gate = gate(super::SchemaOptions::OPEN);
    // 1 + n × (1 + 119): within the limit for 50 rows, over it for 100.
    let fields = vec!["reference"; 119].join(" ");
    let query = format!("query($n: Int) {{ contracts(first: $n) {{ nodes {{ {fields} }} }} }}");
    let with = |n: i64| admit(&gate, &query, None, serde_json::json!({ "n": n }));
    assert_eq!(with(50), Ok(()));
    assert_eq!(with(100), Err("QUERY_TOO_COMPLEX".to_owned()));
    assert_eq!(with(50), Ok(()));
}
