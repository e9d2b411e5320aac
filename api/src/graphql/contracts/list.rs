//! The `contracts` list, declared for the list engine
//! ([`crate::graphql::listing`]): its filter, orderings and field.

use async_graphql::Enum;
use entity::{contract, cost_share, service};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, Condition};

use super::{EiaStatusFilter, ProcurementRouteFilter};
use crate::error::AppResult;
use crate::graphql::filter::{
    Conditions, DateFilter, FilterInput, IdFilter, IntFilter, MoneyFilter, StringFilter,
};
use crate::graphql::nodes::Contract;

crate::list_filter! {
    /// Which contracts to list. Fields combine with AND; `and`, `or` and `not`
    /// nest at most four levels.
    pub struct ContractFilter {
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
}

/// Contracts of services paid for by the funding streams `x` names.
fn funded_by(x: &IdFilter, field: &str) -> AppResult<Condition> {
    let mut condition = Condition::all();
    if let Some(ids) = x.ids(field, "FundingStream")? {
        let services = Query::select()
            .column(service::Column::Id)
            .from(service::Entity)
            .and_where(service::Column::FundingStreamId.is_in(ids))
            .to_owned();
        condition = condition.add(contract::Column::ServiceId.in_subquery(services));
    }
    Ok(condition)
}

/// Contracts whose cost is shared by one of the organisations `x` names.
fn shared_by(x: &IdFilter, field: &str) -> AppResult<Condition> {
    let mut condition = Condition::all();
    if let Some(ids) = x.ids(field, "Organisation")? {
        let shared = Query::select()
            .column(cost_share::Column::ContractId)
            .from(cost_share::Entity)
            .and_where(cost_share::Column::OrganisationId.is_in(ids))
            .to_owned();
        condition = condition.add(contract::Column::Id.in_subquery(shared));
    }
    Ok(condition)
}

impl FilterInput for ContractFilter {
    fn own(&self, field: &str) -> AppResult<Condition> {
        use contract::Column as C;
        use entity::enums::{EiaStatus as StoredEia, ProcurementRoute as StoredRoute};
        Conditions::new(field)
            .search(&self.search, &[C::Reference, C::Title])?
            .column("reference", &self.reference, C::Reference)?
            .id("service", &self.service, C::ServiceId, "Service")?
            .with("fundingStream", &self.funding_stream, funded_by)?
            .id("provider", &self.provider, C::ProviderId, "Organisation")?
            .id(
                "leadCommissioner",
                &self.lead_commissioner,
                C::LeadCommissionerId,
                "Organisation",
            )?
            .with("costSharer", &self.cost_sharer, shared_by)?
            .column("startDate", &self.start_date, C::StartDate)?
            .column("initialEndDate", &self.initial_end_date, C::InitialEndDate)?
            .column("currentEndDate", &self.current_end_date, C::CurrentEndDate)?
            .column(
                "contractualMaximumEndDate",
                &self.contractual_maximum_end_date,
                C::ContractualEndDate,
            )?
            .column(
                "initialTermMonths",
                &self.initial_term_months,
                C::InitialTermMonths,
            )?
            .column("annualValue", &self.annual_value, C::AnnualValuePence)?
            .column("totalValue", &self.total_value, C::TotalValuePence)?
            .enumerated(
                "procurementRoute",
                &self.procurement_route,
                C::ProcurementRoute,
                StoredRoute::from,
            )?
            .enumerated("eiaStatus", &self.eia_status, C::EiaStatus, StoredEia::from)?
            .column("eiaReviewDate", &self.eia_review_date, C::EiaReviewDate)?
            .done()
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

crate::list_order! {
    /// One key of a contract ordering.
    pub struct ContractOrder(ContractOrderField);
}

crate::listing! {
    Contract(contract) {
        filter: ContractFilter,
        order: ContractOrder,
        archived: ArchivedAt,
        prepared: Contract,
        sort: ContractOrderField {
            Id => Id,
            Reference => Reference,
            StartDate => StartDate,
            InitialEndDate => InitialEndDate,
            CurrentEndDate => CurrentEndDate,
            ContractualMaximumEndDate => ContractualEndDate,
        },
    }
}

crate::list_query! {
    /// The `contracts` list.
    pub struct ContractListQuery;

    /// Contracts matching `filter`, sorted by `orderBy` (then by id, so pages
    /// never skip or repeat), a page at a time.
    fn contracts -> Contract {
        which: "Which contracts.",
        archived: "Also list archived contracts (default: only current ones)."
    }
}
