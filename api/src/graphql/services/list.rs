//! Listing services and funding streams: the filters, the orderings and the queries.

use async_graphql::{Context, Enum, InputObject, Object};
use entity::{funding_stream, service, service_area, service_partner, service_theme};
use sea_orm::sea_query::{IntoIden, Query};
use sea_orm::{ColumnTrait, Condition, EntityTrait, IntoSimpleExpr};

use super::{FundingStream, Service, ServiceStatusFilter};
use crate::error::AppResult;
use crate::graphql::filter::{combine, search, IdFilter, OrderDirection, StringFilter};
use crate::graphql::pagination::{keyset_page, KeyValue, Page, PageRequest, SortKey};

/// The condition "linked through `link` to one of the objects `filter` names",
/// for many-to-many relations kept in a join table: `owner` is the listed
/// table's id column, `link_owner` and `link_target` the join table's columns.
/// `isNull: true` keeps rows with no link at all; `false`, rows with some link.
/// Every join table is indexed on both columns, so each subquery is an index scan.
pub(crate) fn linked<L: EntityTrait>(
    filter: &IdFilter,
    field: &str,
    type_name: &str,
    owner: impl ColumnTrait,
    link_owner: L::Column,
    link_target: L::Column,
) -> AppResult<Condition> {
    let links = || {
        Query::select()
            .column(link_owner.into_iden())
            .from(L::default())
            .to_owned()
    };
    let mut condition = Condition::all();
    if let Some(ids) = filter.ids(field, type_name)? {
        let mut matching = links();
        matching.and_where(link_target.is_in(ids));
        condition = condition.add(owner.in_subquery(matching));
    }
    match filter.is_null {
        Some(true) => condition = condition.add(owner.not_in_subquery(links())),
        Some(false) => condition = condition.add(owner.in_subquery(links())),
        None => {}
    }
    Ok(condition)
}

