//! The shape of a dataset file such as `demo.toml`, as serde structs.
//!
//! The structs mirror the file one to one and refuse unknown keys, so a
//! misspelt key is an error rather than a silently missing fact. Values stay
//! as written (amounts, shares and financial years as strings, enumerations
//! as their stored names): the loader converts each through the domain rules
//! and names the record and field of anything it refuses.

use serde::Deserialize;
use toml::value::Datetime;

/// A whole dataset file.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dataset {
    /// What the dataset is and which documents its records cite.
    pub about: About,
    /// Commissioners, providers, partners, funders and grant recipients.
    #[serde(default)]
    pub organisations: Vec<OrganisationRecord>,
    /// Regions, counties and districts.
    #[serde(default)]
    pub areas: Vec<AreaRecord>,
    /// Safeguarding themes.
    #[serde(default)]
    pub themes: Vec<ThemeRecord>,
    /// Funding streams of the commissioning budget.
    #[serde(default)]
    pub funding_streams: Vec<FundingStreamRecord>,
    /// Commissioned services.
    #[serde(default)]
    pub services: Vec<ServiceRecord>,
    /// Contracts with their options and cost shares.
    #[serde(default)]
    pub contracts: Vec<ContractRecord>,
    /// Grant programmes with their rounds and awards.
    #[serde(default)]
    pub grant_programmes: Vec<GrantProgrammeRecord>,
    /// Budgets per funding stream and financial year.
    #[serde(default)]
    pub budgets: Vec<BudgetRecord>,
    /// Spend per funding stream and financial year.
    #[serde(default)]
    pub spend_lines: Vec<SpendLineRecord>,
    /// Reach and outcome measures with their observations.
    #[serde(default)]
    pub indicators: Vec<IndicatorRecord>,
}

/// The dataset's description and the documents it draws on.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct About {
    /// A short name for the dataset.
    pub name: String,
    /// What it holds.
    pub description: String,
    /// The source documents; every record's `source` starts with one of their citations.
    pub documents: Vec<Document>,
}

/// A source document.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    /// How records cite it, e.g. "Police and Crime Panel report, 8 September 2023".
    pub citation: String,
    /// The document's title.
    pub title: String,
    /// Its file name among the project's source reports.
    pub file: String,
}

/// A figure in pounds as the report gives it.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MoneyFigure {
    /// Pounds with at most two decimals, e.g. "450000.00".
    pub amount: String,
    /// exact, approximate, at_least or at_most.
    pub qualifier: String,
    /// The report's words for a loose figure, e.g. "over".
    pub wording: Option<String>,
}

/// A whole-number figure as the report gives it.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CountFigure {
    /// The number.
    pub count: u32,
    /// exact, approximate, at_least or at_most.
    pub qualifier: String,
    /// The report's words for a loose figure, e.g. "nearly".
    pub wording: Option<String>,
}

/// An organisation, keyed by name.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrganisationRecord {
    /// Unique name (the natural key).
    pub name: String,
    /// Abbreviation, e.g. "WYCA".
    pub short_name: Option<String>,
    /// public_body, nhs, police, charity, company, partnership, community_group or university.
    pub kind: String,
    /// The parent organisation's name, listed earlier in the file.
    pub parent: Option<String>,
    /// commissioner, provider, partner, funder, grant_recipient.
    #[serde(default)]
    pub roles: Vec<String>,
    /// What the organisation is or does.
    pub description: Option<String>,
    /// Citation.
    pub source: String,
    /// The whole record is invented.
    #[serde(default)]
    pub illustrative: bool,
    /// Invented fields (GraphQL names) of a reported record.
    #[serde(default)]
    pub illustrative_fields: Vec<String>,
}

/// A geographic area, keyed by name.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AreaRecord {
    /// Unique name (the natural key).
    pub name: String,
    /// district, county or region.
    pub kind: String,
    /// The enclosing area's name, listed earlier in the file.
    pub parent: Option<String>,
    /// Citation (kept in the file only: areas have no source column).
    pub source: String,
}

/// A theme, keyed by name.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThemeRecord {
    /// Unique name (the natural key).
    pub name: String,
    /// Citation (kept in the file only: themes have no source column).
    pub source: String,
}

/// A funding stream, keyed by name.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FundingStreamRecord {
    /// Unique name (the natural key).
    pub name: String,
    /// What it funds.
    pub description: Option<String>,
    /// Citation (kept in the file only: funding streams have no source column).
    pub source: String,
}

