//! Enumerations stored as TEXT with a CHECK constraint (see the migrations).

use sea_orm::entity::prelude::*;

/// What kind of body an organisation is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "Text")]
pub enum OrganisationKind {
    #[sea_orm(string_value = "public_body")]
    PublicBody,
    #[sea_orm(string_value = "nhs")]
    Nhs,
    #[sea_orm(string_value = "police")]
    Police,
    #[sea_orm(string_value = "charity")]
    Charity,
    #[sea_orm(string_value = "company")]
    Company,
    #[sea_orm(string_value = "partnership")]
    Partnership,
    #[sea_orm(string_value = "community_group")]
    CommunityGroup,
    #[sea_orm(string_value = "university")]
    University,
}

/// A role an organisation plays in commissioning.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "Text")]
pub enum Role {
    #[sea_orm(string_value = "commissioner")]
    Commissioner,
    #[sea_orm(string_value = "provider")]
    Provider,
    #[sea_orm(string_value = "partner")]
    Partner,
    #[sea_orm(string_value = "funder")]
    Funder,
    #[sea_orm(string_value = "grant_recipient")]
    GrantRecipient,
}

/// The level of a geographic area.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "Text")]
pub enum AreaKind {
    #[sea_orm(string_value = "district")]
    District,
    #[sea_orm(string_value = "county")]
    County,
    #[sea_orm(string_value = "region")]
    Region,
}

/// Where a service stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "Text")]
pub enum ServiceStatus {
    #[sea_orm(string_value = "proposed")]
    Proposed,
    #[sea_orm(string_value = "active")]
    Active,
    #[sea_orm(string_value = "under_review")]
    UnderReview,
    #[sea_orm(string_value = "ended")]
    Ended,
}

/// How exactly a reported figure is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "Text")]
pub enum Qualifier {
    #[sea_orm(string_value = "exact")]
    Exact,
    #[sea_orm(string_value = "approximate")]
    Approximate,
    #[sea_orm(string_value = "at_least")]
    AtLeast,
    #[sea_orm(string_value = "at_most")]
    AtMost,
}

/// The recorded lifecycle of a contract; dates give the rest (see `api::domain`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "Text")]
pub enum ContractRecordStatus {
    #[sea_orm(string_value = "awarded")]
    Awarded,
    #[sea_orm(string_value = "terminated")]
    Terminated,
}

/// How a contract was procured.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "Text")]
pub enum ProcurementRoute {
    #[sea_orm(string_value = "open_procedure")]
    OpenProcedure,
    #[sea_orm(string_value = "competitive_flexible")]
    CompetitiveFlexible,
    #[sea_orm(string_value = "direct_award")]
    DirectAward,
    #[sea_orm(string_value = "framework_call_off")]
    FrameworkCallOff,
    #[sea_orm(string_value = "grant_agreement")]
    GrantAgreement,
    #[sea_orm(string_value = "unknown")]
    Unknown,
}

/// Progress of a contract's Equality Impact Assessment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "Text")]
pub enum EiaStatus {
    #[sea_orm(string_value = "not_started")]
    NotStarted,
    #[sea_orm(string_value = "in_progress")]
    InProgress,
    #[sea_orm(string_value = "completed")]
    Completed,
}

/// The recorded state of an extension option.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "Text")]
pub enum OptionState {
    #[sea_orm(string_value = "available")]
    Available,
    #[sea_orm(string_value = "exercised")]
    Exercised,
    #[sea_orm(string_value = "declined")]
    Declined,
    #[sea_orm(string_value = "lapsed")]
    Lapsed,
}

/// The unit of an indicator's values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "Text")]
pub enum IndicatorUnit {
    #[sea_orm(string_value = "people")]
    People,
    #[sea_orm(string_value = "percent")]
    Percent,
    #[sea_orm(string_value = "cases")]
    Cases,
    #[sea_orm(string_value = "referrals")]
    Referrals,
    #[sea_orm(string_value = "count")]
    Count,
}

/// How an indicator's observations combine across periods.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "Text")]
pub enum Aggregation {
    /// Counts over disjoint periods add up (people reached per year).
    #[sea_orm(string_value = "sum")]
    Sum,
    /// Only the latest value stands (a satisfaction rate, a caseload).
    #[sea_orm(string_value = "latest")]
    Latest,
}
