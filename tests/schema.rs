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

#[test]
fn every_type_and_field_is_documented() {
    let sdl = api::graphql::sdl();
    let mut undocumented = Vec::new();
    let mut previous = "";
    let mut in_schema_block = false;
    for line in sdl.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("schema ") {
            in_schema_block = true;
        }
        if in_schema_block {
            in_schema_block = trimmed != "}";
            continue;
        }
        let is_definition = trimmed.starts_with("type ")
            || trimmed.starts_with("enum ")
            || trimmed.starts_with("interface ")
            || trimmed.starts_with("scalar ")
            || trimmed.starts_with("input ")
            || (line.starts_with('\t') || line.starts_with("  "))
                && (trimmed.contains(':') || trimmed.ends_with('('))
                && !trimmed.starts_with('"')
                && !trimmed.starts_with(')');
        let documented = previous.ends_with("\"\"\"") || previous.ends_with('"');
        if is_definition && !documented && !trimmed.starts_with("__") {
            undocumented.push(trimmed.to_owned());
        }
        if !trimmed.is_empty() {
            previous = trimmed;
        }
    }
    // async-graphql's own connection plumbing documents itself; everything else is ours.
    undocumented.retain(|line| {
        !line.starts_with("type PageInfo") && !line.contains("Edge") && !line.contains("Connection")
    });
    assert!(
        undocumented.is_empty(),
        "undocumented schema items: {undocumented:#?}"
    );
}
