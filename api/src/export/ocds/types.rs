//! The parts of an OCDS 1.1 release package commtrack writes, as serde
//! structs named after the standard's objects. Optional fields are left out
//! when empty, as the standard asks, rather than written as `null`.

use serde::Serialize;

use crate::export::{Figure, Pounds};

/// A release package: publishing metadata and one release per contract
/// (`R` is a list of releases, or releases built as they are written).
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReleasePackage<R = Vec<Release>> {
    /// Identifies the package (a URN naming the prefix and the scope).
    pub uri: String,
    /// The OCDS version, `1.1`.
    pub version: &'static str,
    /// The `extension.json` URLs of the extensions the releases use.
    pub extensions: Vec<&'static str>,
    /// When the package's contents last changed (RFC 3339).
    pub published_date: String,
    /// Who publishes it.
    pub publisher: Publisher,
    /// The releases, one per contract, by contract reference.
    pub releases: R,
}

/// The publisher of a package.
#[derive(Clone, Debug, Serialize)]
pub struct Publisher {
    /// Its name.
    pub name: String,
}

/// One contracting process (a contract) as it stands.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Release {
    /// The contracting process's id: prefix and contract reference.
    pub ocid: String,
    /// This release's id: the `ocid` and the time of the last change.
    pub id: String,
    /// When the contract last changed.
    pub date: String,
    /// The stages the release describes.
    pub tag: Vec<&'static str>,
    /// Always `tender`, the only code OCDS 1.1 has.
    pub initiation_type: &'static str,
    /// The language of the text, `en`.
    pub language: &'static str,
    /// Every organisation the release names, with its roles.
    pub parties: Vec<Party>,
    /// The lead commissioner.
    pub buyer: OrganizationReference,
    /// The budget and who funds it, when the contract has a split or a value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub planning: Option<Planning>,
    /// How the contract was procured.
    pub tender: Tender,
    /// The award to the provider.
    pub awards: Vec<Award>,
    /// The contract.
    pub contracts: Vec<Contract>,
}

/// An organisation and its roles in one release.
#[derive(Clone, Debug, Serialize)]
pub struct Party {
    /// Its id within the release (`org-<id>`, the same in every release).
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its roles (`buyer`, `procuringEntity`, `supplier`, `funder`, `sourceParty`).
    pub roles: Vec<&'static str>,
}

/// A reference to a party.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OrganizationReference {
    /// The party's id.
    pub id: String,
    /// Its name.
    pub name: String,
}

/// An amount and its currency.
#[derive(Clone, Debug, Serialize)]
pub struct Value {
    /// The amount, a number with two decimals.
    pub amount: Pounds,
    /// Always `GBP`.
    pub currency: &'static str,
}

impl Value {
    /// An amount in pounds sterling.
    pub fn gbp(pence: i64) -> Value {
        Value {
            amount: Pounds(pence),
            currency: crate::export::CURRENCY,
        }
    }
}

/// A period of whole days.
#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Period {
    /// The first moment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_date: Option<String>,
    /// The last moment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_date: Option<String>,
    /// The latest the end could move to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_extent_date: Option<String>,
}

/// The planning section: the budget.
#[derive(Clone, Debug, Serialize)]
pub struct Planning {
    /// The contract's budget and its breakdown by funder and year.
    pub budget: Budget,
}

/// The budget of a contract.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Budget {
    /// The budget's id.
    pub id: String,
    /// What the figures are and how they were worked out.
    pub description: String,
    /// The sum of the breakdown, when the contract has a value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<Value>,
    /// One line per funder and financial year.
    pub budget_breakdown: Vec<BudgetBreakdown>,
}

/// What one funder pays in one financial year (budget breakdown extension).
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BudgetBreakdown {
    /// `<financial year>-org-<id>`.
    pub id: String,
    /// The funder, its share and the year in words.
    pub description: String,
    /// The funder's penny-exact part, when the contract has a value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<Value>,
    /// The financial year.
    pub period: Period,
    /// The funder.
    pub source_party: OrganizationReference,
}

