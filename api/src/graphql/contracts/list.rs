//! Listing contracts: the filter, the orderings and the query.

use async_graphql::{Context, Enum, InputObject, Object};
use entity::{contract, cost_share, service};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, Condition, IntoSimpleExpr};

use super::{Contract, EiaStatusFilter, ProcurementRouteFilter};
use crate::error::AppResult;
use crate::graphql::filter::{
    combine, search, DateFilter, IdFilter, IntFilter, MoneyFilter, OrderDirection, StringFilter,
};
use crate::graphql::pagination::{keyset_page, KeyValue, Page, PageRequest, SortKey};

/// Which contracts to list. Fields combine with AND; `and`, `or` and `not`
/// nest at most four levels.
#[derive(InputObject, Default)]
pub struct ContractFilter {
    /// All of these filters.
    pub and: Option<Vec<ContractFilter>>,
    /// Any of these filters.
    pub or: Option<Vec<ContractFilter>>,
    /// Not this filter.
    pub not: Option<Box<ContractFilter>>,
    /// A case-insensitive search (2 to 50 characters) in the reference and title.
    pub search: Option<String>,
    /// The reference.
    pub reference: Option<StringFilter>,
    /// The service (`Service` ids).
    pub service: Option<IdFilter>,
    /// The funding stream of the contract's service (`FundingStream` ids).
    pub funding_stream: Option<IdFilter>,
    /// The provider (`Organisation` ids).
    pub provider: Option<IdFilter>,
    /// The lead commissioner (`Organisation` ids).
    pub lead_commissioner: Option<IdFilter>,
    /// Any organisation sharing the cost, at any level of the split (`Organisation` ids).
    pub cost_sharer: Option<IdFilter>,
    /// The start date.
    pub start_date: Option<DateFilter>,
    /// The end of the initial term.
    pub initial_end_date: Option<DateFilter>,
    /// The current end date (the initial term extended by exercised options).
    pub current_end_date: Option<DateFilter>,
    /// The end date if every option were exercised.
    pub contractual_maximum_end_date: Option<DateFilter>,
    /// The length of the initial term in months.
    pub initial_term_months: Option<IntFilter>,
    /// The annual value.
    pub annual_value: Option<MoneyFilter>,
    /// The total value.
    pub total_value: Option<MoneyFilter>,
    /// The procurement route.
    pub procurement_route: Option<ProcurementRouteFilter>,
    /// The Equality Impact Assessment's status.
    pub eia_status: Option<EiaStatusFilter>,
    /// The Equality Impact Assessment's review date.
    pub eia_review_date: Option<DateFilter>,
}

