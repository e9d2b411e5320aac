//! JSON Schema validators for the exports, built from the copies of the
//! standards' schemas in `tests/fixtures/schemas/` (see its README), with no
//! network: the URL each package schema refers to is answered from the
//! local files. The OCDS release schema gets the extensions' JSON Merge
//! Patches (RFC 7386) merged in first.

use std::collections::HashMap;

use jsonschema::{Retrieve, Uri, Validator};
use serde_json::Value;

/// The URL the OCDS 1.1 release package schema refers to the release schema by.
pub const OCDS_RELEASE_URL: &str =
    "https://standard.open-contracting.org/schema/1__1__5/release-schema.json";
/// The URL the 360Giving package schema refers to the grant schema by.
pub const GIVING_GRANT_URL: &str =
    "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.2/schema/360-giving-schema.json";

/// The extensions the exports use, as merge patches.
const OCDS_PATCHES: [&str; 4] = [
    "ocds-ext-budget_breakdown.patch.json",
    "ocds-ext-renewal.patch.json",
    "ocds-ext-options.patch.json",
    "ocds-ext-metrics.patch.json",
];

fn load(name: &str) -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/schemas/");
    let text = std::fs::read_to_string(format!("{path}{name}"))
        .unwrap_or_else(|e| panic!("read the schema {name}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name} is JSON: {e}"))
}

/// Answers the schemas' URLs from local copies, and nothing else.
struct Local(HashMap<String, Value>);

impl Retrieve for Local {
    fn retrieve(
        &self,
        uri: &Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        self.0
            .get(uri.as_str())
            .cloned()
            .ok_or_else(|| format!("no local copy of {uri}: the tests never fetch schemas").into())
    }
}

/// The OCDS release schema with every extension merged in.
pub fn ocds_release_schema() -> Value {
    let mut release = load("ocds-1.1-release-schema.json");
    for patch in OCDS_PATCHES {
        json_patch::merge(&mut release, &load(patch));
    }
    release
}

/// A validator of OCDS 1.1 release packages using the extensions.
pub fn ocds_package() -> Validator {
    let local = Local(HashMap::from([(
        OCDS_RELEASE_URL.to_owned(),
        ocds_release_schema(),
    )]));
    jsonschema::options()
        .with_retriever(local)
        .should_validate_formats(true)
        .build(&load("ocds-1.1-release-package-schema.json"))
        .expect("the OCDS package schema compiles")
}

/// A validator of 360Giving packages.
pub fn giving_package() -> Validator {
    let local = Local(HashMap::from([(
        GIVING_GRANT_URL.to_owned(),
        load("360giving-schema.json"),
    )]));
    // The 360Giving schemas declare 2020-12, where `format` only annotates
    // unless asked; `awardDate` is a oneOf of a date-time format and a date
    // pattern, which only tells them apart when formats are asserted.
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .with_retriever(local)
        .should_validate_formats(true)
        .build(&load("360giving-package-schema.json"))
        .expect("the 360Giving package schema compiles")
}

/// Panics with every error (up to 20) when `document` is not valid.
pub fn assert_valid(validator: &Validator, document: &Value, what: &str) {
    let errors: Vec<String> = validator
        .iter_errors(document)
        .take(20)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what} is not valid:\n{}",
        errors.join("\n")
    );
}
