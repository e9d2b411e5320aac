//! Listing organisations, areas and themes: the filters, the orderings and the queries.

use async_graphql::{Context, Enum, InputObject, Object};
use entity::{area, organisation, organisation_role, theme};
use sea_orm::sea_query::{Query, SelectStatement};
use sea_orm::{ColumnTrait, Condition, IntoSimpleExpr};

use super::{
    Area, AreaKindFilter, Organisation, OrganisationKindFilter, OrganisationRole,
    OrganisationRoleFilter, Theme,
};
use crate::error::AppResult;
use crate::graphql::filter::{combine, search, IdFilter, OrderDirection, StringFilter};
use crate::graphql::pagination::{keyset_page, KeyValue, Page, PageRequest, SortKey};

/// Which organisations to list. Fields combine with AND; `and`, `or` and `not`
/// nest at most four levels.
#[derive(InputObject, Default)]
pub struct OrganisationFilter {
    /// All of these filters.
    pub and: Option<Vec<OrganisationFilter>>,
    /// Any of these filters.
    pub or: Option<Vec<OrganisationFilter>>,
    /// Not this filter.
    pub not: Option<Box<OrganisationFilter>>,
    /// A case-insensitive search (2 to 50 characters) in the name and short name.
    pub search: Option<String>,
    /// The name.
    pub name: Option<StringFilter>,
    /// What kind of body it is.
    pub kind: Option<OrganisationKindFilter>,
    /// A role it plays. An organisation plays several roles, so `eq`/`in`
    /// keep organisations playing at least one of the roles, and `ne`/`notIn`
    /// those playing none of them.
    pub role: Option<OrganisationRoleFilter>,
    /// The organisation it is part of (`Organisation` ids); `isNull: true`
    /// lists organisations that are part of none.
    pub parent: Option<IdFilter>,
}

/// The organisations playing one of `roles`: an index scan of the role index.
fn players(roles: &[OrganisationRole]) -> SelectStatement {
    let roles = roles.iter().map(|r| entity::enums::Role::from(*r));
    Query::select()
        .column(organisation_role::Column::OrganisationId)
        .from(organisation_role::Entity)
        .and_where(organisation_role::Column::Role.is_in(roles))
        .to_owned()
}

