//! The mutations the tests send (each asking for its payload and every
//! user error field), and lookups of demo records by name.

use serde_json::{json, Value};

use crate::support::Writer;

pub const EXERCISE: &str = "mutation($input: ExerciseExtensionOptionInput!) { \
    exerciseExtensionOption(input: $input) { \
      extensionOption { id version recordedState decidedOn } \
      contract { id version initialEndDate currentEndDate contractualMaximumEndDate } \
      userErrors { field message code currentVersion } } }";

pub const DECLINE: &str = "mutation($input: DeclineExtensionOptionInput!) { \
    declineExtensionOption(input: $input) { \
      extensionOption { id version recordedState } contract { id version } \
      userErrors { field message code currentVersion } } }";

pub const ADD_OPTION: &str = "mutation($input: AddExtensionOptionInput!) { \
    addExtensionOption(input: $input) { \
      extensionOption { id version sequence lengthMonths decideBy } \
      contract { id version contractualMaximumEndDate } \
      userErrors { field message code currentVersion } } }";

pub const CREATE_ORGANISATION: &str = "mutation($input: CreateOrganisationInput!) { \
    createOrganisation(input: $input) { organisation { id name shortName kind roles version } \
      userErrors { field message code currentVersion } } }";

pub const UPDATE_ORGANISATION: &str = "mutation($input: UpdateOrganisationInput!) { \
    updateOrganisation(input: $input) { organisation { id name shortName version } \
      userErrors { field message code currentVersion } } }";

pub const CREATE_SERVICE: &str = "mutation($input: CreateServiceInput!) { \
    createService(input: $input) { service { id code name status version } \
      userErrors { field message code currentVersion } } }";

pub const UPDATE_SERVICE: &str = "mutation($input: UpdateServiceInput!) { \
    updateService(input: $input) { service { id name status description version } \
      userErrors { field message code currentVersion } } }";

pub const CREATE_CONTRACT: &str = "mutation($input: CreateContractInput!) { \
    createContract(input: $input) { contract { id reference version startDate initialEndDate \
      currentEndDate contractualMaximumEndDate annualValue { money { amount } qualifier } \
      extensionOptions { id sequence lengthMonths decideBy version } } \
      userErrors { field message code currentVersion } } }";

pub const UPDATE_CONTRACT: &str = "mutation($input: UpdateContractInput!) { \
    updateContract(input: $input) { contract { id title version initialEndDate currentEndDate \
      contractualMaximumEndDate annualValue { money { amount } qualifier wording } } \
      userErrors { field message code currentVersion } } }";

pub const SET_COST_SHARES: &str = "mutation($input: SetCostSharesInput!) { \
    setCostShares(input: $input) { contract { id version costShareAgreement \
      costShares { party { name } percentage shares { party { name } percentage percentageOfContract } } } \
      userErrors { field message code currentVersion } } }";

pub const RECORD_BUDGET: &str = "mutation($input: RecordBudgetInput!) { \
    recordBudget(input: $input) { budget { id version financialYear amount { money { amount } qualifier } } \
      userErrors { field message code currentVersion } } }";

pub const RECORD_SPEND: &str = "mutation($input: RecordSpendInput!) { \
    recordSpend(input: $input) { spendLine { id financialYear quarter amount { money { amount } } \
      contract { reference } service { code } } \
      userErrors { field message code currentVersion } } }";

pub const RECORD_OBSERVATION: &str = "mutation($input: RecordObservationInput!) { \
    recordObservation(input: $input) { observation { id periodStart periodEnd value { value qualifier wording } target } \
      userErrors { field message code currentVersion } } }";

pub const CREATE_PROGRAMME: &str = "mutation($input: CreateGrantProgrammeInput!) { \
    createGrantProgramme(input: $input) { grantProgramme { id name funder { name } } \
      userErrors { field message code currentVersion } } }";

pub const CREATE_ROUND: &str = "mutation($input: CreateGrantRoundInput!) { \
    createGrantRound(input: $input) { grantRound { id number name pot { money { amount } } opensOn closesOn } \
      userErrors { field message code currentVersion } } }";

pub const AWARD_GRANT: &str = "mutation($input: AwardGrantInput!) { \
    awardGrant(input: $input) { grantAward { id projectName amount { amount } recipient { name } } \
      userErrors { field message code currentVersion } } }";

pub const ARCHIVE: &str = "mutation($input: ArchiveInput!) { \
    archive(input: $input) { node { id ... on Contract { version archivedAt archiveReason } \
      ... on Service { version archivedAt } ... on Organisation { version archivedAt } } \
      userErrors { field message code currentVersion } } }";

/// The ids of the demo's Safer Communities Fund round 4 (pot £350,000.00).
pub async fn round_four(writer: &Writer<'_>) -> String {
    let data = writer
        .data(
            r#"{ grantProgramme(name: "Mayor's Safer Communities Fund") { round(number: 4) { id } } }"#,
            json!({}),
        )
        .await;
    data["grantProgramme"]["round"]["id"]
        .as_str()
        .expect("round 4")
        .to_owned()
}

/// The id of the funding stream named `name`.
pub async fn funding_stream(writer: &Writer<'_>, name: &str) -> Value {
    let data = writer
        .data(
            "{ fundingStreams(first: 100) { nodes { id name } } }",
            json!({}),
        )
        .await;
    data["fundingStreams"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["name"] == name)
        .unwrap_or_else(|| panic!("no funding stream {name}"))["id"]
        .clone()
}