/// A commissioned service, keyed by code.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceRecord {
    /// Unique code (the natural key), e.g. "SARC".
    pub code: String,
    /// Name.
    pub name: String,
    /// What the service does.
    pub description: Option<String>,
    /// proposed, active, under_review or ended.
    pub status: String,
    /// Funding stream name.
    pub funding_stream: Option<String>,
    /// The code of the programme this belongs to, listed earlier in the file.
    pub parent: Option<String>,
    /// Area names.
    #[serde(default)]
    pub areas: Vec<String>,
    /// Theme names.
    #[serde(default)]
    pub themes: Vec<String>,
    /// Partner organisation names.
    #[serde(default)]
    pub partners: Vec<String>,
    /// Citation.
    pub source: String,
    /// The whole record is invented.
    #[serde(default)]
    pub illustrative: bool,
    /// Invented fields (GraphQL names) of a reported record.
    #[serde(default)]
    pub illustrative_fields: Vec<String>,
}

/// A contract, keyed by reference.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContractRecord {
    /// Unique reference (the natural key).
    pub reference: String,
    /// Title.
    pub title: String,
    /// Service code.
    pub service: String,
    /// Provider organisation name.
    pub provider: String,
    /// Lead commissioner organisation name.
    pub lead_commissioner: String,
    /// First day of service.
    pub start_date: Datetime,
    /// Length of the initial term.
    pub initial_term_months: u32,
    /// Value per year.
    pub annual_value: Option<MoneyFigure>,
    /// Value over the contract.
    pub total_value: Option<MoneyFigure>,
    /// awarded or terminated.
    pub status: String,
    /// open_procedure, competitive_flexible, direct_award, framework_call_off, grant_agreement or unknown.
    pub procurement_route: String,
    /// not_started, in_progress or completed.
    pub eia_status: String,
    /// When the Equality Impact Assessment is next reviewed.
    pub eia_review_date: Option<Datetime>,
    /// The agreement the cost shares come from, e.g. "Collaboration agreement".
    pub cost_share_agreement: Option<String>,
    /// Remarks, e.g. why fields are illustrative.
    pub notes: Option<String>,
    /// Citation.
    pub source: String,
    /// The whole record is invented.
    #[serde(default)]
    pub illustrative: bool,
    /// Invented fields (GraphQL names) of a reported record.
    #[serde(default)]
    pub illustrative_fields: Vec<String>,
    /// Extension options.
    #[serde(default)]
    pub options: Vec<OptionRecord>,
    /// Who pays what share; may nest.
    #[serde(default)]
    pub cost_shares: Vec<ShareRecord>,
}

/// An extension option of a contract.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptionRecord {
    /// 1, 2, ... in the order the options extend the term.
    pub sequence: u32,
    /// Length of the extension.
    pub length_months: u32,
    /// Last day to decide.
    pub decide_by: Datetime,
    /// available, exercised, declined or lapsed.
    pub state: String,
    /// When it was exercised or declined.
    pub decided_on: Option<Datetime>,
    /// Why, or who decided.
    pub decision_note: Option<String>,
    /// Citation.
    pub source: String,
    /// The whole record is invented.
    #[serde(default)]
    pub illustrative: bool,
    /// Invented fields (GraphQL names) of a reported record.
    #[serde(default)]
    pub illustrative_fields: Vec<String>,
}

/// A party's share of a contract's cost (or of its parent share).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShareRecord {
    /// Organisation name.
    pub party: String,
    /// Percentage of the parent, e.g. "17.5".
    pub share: String,
    /// Citation.
    pub source: String,
    /// The whole record is invented.
    #[serde(default)]
    pub illustrative: bool,
    /// Invented fields (GraphQL names) of a reported record.
    #[serde(default)]
    pub illustrative_fields: Vec<String>,
    /// How this share is split further.
    #[serde(default)]
    pub children: Vec<ShareRecord>,
}

/// A grant programme, keyed by name.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GrantProgrammeRecord {
    /// Unique name (the natural key).
    pub name: String,
    /// Funder organisation name.
    pub funder: String,
    /// Funding stream name.
    pub funding_stream: Option<String>,
    /// What the programme funds.
    pub description: Option<String>,
    /// Citation.
    pub source: String,
    /// The whole record is invented.
    #[serde(default)]
    pub illustrative: bool,
    /// Invented fields (GraphQL names) of a reported record.
    #[serde(default)]
    pub illustrative_fields: Vec<String>,
    /// The programme's rounds.
    #[serde(default)]
    pub rounds: Vec<RoundRecord>,
}

/// A round of a grant programme, keyed by its number within the programme.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoundRecord {
    /// 1, 2, ... within the programme.
    pub number: u32,
    /// Name, e.g. "Grant Round 4".
    pub name: String,
    /// Money available.
    pub pot: Option<MoneyFigure>,
    /// First day applications are accepted.
    pub opens_on: Option<Datetime>,
    /// Closing date.
    pub closes_on: Option<Datetime>,
    /// Date awards were made.
    pub awarded_on: Option<Datetime>,
    /// Applications received.
    pub applications: Option<CountFigure>,
    /// Total requested by the applications.
    pub amount_requested: Option<MoneyFigure>,
    /// Number of awards as reported (individual awards may not be listed).
    pub reported_awards_count: Option<u32>,
    /// Total awarded as reported, in pounds.
    pub reported_awarded: Option<String>,
    /// Theme names.
    #[serde(default)]
    pub themes: Vec<String>,
    /// Citation.
    pub source: String,
    /// The whole record is invented.
    #[serde(default)]
    pub illustrative: bool,
    /// Invented fields (GraphQL names) of a reported record.
    #[serde(default)]
    pub illustrative_fields: Vec<String>,
    /// Individual awards.
    #[serde(default)]
    pub awards: Vec<AwardRecord>,
}