/// The procurement behind the contract.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Tender {
    /// `<ocid>-tender`.
    pub id: String,
    /// The contract's title.
    pub title: String,
    /// `complete`: the contract is awarded.
    pub status: &'static str,
    /// `open`, `selective`, `limited` or `direct`, when the route is known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub procurement_method: Option<&'static str>,
    /// The route in commtrack's words.
    pub procurement_method_details: &'static str,
    /// The lead commissioner.
    pub procuring_entity: OrganizationReference,
}

/// The award to the provider.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Award {
    /// `<ocid>-award`.
    pub id: String,
    /// The contract's title.
    pub title: String,
    /// `active`.
    pub status: &'static str,
    /// The provider.
    pub suppliers: Vec<OrganizationReference>,
    /// The initial term, and the end if every option were exercised.
    pub contract_period: Period,
}

/// The contract.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Contract {
    /// The contract's reference.
    pub id: String,
    /// The award it implements.
    #[serde(rename = "awardID")]
    pub award_id: String,
    /// Its title.
    pub title: String,
    /// Its notes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `pending`, `active` or `terminated` on the day of the export.
    pub status: &'static str,
    /// Start, current end and maximum end on the day of the export.
    pub period: Period,
    /// The value over the current term (the sum of the budget breakdown).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
    /// Whether the term has extension options (renewal extension).
    pub has_renewal: bool,
    /// The extensions: how many are taken, how many may be, and over when.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub renewal: Option<Renewal>,
    /// Whether the contract has options (options extension).
    pub has_options: bool,
    /// Each option and its state, and the period they can be decided in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub options: Option<Options>,
    /// The decision due on each option.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub milestones: Vec<Milestone>,
    /// Each exercised option, as the change it made to the term.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub amendments: Vec<Amendment>,
    /// Targets for the contract's indicators (metrics extension).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub agreed_metrics: Vec<Metric>,
    /// Reported results (metrics extension).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub implementation: Option<Implementation>,
}

/// The renewal extension's view of the term's extension options.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Renewal {
    /// Each option in words.
    pub description: String,
    /// Extensions already exercised.
    pub minimum_renewals: u32,
    /// Exercised plus still available.
    pub maximum_renewals: u32,
    /// From the day after the initial term to the maximum end.
    pub period: Period,
}

/// The options extension's view of the term's extension options.
#[derive(Clone, Debug, Serialize)]
pub struct Options {
    /// Each option and its state.
    pub description: String,
    /// From the start to the last decide-by date.
    pub period: Period,
}

/// A decision due on an extension option.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Milestone {
    /// `option-<sequence>-decision`.
    pub id: String,
    /// What is decided.
    pub title: String,
    /// `approval`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The option and its state.
    pub description: String,
    /// The decide-by date.
    pub due_date: String,
    /// When it was decided, if it was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_met: Option<String>,
    /// `scheduled`, `met` or `notMet`.
    pub status: &'static str,
}

/// A change to the contract: an exercised option.
#[derive(Clone, Debug, Serialize)]
pub struct Amendment {
    /// `option-<sequence>`.
    pub id: String,
    /// When it was exercised, if recorded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Why: the option exercised.
    pub rationale: String,
    /// What changed: the new end.
    pub description: String,
}

/// The implementation section.
#[derive(Clone, Debug, Serialize)]
pub struct Implementation {
    /// Reported results.
    pub metrics: Vec<Metric>,
}

/// An indicator (metrics extension).
#[derive(Clone, Debug, Serialize)]
pub struct Metric {
    /// The indicator's code.
    pub id: String,
    /// Its name.
    pub title: String,
    /// What it measures and what it is reported for.
    pub description: String,
    /// Its values over periods.
    pub observations: Vec<Observation>,
}

/// An indicator's value (or target) over a period.
#[derive(Clone, Debug, Serialize)]
pub struct Observation {
    /// `<indicator code>-<observation id>`.
    pub id: String,
    /// The period.
    pub period: Period,
    /// The figure.
    pub measure: Figure,
    /// Its unit.
    pub unit: Unit,
    /// How exactly it is known (the report's qualifier and words) and any note.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

/// The unit of a figure.
#[derive(Clone, Debug, Serialize)]
pub struct Unit {
    /// `people`, `percent`, `cases`, `referrals` or `count`.
    pub name: &'static str,
}