/// Which services to list. Fields combine with AND; `and`, `or` and `not`
/// nest at most four levels.
#[derive(InputObject, Default)]
pub struct ServiceFilter {
    /// All of these filters.
    pub and: Option<Vec<ServiceFilter>>,
    /// Any of these filters.
    pub or: Option<Vec<ServiceFilter>>,
    /// Not this filter.
    pub not: Option<Box<ServiceFilter>>,
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

impl ServiceFilter {
    /// The SQL condition of this filter; `field` is its input path for errors.
    pub fn condition(&self, depth: usize, field: &str) -> AppResult<Condition> {
        use service::Column as C;
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
        if let Some(x) = &self.status {
            own = own.add(x.condition(
                C::Status,
                &f("status"),
                entity::enums::ServiceStatus::from,
            )?);
        }
        if let Some(x) = &self.funding_stream {
            own = own.add(x.condition(C::FundingStreamId, &f("fundingStream"), "FundingStream")?);
        }
        if let Some(x) = &self.parent {
            own = own.add(x.condition(C::ParentId, &f("parent"), "Service")?);
        }
        if let Some(x) = &self.area {
            use service_area::Column as L;
            own = own.add(linked::<service_area::Entity>(
                x,
                &f("area"),
                "Area",
                C::Id,
                L::ServiceId,
                L::AreaId,
            )?);
        }
        if let Some(x) = &self.theme {
            use service_theme::Column as L;
            own = own.add(linked::<service_theme::Entity>(
                x,
                &f("theme"),
                "Theme",
                C::Id,
                L::ServiceId,
                L::ThemeId,
            )?);
        }
        if let Some(x) = &self.partner {
            use service_partner::Column as L;
            own = own.add(linked::<service_partner::Entity>(
                x,
                &f("partner"),
                "Organisation",
                C::Id,
                L::ServiceId,
                L::OrganisationId,
            )?);
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

/// One key of a service ordering.
#[derive(InputObject, Clone, Copy)]
pub struct ServiceOrder {
    /// The field to sort by.
    pub field: ServiceOrderField,
    /// The direction (default ascending).
    #[graphql(default)]
    pub direction: OrderDirection,
}

fn service_key(field: ServiceOrderField) -> SortKey<service::Entity> {
    use service::Column as C;
    match field {
        ServiceOrderField::Id => SortKey {
            column: C::Id,
            name: "ID",
            value: |r| KeyValue::I(r.id),
        },
        ServiceOrderField::Code => SortKey {
            column: C::Code,
            name: "CODE",
            value: |r| KeyValue::S(r.code.clone()),
        },
        ServiceOrderField::Name => SortKey {
            column: C::Name,
            name: "NAME",
            value: |r| KeyValue::S(r.name.clone()),
        },
    }
}

/// Which funding streams to list. Fields combine with AND; `and`, `or` and
/// `not` nest at most four levels.
#[derive(InputObject, Default)]
pub struct FundingStreamFilter {
    /// All of these filters.
    pub and: Option<Vec<FundingStreamFilter>>,
    /// Any of these filters.
    pub or: Option<Vec<FundingStreamFilter>>,
    /// Not this filter.
    pub not: Option<Box<FundingStreamFilter>>,
    /// A case-insensitive search (2 to 50 characters) in the name.
    pub search: Option<String>,
    /// The name.
    pub name: Option<StringFilter>,
}

impl FundingStreamFilter {
    /// The SQL condition of this filter; `field` is its input path for errors.
    pub fn condition(&self, depth: usize, field: &str) -> AppResult<Condition> {
        use funding_stream::Column as C;
        let f = |name: &str| format!("{field}.{name}");
        let mut own = Condition::all();
        if let Some(term) = &self.search {
            own = own.add(search(term, &f("search"), &[C::Name.into_simple_expr()])?);
        }
        if let Some(x) = &self.name {
            own = own.add(x.condition(C::Name, &f("name"))?);
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

/// What funding streams can be sorted by.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum FundingStreamOrderField {
    /// The id (creation order).
    Id,
    /// The name.
    Name,
}

/// One key of a funding stream ordering.
#[derive(InputObject, Clone, Copy)]
pub struct FundingStreamOrder {
    /// The field to sort by.
    pub field: FundingStreamOrderField,
    /// The direction (default ascending).
    #[graphql(default)]
    pub direction: OrderDirection,
}

fn funding_stream_key(field: FundingStreamOrderField) -> SortKey<funding_stream::Entity> {
    use funding_stream::Column as C;
    match field {
        FundingStreamOrderField::Id => SortKey {
            column: C::Id,
            name: "ID",
            value: |r| KeyValue::I(r.id),
        },
        FundingStreamOrderField::Name => SortKey {
            column: C::Name,
            name: "NAME",
            value: |r| KeyValue::S(r.name.clone()),
        },
    }
}

/// The `services` and `fundingStreams` lists.
#[derive(Default)]
pub struct ServiceListQuery;

/// The `services` and `fundingStreams` lists.
#[Object]
impl ServiceListQuery {
    /// Services matching `filter`, sorted by `orderBy` (then by id, so pages
    /// never skip or repeat), a page at a time.
    async fn services(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which services.")] filter: Option<ServiceFilter>,
        #[graphql(desc = "Sort keys, in order; the id always ends the ordering.")] order_by: Option<
            Vec<ServiceOrder>,
        >,
        #[graphql(desc = "Page size, 1 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor.")] after: Option<String>,
        #[graphql(desc = "Also list archived services (default: only current ones).")]
        include_archived: Option<bool>,
    ) -> async_graphql::Result<Page<Service>> {
        let mut condition = match &filter {
            Some(filter) => filter.condition(0, "filter")?,
            None => Condition::all(),
        };
        if !include_archived.unwrap_or(false) {
            condition = condition.add(entity::service::Column::ArchivedAt.is_null());
        }
        let order = order_by
            .unwrap_or_default()
            .into_iter()
            .map(|o| (service_key(o.field), o.direction))
            .collect();
        let request = PageRequest {
            condition,
            order,
            first,
            after,
        };
        Ok(keyset_page(ctx, service_key(ServiceOrderField::Id), request, Service).await?)
    }

    /// Funding streams matching `filter`, sorted by `orderBy` (then by id), a
    /// page at a time.
    async fn funding_streams(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which funding streams.")] filter: Option<FundingStreamFilter>,
        #[graphql(desc = "Sort keys, in order; the id always ends the ordering.")] order_by: Option<
            Vec<FundingStreamOrder>,
        >,
        #[graphql(desc = "Page size, 1 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor.")] after: Option<String>,
    ) -> async_graphql::Result<Page<FundingStream>> {
        let condition = match &filter {
            Some(filter) => filter.condition(0, "filter")?,
            None => Condition::all(),
        };
        let order = order_by
            .unwrap_or_default()
            .into_iter()
            .map(|o| (funding_stream_key(o.field), o.direction))
            .collect();
        let request = PageRequest {
            condition,
            order,
            first,
            after,
        };
        let id = funding_stream_key(FundingStreamOrderField::Id);
        Ok(keyset_page(ctx, id, request, FundingStream).await?)
    }
}
