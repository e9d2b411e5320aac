//! The `indicators` and `observations` lists, declared for the list engine
//! ([`crate::graphql::listing`]): their filters, orderings and fields.

use async_graphql::Enum;
use entity::{indicator, observation};
use sea_orm::Condition;

use super::{AggregationFilter, IndicatorUnitFilter};
use crate::error::AppResult;
use crate::graphql::filter::{
    Conditions, DateFilter, DecimalFilter, FilterInput, IdFilter, QualifierFilter, StringFilter,
};
use crate::graphql::nodes::{Indicator, Observation};

crate::list_filter! {
    /// Which indicators to list. Fields combine with AND; `and`, `or` and `not`
    /// nest at most four levels.
    pub struct IndicatorFilter {
        /// A case-insensitive search (2 to 50 characters) in the code and name.
        pub search: Option<String>,
        /// The code.
        pub code: Option<StringFilter>,
        /// The unit of its values.
        pub unit: Option<IndicatorUnitFilter>,
        /// Whether its values add up across periods.
        pub aggregation: Option<AggregationFilter>,
        /// The service measured (`Service` ids).
        pub service: Option<IdFilter>,
        /// The contract measured (`Contract` ids).
        pub contract: Option<IdFilter>,
        /// The grant round measured (`GrantRound` ids).
        pub grant_round: Option<IdFilter>,
        /// The organisation measured (`Organisation` ids).
        pub organisation: Option<IdFilter>,
    }
}

impl FilterInput for IndicatorFilter {
    fn own(&self, field: &str) -> AppResult<Condition> {
        use indicator::Column as C;
        Conditions::new(field)
            .search(&self.search, &[C::Code, C::Name])?
            .column("code", &self.code, C::Code)?
            .enumerated(
                "unit",
                &self.unit,
                C::Unit,
                entity::enums::IndicatorUnit::from,
            )?
            .enumerated(
                "aggregation",
                &self.aggregation,
                C::Aggregation,
                entity::enums::Aggregation::from,
            )?
            .id("service", &self.service, C::ServiceId, "Service")?
            .id("contract", &self.contract, C::ContractId, "Contract")?
            .id("grantRound", &self.grant_round, C::RoundId, "GrantRound")?
            .id(
                "organisation",
                &self.organisation,
                C::OrganisationId,
                "Organisation",
            )?
            .done()
    }
}

/// What indicators can be sorted by.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum IndicatorOrderField {
    /// The id (creation order).
    Id,
    /// The code.
    Code,
    /// The name.
    Name,
}

crate::list_order! {
    /// One key of an indicator ordering.
    pub struct IndicatorOrder(IndicatorOrderField);
}

crate::listing! {
    Indicator(indicator) {
        filter: IndicatorFilter,
        order: IndicatorOrder,
        sort: IndicatorOrderField { Id => Id, Code => Code, Name => Name },
    }
}

crate::list_filter! {
    /// Which observations to list. Fields combine with AND; `and`, `or` and `not`
    /// nest at most four levels.
    pub struct ObservationFilter {
        /// The indicator observed (`Indicator` ids).
        pub indicator: Option<IdFilter>,
        /// The first day of the period.
        pub period_start: Option<DateFilter>,
        /// The last day of the period.
        pub period_end: Option<DateFilter>,
        /// How exactly the value is known (observations giving only a target match none).
        pub qualifier: Option<QualifierFilter>,
        /// The observed value (`isNull: true` keeps observations giving only a target).
        pub value: Option<DecimalFilter>,
        /// The target for the period.
        pub target: Option<DecimalFilter>,
        /// The baseline the period is measured against.
        pub baseline: Option<DecimalFilter>,
    }
}

impl FilterInput for ObservationFilter {
    fn own(&self, field: &str) -> AppResult<Condition> {
        use observation::Column as C;
        let qualifier = entity::enums::Qualifier::from;
        Conditions::new(field)
            .id("indicator", &self.indicator, C::IndicatorId, "Indicator")?
            .column("periodStart", &self.period_start, C::PeriodStart)?
            .column("periodEnd", &self.period_end, C::PeriodEnd)?
            .enumerated("qualifier", &self.qualifier, C::Qualifier, qualifier)?
            .column("value", &self.value, C::ValueE4)?
            .column("target", &self.target, C::TargetE4)?
            .column("baseline", &self.baseline, C::BaselineE4)?
            .done()
    }
}

/// What observations can be sorted by.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ObservationOrderField {
    /// The id (creation order).
    Id,
    /// The first day of the period.
    PeriodStart,
    /// The last day of the period.
    PeriodEnd,
}

crate::list_order! {
    /// One key of an observation ordering.
    pub struct ObservationOrder(ObservationOrderField);
}

crate::listing! {
    Observation(observation) {
        filter: ObservationFilter,
        order: ObservationOrder,
        sort: ObservationOrderField {
            Id => Id,
            PeriodStart => PeriodStart,
            PeriodEnd => PeriodEnd,
        },
    }
}

crate::list_query! {
    /// The `indicators` and `observations` lists.
    pub struct ReachListQuery;

    /// Indicators matching `filter`, sorted by `orderBy` (then by id, so pages
    /// never skip or repeat), a page at a time.
    fn indicators -> Indicator { which: "Which indicators." }

    /// Observations matching `filter`, sorted by `orderBy` (then by id), a
    /// page at a time.
    fn observations -> Observation { which: "Which observations." }
}