impl OrganisationFilter {
    /// The SQL condition of this filter; `field` is its input path for errors.
    pub fn condition(&self, depth: usize, field: &str) -> AppResult<Condition> {
        use organisation::Column as C;
        let f = |name: &str| format!("{field}.{name}");
        let mut own = Condition::all();
        if let Some(term) = &self.search {
            own = own.add(search(
                term,
                &f("search"),
                &[C::Name.into_simple_expr(), C::ShortName.into_simple_expr()],
            )?);
        }
        if let Some(x) = &self.name {
            own = own.add(x.condition(C::Name, &f("name"))?);
        }
        if let Some(x) = &self.kind {
            own =
                own.add(x.condition(C::Kind, &f("kind"), entity::enums::OrganisationKind::from)?);
        }
        if let Some(x) = &self.role {
            // Checks the lists' lengths, naming the operators as given; the
            // condition itself is on role rows, not on organisations.
            x.condition(
                organisation_role::Column::Role,
                &f("role"),
                entity::enums::Role::from,
            )?;
            let id = C::Id;
            if let Some(role) = x.eq {
                own = own.add(id.in_subquery(players(&[role])));
            }
            if let Some(roles) = &x.in_list {
                own = own.add(id.in_subquery(players(roles)));
            }
            if let Some(role) = x.ne {
                own = own.add(id.not_in_subquery(players(&[role])));
            }
            if let Some(roles) = &x.not_in {
                own = own.add(id.not_in_subquery(players(roles)));
            }
        }
        if let Some(x) = &self.parent {
            own = own.add(x.condition(C::ParentId, &f("parent"), "Organisation")?);
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

/// What organisations can be sorted by.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum OrganisationOrderField {
    /// The id (creation order).
    Id,
    /// The name.
    Name,
}

/// One key of an organisation ordering.
#[derive(InputObject, Clone, Copy)]
pub struct OrganisationOrder {
    /// The field to sort by.
    pub field: OrganisationOrderField,
    /// The direction (default ascending).
    #[graphql(default)]
    pub direction: OrderDirection,
}

fn organisation_key(field: OrganisationOrderField) -> SortKey<organisation::Entity> {
    use organisation::Column as C;
    match field {
        OrganisationOrderField::Id => SortKey {
            column: C::Id,
            name: "ID",
            value: |r| KeyValue::I(r.id),
        },
        OrganisationOrderField::Name => SortKey {
            column: C::Name,
            name: "NAME",
            value: |r| KeyValue::S(r.name.clone()),
        },
    }
}

/// Which areas to list. Fields combine with AND; `and`, `or` and `not` nest
/// at most four levels.
#[derive(InputObject, Default)]
pub struct AreaFilter {
    /// All of these filters.
    pub and: Option<Vec<AreaFilter>>,
    /// Any of these filters.
    pub or: Option<Vec<AreaFilter>>,
    /// Not this filter.
    pub not: Option<Box<AreaFilter>>,
    /// A case-insensitive search (2 to 50 characters) in the name.
    pub search: Option<String>,
    /// The name.
    pub name: Option<StringFilter>,
    /// District, county or region.
    pub kind: Option<AreaKindFilter>,
    /// The area it lies in (`Area` ids); `isNull: true` lists the top-level areas.
    pub parent: Option<IdFilter>,
}

impl AreaFilter {
    /// The SQL condition of this filter; `field` is its input path for errors.
    pub fn condition(&self, depth: usize, field: &str) -> AppResult<Condition> {
        use area::Column as C;
        let f = |name: &str| format!("{field}.{name}");
        let mut own = Condition::all();
        if let Some(term) = &self.search {
            own = own.add(search(term, &f("search"), &[C::Name.into_simple_expr()])?);
        }
        if let Some(x) = &self.name {
            own = own.add(x.condition(C::Name, &f("name"))?);
        }
        if let Some(x) = &self.kind {
            own = own.add(x.condition(C::Kind, &f("kind"), entity::enums::AreaKind::from)?);
        }
        if let Some(x) = &self.parent {
            own = own.add(x.condition(C::ParentId, &f("parent"), "Area")?);
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

/// What areas can be sorted by.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum AreaOrderField {
    /// The id (creation order).
    Id,
    /// The name.
    Name,
}

/// One key of an area ordering.
#[derive(InputObject, Clone, Copy)]
pub struct AreaOrder {
    /// The field to sort by.
    pub field: AreaOrderField,
    /// The direction (default ascending).
    #[graphql(default)]
    pub direction: OrderDirection,
}

fn area_key(field: AreaOrderField) -> SortKey<area::Entity> {
    use area::Column as C;
    match field {
        AreaOrderField::Id => SortKey {
            column: C::Id,
            name: "ID",
            value: |r| KeyValue::I(r.id),
        },
        AreaOrderField::Name => SortKey {
            column: C::Name,
            name: "NAME",
            value: |r| KeyValue::S(r.name.clone()),
        },
    }
}

/// Which themes to list. Fields combine with AND; `and`, `or` and `not` nest
/// at most four levels.
#[derive(InputObject, Default)]
pub struct ThemeFilter {
    /// All of these filters.
    pub and: Option<Vec<ThemeFilter>>,
    /// Any of these filters.
    pub or: Option<Vec<ThemeFilter>>,
    /// Not this filter.
    pub not: Option<Box<ThemeFilter>>,
    /// A case-insensitive search (2 to 50 characters) in the name.
    pub search: Option<String>,
    /// The name.
    pub name: Option<StringFilter>,
}

impl ThemeFilter {
    /// The SQL condition of this filter; `field` is its input path for errors.
    pub fn condition(&self, depth: usize, field: &str) -> AppResult<Condition> {
        use theme::Column as C;
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

/// What themes can be sorted by.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ThemeOrderField {
    /// The id (creation order).
    Id,
    /// The name.
    Name,
}

/// One key of a theme ordering.
#[derive(InputObject, Clone, Copy)]
pub struct ThemeOrder {
    /// The field to sort by.
    pub field: ThemeOrderField,
    /// The direction (default ascending).
    #[graphql(default)]
    pub direction: OrderDirection,
}

fn theme_key(field: ThemeOrderField) -> SortKey<theme::Entity> {
    use theme::Column as C;
    match field {
        ThemeOrderField::Id => SortKey {
            column: C::Id,
            name: "ID",
            value: |r| KeyValue::I(r.id),
        },
        ThemeOrderField::Name => SortKey {
            column: C::Name,
            name: "NAME",
            value: |r| KeyValue::S(r.name.clone()),
        },
    }
}

/// The `organisations`, `areas` and `themes` lists.
#[derive(Default)]
pub struct OrganisationListQuery;

/// The `organisations`, `areas` and `themes` lists.
#[Object]
impl OrganisationListQuery {
    /// Organisations matching `filter`, sorted by `orderBy` (then by id, so
    /// pages never skip or repeat), a page at a time.
    async fn organisations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which organisations.")] filter: Option<OrganisationFilter>,
        #[graphql(desc = "Sort keys, in order; the id always ends the ordering.")] order_by: Option<
            Vec<OrganisationOrder>,
        >,
        #[graphql(desc = "Page size, 1 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor.")] after: Option<String>,
        #[graphql(desc = "Also list archived organisations (default: only current ones).")]
        include_archived: Option<bool>,
    ) -> async_graphql::Result<Page<Organisation>> {
        let mut condition = match &filter {
            Some(filter) => filter.condition(0, "filter")?,
            None => Condition::all(),
        };
        if !include_archived.unwrap_or(false) {
            condition = condition.add(entity::organisation::Column::ArchivedAt.is_null());
        }
        let order = order_by
            .unwrap_or_default()
            .into_iter()
            .map(|o| (organisation_key(o.field), o.direction))
            .collect();
        let request = PageRequest {
            condition,
            order,
            first,
            after,
        };
        let id = organisation_key(OrganisationOrderField::Id);
        Ok(keyset_page(ctx, id, request, Organisation).await?)
    }

    /// Areas matching `filter`, sorted by `orderBy` (then by id), a page at a time.
    async fn areas(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which areas.")] filter: Option<AreaFilter>,
        #[graphql(desc = "Sort keys, in order; the id always ends the ordering.")] order_by: Option<
            Vec<AreaOrder>,
        >,
        #[graphql(desc = "Page size, 1 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor.")] after: Option<String>,
    ) -> async_graphql::Result<Page<Area>> {
        let condition = match &filter {
            Some(filter) => filter.condition(0, "filter")?,
            None => Condition::all(),
        };
        let order = order_by
            .unwrap_or_default()
            .into_iter()
            .map(|o| (area_key(o.field), o.direction))
            .collect();
        let request = PageRequest {
            condition,
            order,
            first,
            after,
        };
        Ok(keyset_page(ctx, area_key(AreaOrderField::Id), request, Area).await?)
    }

    /// Themes matching `filter`, sorted by `orderBy` (then by id), a page at a time.
    async fn themes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which themes.")] filter: Option<ThemeFilter>,
        #[graphql(desc = "Sort keys, in order; the id always ends the ordering.")] order_by: Option<
            Vec<ThemeOrder>,
        >,
        #[graphql(desc = "Page size, 1 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor.")] after: Option<String>,
    ) -> async_graphql::Result<Page<Theme>> {
        let condition = match &filter {
            Some(filter) => filter.condition(0, "filter")?,
            None => Condition::all(),
        };
        let order = order_by
            .unwrap_or_default()
            .into_iter()
            .map(|o| (theme_key(o.field), o.direction))
            .collect();
        let request = PageRequest {
            condition,
            order,
            first,
            after,
        };
        Ok(keyset_page(ctx, theme_key(ThemeOrderField::Id), request, Theme).await?)
    }
}
