//! The `organisations`, `areas` and `themes` lists, declared for the list
//! engine ([`crate::graphql::listing`]): their filters, orderings and fields.

use async_graphql::Enum;
use entity::{area, organisation, organisation_role, theme};
use sea_orm::sea_query::{Query, SelectStatement};
use sea_orm::{ColumnTrait, Condition};

use super::{AreaKindFilter, OrganisationKindFilter, OrganisationRole, OrganisationRoleFilter};
use crate::error::AppResult;
use crate::graphql::filter::{Conditions, FilterInput, IdFilter, StringFilter};
use crate::graphql::nodes::{Area, Organisation, Theme};

crate::list_filter! {
    /// Which organisations to list. Fields combine with AND; `and`, `or` and `not`
    /// nest at most four levels.
    pub struct OrganisationFilter {
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

/// The `role` filter: organisations playing (or not) some of the roles.
fn role_condition(x: &OrganisationRoleFilter, field: &str) -> AppResult<Condition> {
    // Checks the lists' lengths, naming the operators as given; the
    // condition itself is on role rows, not on organisations.
    x.condition(
        organisation_role::Column::Role,
        field,
        entity::enums::Role::from,
    )?;
    let id = organisation::Column::Id;
    let mut own = Condition::all();
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
    Ok(own)
}

impl FilterInput for OrganisationFilter {
    fn own(&self, field: &str) -> AppResult<Condition> {
        use organisation::Column as C;
        Conditions::new(field)
            .search(&self.search, &[C::Name, C::ShortName])?
            .column("name", &self.name, C::Name)?
            .enumerated(
                "kind",
                &self.kind,
                C::Kind,
                entity::enums::OrganisationKind::from,
            )?
            .with("role", &self.role, role_condition)?
            .id("parent", &self.parent, C::ParentId, "Organisation")?
            .done()
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

crate::list_order! {
    /// One key of an organisation ordering.
    pub struct OrganisationOrder(OrganisationOrderField);
}

crate::listing! {
    Organisation(organisation) {
        filter: OrganisationFilter,
        order: OrganisationOrder,
        archived: ArchivedAt,
        sort: OrganisationOrderField { Id => Id, Name => Name },
    }
}

crate::list_filter! {
    /// Which areas to list. Fields combine with AND; `and`, `or` and `not` nest
    /// at most four levels.
    pub struct AreaFilter {
        /// A case-insensitive search (2 to 50 characters) in the name.
        pub search: Option<String>,
        /// The name.
        pub name: Option<StringFilter>,
        /// District, county or region.
        pub kind: Option<AreaKindFilter>,
        /// The area it lies in (`Area` ids); `isNull: true` lists the top-level areas.
        pub parent: Option<IdFilter>,
    }
}

impl FilterInput for AreaFilter {
    fn own(&self, field: &str) -> AppResult<Condition> {
        use area::Column as C;
        Conditions::new(field)
            .search(&self.search, &[C::Name])?
            .column("name", &self.name, C::Name)?
            .enumerated("kind", &self.kind, C::Kind, entity::enums::AreaKind::from)?
            .id("parent", &self.parent, C::ParentId, "Area")?
            .done()
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

crate::list_order! {
    /// One key of an area ordering.
    pub struct AreaOrder(AreaOrderField);
}

crate::listing! {
    Area(area) {
        filter: AreaFilter,
        order: AreaOrder,
        sort: AreaOrderField { Id => Id, Name => Name },
    }
}

crate::list_filter! {
    /// Which themes to list. Fields combine with AND; `and`, `or` and `not` nest
    /// at most four levels.
    pub struct ThemeFilter {
        /// A case-insensitive search (2 to 50 characters) in the name.
        pub search: Option<String>,
        /// The name.
        pub name: Option<StringFilter>,
    }
}

impl FilterInput for ThemeFilter {
    fn own(&self, field: &str) -> AppResult<Condition> {
        use theme::Column as C;
        Conditions::new(field)
            .search(&self.search, &[C::Name])?
            .column("name", &self.name, C::Name)?
            .done()
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

crate::list_order! {
    /// One key of a theme ordering.
    pub struct ThemeOrder(ThemeOrderField);
}

crate::listing! {
    Theme(theme) {
        filter: ThemeFilter,
        order: ThemeOrder,
        sort: ThemeOrderField { Id => Id, Name => Name },
    }
}

crate::list_query! {
    /// The `organisations`, `areas` and `themes` lists.
    pub struct OrganisationListQuery;

    /// Organisations matching `filter`, sorted by `orderBy` (then by id, so
    /// pages never skip or repeat), a page at a time.
    fn organisations -> Organisation {
        which: "Which organisations.",
        archived: "Also list archived organisations (default: only current ones)."
    }

    /// Areas matching `filter`, sorted by `orderBy` (then by id), a page at a time.
    fn areas -> Area { which: "Which areas." }

    /// Themes matching `filter`, sorted by `orderBy` (then by id), a page at a time.
    fn themes -> Theme { which: "Which themes." }
}
