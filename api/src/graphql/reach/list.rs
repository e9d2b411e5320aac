//! Listing indicators and observations: the filters, the orderings and the queries.

use async_graphql::{Context, Enum, InputObject, Object};
use entity::{indicator, observation};
use sea_orm::{Condition, IntoSimpleExpr};

use super::{AggregationFilter, Indicator, IndicatorUnitFilter, Observation};
use crate::error::AppResult;
use crate::graphql::filter::{
    combine, search, DateFilter, DecimalFilter, IdFilter, OrderDirection, QualifierFilter,
    StringFilter,
};
use crate::graphql::pagination::{keyset_page, KeyValue, Page, PageRequest, SortKey};

/// Which indicators to list. Fields combine with AND; `and`, `or` and `not`
/// nest at most four levels.
#[derive(InputObject, Default)]
pub struct IndicatorFilter {
    /// All of these filters.
    pub and: Option<Vec<IndicatorFilter>>,
    /// Any of these filters.
    pub or: Option<Vec<IndicatorFilter>>,
    /// Not this filter.
    pub not: Option<Box<IndicatorFilter>>,
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

impl IndicatorFilter {
    /// The SQL condition of this filter; `field` is its input path for errors.
    pub fn condition(&self, depth: usize, field: &str) -> AppResult<Condition> {
        use indicator::Column as C;
        let f = |name: &str| format!("{field}.{name}");
        let mut own = Condition::all();
        if let Some(term) = &self.search {
            own = own.add(search(
                term,
                &f("search"),
                &[C::Code.into_simple_expr(), C::Name.into_simple_expr()],
            )?);
        }
        if let Some(x) = &self.code {
            own = own.add(x.condition(C::Code, &f("code"))?);
        }
        if let Some(x) = &self.unit {
            own = own.add(x.condition(C::Unit, &f("unit"), entity::enums::IndicatorUnit::from)?);
        }
        if let Some(x) = &self.aggregation {
            own = own.add(x.condition(
                C::Aggregation,
                &f("aggregation"),
                entity::enums::Aggregation::from,
            )?);
        }
        if let Some(x) = &self.service {
            own = own.add(x.condition(C::ServiceId, &f("service"), "Service")?);
        }
        if let Some(x) = &self.contract {
            own = own.add(x.condition(C::ContractId, &f("contract"), "Contract")?);
        }
        if let Some(x) = &self.grant_round {
            own = own.add(x.condition(C::RoundId, &f("grantRound"), "GrantRound")?);
        }
        if let Some(x) = &self.organisation {
            own = own.add(x.condition(C::OrganisationId, &f("organisation"), "Organisation")?);
        }
        combine(
            own,
            self.and.as_deref(),
            self.or.as_deref(),
            self.not.as_deref(),
            depth,
            field,
            |part, depth, field| part.condition(depth, field),
        )
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

/// One key of an indicator ordering.
#[derive(InputObject, Clone, Copy)]
pub struct IndicatorOrder {
    /// The field to sort by.
    pub field: IndicatorOrderField,
    /// The direction (default ascending).
    #[graphql(default)]
    pub direction: OrderDirection,
}

fn indicator_key(field: IndicatorOrderField) -> SortKey<indicator::Entity> {
    use indicator::Column as C;
    match field {
        IndicatorOrderField::Id => SortKey {
            column: C::Id,
            name: "ID",
            value: |r| KeyValue::I(r.id),
        },
        IndicatorOrderField::Code => SortKey {
            column: C::Code,
            name: "CODE",
            value: |r| KeyValue::S(r.code.clone()),
        },
        IndicatorOrderField::Name => SortKey {
            column: C::Name,
            name: "NAME",
            value: |r| KeyValue::S(r.name.clone()),
        },
    }
}

/// Which observations to list. Fields combine with AND; `and`, `or` and `not`
/// nest at most four levels.
#[derive(InputObject, Default)]
pub struct ObservationFilter {
    /// All of these filters.
    pub and: Option<Vec<ObservationFilter>>,
    /// Any of these filters.
    pub or: Option<Vec<ObservationFilter>>,
    /// Not this filter.
    pub not: Option<Box<ObservationFilter>>,
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

impl ObservationFilter {
    /// The SQL condition of this filter; `field` is its input path for errors.
    pub fn condition(&self, depth: usize, field: &str) -> AppResult<Condition> {
        use observation::Column as C;
        let f = |name: &str| format!("{field}.{name}");
        let mut own = Condition::all();
        if let Some(x) = &self.indicator {
            own = own.add(x.condition(C::IndicatorId, &f("indicator"), "Indicator")?);
        }
        if let Some(x) = &self.period_start {
            own = own.add(x.condition(C::PeriodStart, &f("periodStart"))?);
        }
        if let Some(x) = &self.period_end {
            own = own.add(x.condition(C::PeriodEnd, &f("periodEnd"))?);
        }
        if let Some(x) = &self.qualifier {
            own = own.add(x.condition(
                C::Qualifier,
                &f("qualifier"),
                entity::enums::Qualifier::from,
            )?);
        }
        if let Some(x) = &self.value {
            own = own.add(x.condition(C::ValueE4, &f("value"))?);
        }
        if let Some(x) = &self.target {
            own = own.add(x.condition(C::TargetE4, &f("target"))?);
        }
        if let Some(x) = &self.baseline {
            own = own.add(x.condition(C::BaselineE4, &f("baseline"))?);
        }
        combine(
            own,
            self.and.as_deref(),
            self.or.as_deref(),
            self.not.as_deref(),
            depth,
            field,
            |part, depth, field| part.condition(depth, field),
        )
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

/// One key of an observation ordering.
#[derive(InputObject, Clone, Copy)]
pub struct ObservationOrder {
    /// The field to sort by.
    pub field: ObservationOrderField,
    /// The direction (default ascending).
    #[graphql(default)]
    pub direction: OrderDirection,
}

fn observation_key(field: ObservationOrderField) -> SortKey<observation::Entity> {
    use observation::Column as C;
    match field {
        ObservationOrderField::Id => SortKey {
            column: C::Id,
            name: "ID",
            value: |r| KeyValue::I(r.id),
        },
        ObservationOrderField::PeriodStart => SortKey {
            column: C::PeriodStart,
            name: "PERIOD_START",
            value: |r| KeyValue::D(r.period_start),
        },
        ObservationOrderField::PeriodEnd => SortKey {
            column: C::PeriodEnd,
            name: "PERIOD_END",
            value: |r| KeyValue::D(r.period_end),
        },
    }
}

/// The `indicators` and `observations` lists.
#[derive(Default)]
pub struct ReachListQuery;

/// The `indicators` and `observations` lists.
#[Object]
impl ReachListQuery {
    /// Indicators matching `filter`, sorted by `orderBy` (then by id, so pages
    /// never skip or repeat), a page at a time.
    async fn indicators(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which indicators.")] filter: Option<IndicatorFilter>,
        #[graphql(desc = "Sort keys, in order; the id always ends the ordering.")] order_by: Option<
            Vec<IndicatorOrder>,
        >,
        #[graphql(desc = "Page size, 1 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor.")] after: Option<String>,
    ) -> async_graphql::Result<Page<Indicator>> {
        let condition = match &filter {
            Some(filter) => filter.condition(0, "filter")?,
            None => Condition::all(),
        };
        let order = order_by
            .unwrap_or_default()
            .into_iter()
            .map(|o| (indicator_key(o.field), o.direction))
            .collect();
        let request = PageRequest {
            condition,
            order,
            first,
            after,
        };
        let id = indicator_key(IndicatorOrderField::Id);
        Ok(keyset_page(ctx, id, request, Indicator).await?)
    }

    /// Observations matching `filter`, sorted by `orderBy` (then by id), a
    /// page at a time.
    async fn observations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which observations.")] filter: Option<ObservationFilter>,
        #[graphql(desc = "Sort keys, in order; the id always ends the ordering.")] order_by: Option<
            Vec<ObservationOrder>,
        >,
        #[graphql(desc = "Page size, 1 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor.")] after: Option<String>,
    ) -> async_graphql::Result<Page<Observation>> {
        let condition = match &filter {
            Some(filter) => filter.condition(0, "filter")?,
            None => Condition::all(),
        };
        let order = order_by
            .unwrap_or_default()
            .into_iter()
            .map(|o| (observation_key(o.field), o.direction))
            .collect();
        let request = PageRequest {
            condition,
            order,
            first,
            after,
        };
        let id = observation_key(ObservationOrderField::Id);
        Ok(keyset_page(ctx, id, request, Observation).await?)
    }
}