/// A grant award.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwardRecord {
    /// Recipient organisation name.
    pub recipient: String,
    /// Partner organisation name.
    pub partner: Option<String>,
    /// Project name.
    pub project: String,
    /// What the project does.
    pub description: Option<String>,
    /// Pounds awarded.
    pub amount: String,
    /// Date of the award.
    pub awarded_on: Option<Datetime>,
    /// Area names.
    #[serde(default)]
    pub areas: Vec<String>,
    /// Theme names.
    #[serde(default)]
    pub themes: Vec<String>,
    /// Citation.
    pub source: String,
    /// The whole record is invented.
    #[serde(default)]
    pub illustrative: bool,
    /// Invented fields (GraphQL names) of a reported record.
    #[serde(default)]
    pub illustrative_fields: Vec<String>,
}

/// A budget for a funding stream and financial year.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BudgetRecord {
    /// Funding stream name.
    pub funding_stream: String,
    /// E.g. "2023-24".
    pub financial_year: String,
    /// Pounds.
    pub amount: String,
    /// exact, approximate, at_least or at_most.
    pub qualifier: String,
    /// The report's words for a loose figure.
    pub wording: Option<String>,
    /// Remarks.
    pub notes: Option<String>,
    /// Citation.
    pub source: String,
    /// The whole record is invented.
    #[serde(default)]
    pub illustrative: bool,
    /// Invented fields (GraphQL names) of a reported record.
    #[serde(default)]
    pub illustrative_fields: Vec<String>,
}

/// Spend against a funding stream in a financial year (and quarter).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpendLineRecord {
    /// Funding stream name.
    pub funding_stream: String,
    /// E.g. "2023-24".
    pub financial_year: String,
    /// 1 to 4, or absent for the whole year.
    pub quarter: Option<u8>,
    /// Service code.
    pub service: Option<String>,
    /// Contract reference.
    pub contract: Option<String>,
    /// Pounds.
    pub amount: String,
    /// exact, approximate, at_least or at_most.
    pub qualifier: String,
    /// The report's words for a loose figure.
    pub wording: Option<String>,
    /// What the spend is.
    pub description: Option<String>,
    /// Citation.
    pub source: String,
    /// The whole record is invented.
    #[serde(default)]
    pub illustrative: bool,
    /// Invented fields (GraphQL names) of a reported record.
    #[serde(default)]
    pub illustrative_fields: Vec<String>,
}

/// A reach or outcome measure, keyed by code.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorRecord {
    /// Unique code (the natural key).
    pub code: String,
    /// Name.
    pub name: String,
    /// What is measured.
    pub description: Option<String>,
    /// people, percent, cases, referrals or count.
    pub unit: String,
    /// sum or latest.
    pub aggregation: String,
    /// What the measure is about.
    pub subject: SubjectRecord,
    /// Citation (kept in the file only: indicators have no source column;
    /// each observation carries its own).
    pub source: String,
    /// Observed values.
    #[serde(default)]
    pub observations: Vec<ObservationRecord>,
}

/// What an indicator measures: at least one of these.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubjectRecord {
    /// Service code.
    pub service: Option<String>,
    /// Contract reference.
    pub contract: Option<String>,
    /// Organisation name.
    pub organisation: Option<String>,
    /// A grant round.
    pub grant_round: Option<RoundKey>,
}

/// A grant round's natural key.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoundKey {
    /// Programme name.
    pub programme: String,
    /// Round number.
    pub number: u32,
}

/// An indicator's value over a period.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObservationRecord {
    /// First day of the period.
    pub period_start: Datetime,
    /// Last day of the period (the same day for a point in time).
    pub period_end: Datetime,
    /// Decimal with at most 4 places, e.g. "71.8".
    pub value: Option<String>,
    /// Required with a value: exact, approximate, at_least or at_most.
    pub qualifier: Option<String>,
    /// The report's words for a loose figure.
    pub wording: Option<String>,
    /// Target, same format as the value.
    pub target: Option<String>,
    /// Baseline, same format as the value.
    pub baseline: Option<String>,
    /// Remarks.
    pub notes: Option<String>,
    /// Citation.
    pub source: String,
    /// The whole record is invented.
    #[serde(default)]
    pub illustrative: bool,
    /// Invented fields (GraphQL names) of a reported record.
    #[serde(default)]
    pub illustrative_fields: Vec<String>,
}
