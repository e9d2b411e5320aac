//! `schema.graphql` is generated from the code; this fails when they differ.

#[test]
fn committed_schema_matches_the_code() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schema.graphql");
    let committed = std::fs::read_to_string(&path).expect("schema.graphql is committed");
    let generated = api::graphql::sdl();
    assert!(
        committed == generated,
        "schema.graphql is out of date: run `cargo run -- export-schema` and commit it"
    );
}

#[tokio::test]
async fn every_type_field_argument_and_enum_value_is_documented() {
    // Introspection reads the descriptions the `///` docs became.
    let schema = api::graphql::schema_builder().finish();
    let response = schema
        .execute(
            "{ __schema { types { name description \
               fields(includeDeprecated: true) { name description args { name description } } \
               inputFields { name description } \
               enumValues(includeDeprecated: true) { name description } } } }",
        )
        .await;
    assert!(response.errors.is_empty(), "{:?}", response.errors);
    let data = response.data.into_json().unwrap();
    let builtin = ["String", "Int", "Float", "Boolean", "ID"];
    let blank = |v: &serde_json::Value| v.as_str().is_none_or(|d| d.trim().is_empty());
    let mut undocumented = Vec::new();
    for ty in data["__schema"]["types"].as_array().unwrap() {
        let name = ty["name"].as_str().unwrap();
        // Introspection types, built-in scalars and async-graphql's own
        // connection plumbing (PageInfo, *Edge, the connection wrappers) are not ours.
        if name.starts_with("__")
            || builtin.contains(&name)
            || name == "PageInfo"
            || name.ends_with("Edge")
        {
            continue;
        }
        if blank(&ty["description"]) && !name.ends_with("Connection") {
            undocumented.push(name.to_owned());
        }
        let plumbing = name.ends_with("Connection");
        for field in ty["fields"].as_array().into_iter().flatten() {
            let field_name = field["name"].as_str().unwrap();
            if blank(&field["description"])
                && !(plumbing && ["edges", "nodes", "pageInfo"].contains(&field_name))
            {
                undocumented.push(format!("{name}.{field_name}"));
            }
            for arg in field["args"].as_array().into_iter().flatten() {
                if blank(&arg["description"]) {
                    undocumented.push(format!(
                        "{name}.{field_name}({})",
                        arg["name"].as_str().unwrap()
                    ));
                }
            }
        }
        for input in ty["inputFields"].as_array().into_iter().flatten() {
            if blank(&input["description"]) {
                undocumented.push(format!("{name}.{}", input["name"].as_str().unwrap()));
            }
        }
        for value in ty["enumValues"].as_array().into_iter().flatten() {
            if blank(&value["description"]) {
                undocumented.push(format!("{name}::{}", value["name"].as_str().unwrap()));
            }
        }
    }
    assert!(
        undocumented.is_empty(),
        "undocumented schema items: {undocumented:#?}"
    );
}