impl ContractFilter {
    /// The SQL condition of this filter; `field` is its input path for errors.
    pub fn condition(&self, depth: usize, field: &str) -> AppResult<Condition> {
        use contract::Column as C;
        let f = |name: &str| format!("{field}.{name}");
        let mut own = Condition::all();
        if let Some(term) = &self.search {
            own = own.add(search(
                term,
                &f("search"),
                &[C::Reference.into_simple_expr(), C::Title.into_simple_expr()],
            )?);
        }
        if let Some(x) = &self.reference {
            own = own.add(x.condition(C::Reference, &f("reference"))?);
        }
        if let Some(x) = &self.service {
            own = own.add(x.condition(C::ServiceId, &f("service"), "Service")?);
        }
        if let Some(x) = &self.funding_stream {
            if let Some(ids) = x.ids(&f("fundingStream"), "FundingStream")? {
                let services = Query::select()
                    .column(service::Column::Id)
                    .from(service::Entity)
                    .and_where(service::Column::FundingStreamId.is_in(ids))
                    .to_owned();
                own = own.add(C::ServiceId.in_subquery(services));
            }
        }
        if let Some(x) = &self.provider {
            own = own.add(x.condition(C::ProviderId, &f("provider"), "Organisation")?);
        }
        if let Some(x) = &self.lead_commissioner {
            own = own.add(x.condition(
                C::LeadCommissionerId,
                &f("leadCommissioner"),
                "Organisation",
            )?);
        }
        if let Some(x) = &self.cost_sharer {
            if let Some(ids) = x.ids(&f("costSharer"), "Organisation")? {
                let shared = Query::select()
                    .column(cost_share::Column::ContractId)
                    .from(cost_share::Entity)
                    .and_where(cost_share::Column::OrganisationId.is_in(ids))
                    .to_owned();
                own = own.add(C::Id.in_subquery(shared));
            }
        }
        if let Some(x) = &self.start_date {
            own = own.add(x.condition(C::StartDate, &f("startDate"))?);
        }
        if let Some(x) = &self.initial_end_date {
            own = own.add(x.condition(C::InitialEndDate, &f("initialEndDate"))?);
        }
        if let Some(x) = &self.current_end_date {
            own = own.add(x.condition(C::CurrentEndDate, &f("currentEndDate"))?);
        }
        if let Some(x) = &self.contractual_maximum_end_date {
            own = own.add(x.condition(C::ContractualEndDate, &f("contractualMaximumEndDate"))?);
        }
        if let Some(x) = &self.initial_term_months {
            own = own.add(x.condition(C::InitialTermMonths, &f("initialTermMonths"))?);
        }
        if let Some(x) = &self.annual_value {
            own = own.add(x.condition(C::AnnualValuePence, &f("annualValue"))?);
        }
        if let Some(x) = &self.total_value {
            own = own.add(x.condition(C::TotalValuePence, &f("totalValue"))?);
        }
        if let Some(x) = &self.procurement_route {
            own = own.add(x.condition(
                C::ProcurementRoute,
                &f("procurementRoute"),
                entity::enums::ProcurementRoute::from,
            )?);
        }
        if let Some(x) = &self.eia_status {
            own = own.add(x.condition(
                C::EiaStatus,
                &f("eiaStatus"),
                entity::enums::EiaStatus::from,
            )?);
        }
        if let Some(x) = &self.eia_review_date {
            own = own.add(x.condition(C::EiaReviewDate, &f("eiaReviewDate"))?);
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

/// What contracts can be sorted by.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContractOrderField {
    /// The id (creation order).
    Id,
    /// The reference.
    Reference,
    /// The start date.
    StartDate,
    /// The end of the initial term.
    InitialEndDate,
    /// The current end date.
    CurrentEndDate,
    /// The end date if every option were exercised.
    ContractualMaximumEndDate,
}

/// One key of a contract ordering.
#[derive(InputObject, Clone, Copy)]
pub struct ContractOrder {
    /// The field to sort by.
    pub field: ContractOrderField,
    /// The direction (default ascending).
    #[graphql(default)]
    pub direction: OrderDirection,
}

fn sort_key(field: ContractOrderField) -> SortKey<contract::Entity> {
    use contract::Column as C;
    match field {
        ContractOrderField::Id => SortKey {
            column: C::Id,
            name: "ID",
            value: |r| KeyValue::I(r.id),
        },
        ContractOrderField::Reference => SortKey {
            column: C::Reference,
            name: "REFERENCE",
            value: |r| KeyValue::S(r.reference.clone()),
        },
        ContractOrderField::StartDate => SortKey {
            column: C::StartDate,
            name: "START_DATE",
            value: |r| KeyValue::D(r.start_date),
        },
        ContractOrderField::InitialEndDate => SortKey {
            column: C::InitialEndDate,
            name: "INITIAL_END_DATE",
            value: |r| KeyValue::D(r.initial_end_date),
        },
        ContractOrderField::CurrentEndDate => SortKey {
            column: C::CurrentEndDate,
            name: "CURRENT_END_DATE",
            value: |r| KeyValue::D(r.current_end_date),
        },
        ContractOrderField::ContractualMaximumEndDate => SortKey {
            column: C::ContractualEndDate,
            name: "CONTRACTUAL_MAXIMUM_END_DATE",
            value: |r| KeyValue::D(r.contractual_end_date),
        },
    }
}

/// The `contracts` list.
#[derive(Default)]
pub struct ContractListQuery;

/// The `contracts` list.
#[Object]
impl ContractListQuery {
    /// Contracts matching `filter`, sorted by `orderBy` (then by id, so pages
    /// never skip or repeat), a page at a time.
    async fn contracts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which contracts.")] filter: Option<ContractFilter>,
        #[graphql(desc = "Sort keys, in order; the id always ends the ordering.")] order_by: Option<
            Vec<ContractOrder>,
        >,
        #[graphql(desc = "Page size, 1 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor.")] after: Option<String>,
        #[graphql(desc = "Also list archived contracts (default: only current ones).")]
        include_archived: Option<bool>,
    ) -> async_graphql::Result<Page<Contract>> {
        let mut condition = match &filter {
            Some(filter) => filter.condition(0, "filter")?,
            None => Condition::all(),
        };
        if !include_archived.unwrap_or(false) {
            condition = condition.add(entity::contract::Column::ArchivedAt.is_null());
        }
        let order = order_by
            .unwrap_or_default()
            .into_iter()
            .map(|o| (sort_key(o.field), o.direction))
            .collect();
        let request = PageRequest {
            condition,
            order,
            first,
            after,
        };
        Ok(keyset_page(ctx, sort_key(ContractOrderField::Id), request, Contract).await?)
    }
}
