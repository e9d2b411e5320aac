//! The `services` and `fundingStreams` lists, declared for the list engine
//! ([`crate::graphql::listing`]): their filters, orderings and fields.

use async_graphql::Enum;
use entity::{funding_stream, service};
use entity::{service_area as sa, service_partner as sp, service_theme as st};
use sea_orm::Condition;

use super::ServiceStatusFilter;
use crate::error::AppResult;
use crate::graphql::filter::{Conditions, FilterInput, IdFilter, StringFilter};
use crate::graphql::nodes::{FundingStream, Service};

crate::list_filter! {
    /// Which services to list. Fields combine with AND; `and`, `or` and `not`
    /// nest at most four levels.
    pub struct ServiceFilter {
        /// A case-insensitive search (2 to 50 characters) in the code and name.
        pub search: Option<String>,
        /// The code.
        pub code: Option<StringFilter>,
        /// Where the service stands.
        pub status: Option<ServiceStatusFilter>,
        /// The funding stream that pays for it (`FundingStream` ids).
        pub funding_stream: Option<IdFilter>,
        /// The programme it is part of (`Service` ids); `isNull: true` lists top-level services.
        pub parent: Option<IdFilter>,
        /// An area it covers, as recorded (`Area` ids; a region-wide service is not
        /// listed under each of its districts).
        pub area: Option<IdFilter>,
        /// A theme it addresses (`Theme` ids).
        pub theme: Option<IdFilter>,
        /// A partner organisation involved in it (`Organisation` ids).
        pub partner: Option<IdFilter>,
    }
}

impl FilterInput for ServiceFilter {
    fn own(&self, field: &str) -> AppResult<Condition> {
        use service::Column as C;
        Conditions::new(field)
            .search(&self.search, &[C::Code, C::Name])?
            .column("code", &self.code, C::Code)?
            .enumerated(
                "status",
                &self.status,
                C::Status,
                entity::enums::ServiceStatus::from,
            )?
            .id(
                "fundingStream",
                &self.funding_stream,
                C::FundingStreamId,
                "FundingStream",
            )?
            .id("parent", &self.parent, C::ParentId, "Service")?
            .with("area", &self.area, |x, f| {
                x.linked::<sa::Entity>(
                    f,
                    "Area",
                    C::Id,
                    (sa::Column::ServiceId, sa::Column::AreaId),
                )
            })?
            .with("theme", &self.theme, |x, f| {
                let link = (st::Column::ServiceId, st::Column::ThemeId);
                x.linked::<st::Entity>(f, "Theme", C::Id, link)
            })?
            .with("partner", &self.partner, |x, f| {
                let link = (sp::Column::ServiceId, sp::Column::OrganisationId);
                x.linked::<sp::Entity>(f, "Organisation", C::Id, link)
            })?
            .done()
    }
}

/// What services can be sorted by.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServiceOrderField {
    /// The id (creation order).
    Id,
    /// The code.
    Code,
    /// The name.
    Name,
}

crate::list_order! {
    /// One key of a service ordering.
    pub struct ServiceOrder(ServiceOrderField);
}

crate::listing! {
    Service(service) {
        filter: ServiceFilter,
        order: ServiceOrder,
        archived: ArchivedAt,
        prepared: Service,
        sort: ServiceOrderField { Id => Id, Code => Code, Name => Name },
    }
}

crate::list_filter! {
    /// Which funding streams to list. Fields combine with AND; `and`, `or` and
    /// `not` nest at most four levels.
    pub struct FundingStreamFilter {
        /// A case-insensitive search (2 to 50 characters) in the name.
        pub search: Option<String>,
        /// The name.
        pub name: Option<StringFilter>,
    }
}

impl FilterInput for FundingStreamFilter {
    fn own(&self, field: &str) -> AppResult<Condition> {
        use funding_stream::Column as C;
        Conditions::new(field)
            .search(&self.search, &[C::Name])?
            .column("name", &self.name, C::Name)?
            .done()
    }
}

/// What funding streams can be sorted by.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum FundingStreamOrderField {
    /// The id (creation order).
    Id,
    /// The name.
    Name,
}

crate::list_order! {
    /// One key of a funding stream ordering.
    pub struct FundingStreamOrder(FundingStreamOrderField);
}

crate::listing! {
    FundingStream(funding_stream) {
        filter: FundingStreamFilter,
        order: FundingStreamOrder,
        sort: FundingStreamOrderField { Id => Id, Name => Name },
    }
}

crate::list_query! {
    /// The `services` and `fundingStreams` lists.
    pub struct ServiceListQuery;

    /// Services matching `filter`, sorted by `orderBy` (then by id, so pages
    /// never skip or repeat), a page at a time.
    fn services -> Service {
        which: "Which services.",
        archived: "Also list archived services (default: only current ones)."
    }

    /// Funding streams matching `filter`, sorted by `orderBy` (then by id), a
    /// page at a time.
    fn funding_streams -> FundingStream { which: "Which funding streams." }
}
