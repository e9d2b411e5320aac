//! The list engine: a collection is declared once (its entity, its filter
//! input and how that becomes a condition, its orderings and their keyset
//! columns, its default order and whether archived rows are hidden) by
//! implementing [`Listing`]; [`list`] then serves every collection's list the
//! same way: filter, archived rows, ordering, keyset cursors after `after`,
//! `first` rows, and a `totalCount` computed only when selected.
//!
//! The declarations use three macros so that each collection states only
//! what is its own: [`list_filter!`](crate::list_filter) (a filter input with
//! the shared `and`/`or`/`not` nesting), [`list_order!`](crate::list_order) (one
//! key of an ordering) and [`list_query!`](crate::list_query) (the query fields).

use async_graphql::{Context, EnumType, Lookahead, OutputType};
use futures::future::BoxFuture;
use sea_orm::{ColumnTrait, Condition, EntityTrait};

use crate::error::AppResult;
use crate::graphql::filter::{FilterInput, OrderDirection};
use crate::graphql::pagination::{keyset_rows, Page, PageRequest, SortKey};
use crate::graphql::prepared::{node_selection, Preparer, Row};

/// One key of an ordering as given in `orderBy`.
pub trait OrderInput: Send + Sync {
    /// The enumeration of what the list can be sorted by.
    type Field: EnumType + Copy + PartialEq + Send + Sync + 'static;
    /// The field and its direction.
    fn key(&self) -> (Self::Field, OrderDirection);
}

/// What a list can be sorted by.
pub type OrderField<L> = <<L as Listing>::Order as OrderInput>::Field;
/// A column of a listed entity.
pub type ColumnOf<L> = <<L as Listing>::Entity as EntityTrait>::Column;

/// A collection served as a list of `Self` nodes.
pub trait Listing: OutputType + Sized {
    /// The table listed.
    type Entity: EntityTrait;
    /// Which rows (the `filter` argument).
    type Filter: FilterInput + Send + Sync;
    /// One sort key (an item of the `orderBy` argument).
    type Order: OrderInput;
    /// The order field of the unique id, which ends every ordering so that
    /// pages neither skip nor repeat rows.
    const ID: OrderField<Self>;

    /// The NOT NULL column an order field sorts by.
    fn column(field: OrderField<Self>) -> ColumnOf<Self>;

    /// The ordering used when `orderBy` is absent or empty (before the id).
    fn default_order() -> Vec<(OrderField<Self>, OrderDirection)> {
        Vec::new()
    }

    /// The `archivedAt` column of collections whose archived rows are left
    /// out unless `includeArchived` is true; `None` lists every row.
    fn archived() -> Option<ColumnOf<Self>> {
        None
    }

    /// A row as a node.
    fn node(row: Row<Self::Entity>) -> Self;

    /// Loads ahead what `selection` (the page's node selection) selects of
    /// the relations of `rows` (see [`prepared`](crate::graphql::prepared));
    /// by default nothing, and the fields go through the shared loaders.
    fn prepare<'a, 's: 'a>(
        _with: Preparer<'a>,
        _rows: &'a [Row<Self::Entity>],
        _selection: &'a Lookahead<'s>,
    ) -> BoxFuture<'a, AppResult<()>> {
        Box::pin(async { Ok(()) })
    }
}

/// The GraphQL name of an enum value (what cursors carry as the key's name).
fn value_name<T: EnumType + PartialEq>(value: T) -> &'static str {
    T::items()
        .iter()
        .find(|item| item.value == value)
        .map_or("", |item| item.name)
}

/// The sort key of an order field.
fn sort_key<L: Listing>(field: OrderField<L>) -> SortKey<L::Entity> {
    SortKey {
        column: L::column(field),
        name: value_name(field),
    }
}

/// The condition of `filter` and of the archived rule.
pub fn list_condition<L: Listing>(
    filter: Option<&L::Filter>,
    include_archived: Option<bool>,
) -> AppResult<Condition> {
    let mut condition = match filter {
        Some(filter) => filter.condition(0, "filter")?,
        None => Condition::all(),
    };
    if let Some(archived) = L::archived() {
        if !include_archived.unwrap_or(false) {
            condition = condition.add(archived.is_null());
        }
    }
    Ok(condition)
}

/// One page of the list of `L`: the rows matching `filter` (and not archived
/// unless `include_archived`), sorted by `order_by` then by id, the `first`
/// of them after the cursor `after`, with the relations the query selects of
/// them loaded ahead.
pub async fn list<L>(
    ctx: &Context<'_>,
    filter: Option<L::Filter>,
    order_by: Option<Vec<L::Order>>,
    first: Option<i32>,
    after: Option<String>,
    include_archived: Option<bool>,
) -> AppResult<Page<L>>
where
    L: Listing,
    <L::Entity as EntityTrait>::Model: entity::model::Positional + Sync,
{
    let condition = list_condition::<L>(filter.as_ref(), include_archived)?;
    let keys = match order_by {
        Some(keys) if !keys.is_empty() => keys.iter().map(OrderInput::key).collect(),
        _ => L::default_order(),
    };
    let request = PageRequest {
        condition,
        order: keys
            .into_iter()
            .map(|(field, direction)| (sort_key::<L>(field), direction))
            .collect(),
        first,
        after,
    };
    let page = keyset_rows(ctx, sort_key::<L>(L::ID), request).await?;
    if let Some(with) = Preparer::of(ctx)? {
        if let Some(selection) = node_selection(&ctx.look_ahead()) {
            L::prepare(with, &page.rows, &selection).await?;
        }
    }
    Ok(page.into_page(L::node))
}

/// Declares a list's filter input: the given fields plus the `and`, `or` and
/// `not` nesting every filter has, and [`FilterInput::nested`] for them.
#[macro_export]
macro_rules! list_filter {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$field_meta:meta])* pub $field:ident : $ty:ty ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(async_graphql::InputObject, Default)]
        pub struct $name {
            /// All of these filters.
            pub and: Option<Vec<$name>>,
            /// Any of these filters.
            pub or: Option<Vec<$name>>,
            /// Not this filter.
            pub not: Option<Box<$name>>,
            $( $(#[$field_meta])* pub $field: $ty, )*
        }

        impl $crate::graphql::filter::Nested for $name {
            fn nested(&self) -> (Option<&[Self]>, Option<&[Self]>, Option<&Self>) {
                (self.and.as_deref(), self.or.as_deref(), self.not.as_deref())
            }
        }
    };
}

/// Declares one key of a list's ordering: an order field and a direction.
#[macro_export]
macro_rules! list_order {
    ($(#[$meta:meta])* pub struct $name:ident($field:ty);) => {
        $(#[$meta])*
        #[derive(async_graphql::InputObject, Clone, Copy)]
        pub struct $name {
            /// The field to sort by.
            pub field: $field,
            /// The direction (default ascending).
            #[graphql(default)]
            pub direction: $crate::graphql::filter::OrderDirection,
        }

        impl $crate::graphql::listing::OrderInput for $name {
            type Field = $field;
            fn key(&self) -> ($field, $crate::graphql::filter::OrderDirection) {
                (self.field, self.direction)
            }
        }
    };
}

/// Declares a query object whose fields are lists served by
/// [`list`](crate::graphql::listing::list): each with its description, the
/// description of its `filter` argument and, for collections that hide
/// archived rows, that of `includeArchived`.
#[macro_export]
macro_rules! list_query {
    (@archived $arg:ident) => { None };
    (@archived $arg:ident $desc:tt) => { $arg };
    (
        $(#[$meta:meta])*
        pub struct $query:ident;
        $(
            $(#[$doc:meta])*
            fn $field:ident -> $node:ident { which: $which:tt $(, archived: $archived:tt)? }
        )+
    ) => {
        $(#[$meta])*
        #[derive(Default)]
        pub struct $query;

        $(#[$meta])*
        #[async_graphql::Object]
        impl $query {
            $(
                $(#[$doc])*
                async fn $field(
                    &self,
                    ctx: &async_graphql::Context<'_>,
                    #[graphql(desc = $which)]
                    filter: Option<<$node as $crate::graphql::listing::Listing>::Filter>,
                    #[graphql(desc = "Sort keys, in order; the id always ends the ordering.")]
                    order_by: Option<Vec<<$node as $crate::graphql::listing::Listing>::Order>>,
                    #[graphql(desc = "Page size, 1 to 100 (default 20).")]
                    first: Option<i32>,
                    #[graphql(desc = "Continue after this cursor.")]
                    after: Option<String>,
                    $(
                        #[graphql(desc = $archived)]
                        include_archived: Option<bool>,
                    )?
                ) -> async_graphql::Result<$crate::graphql::pagination::Page<$node>> {
                    let include_archived: Option<bool> =
                        $crate::list_query!(@archived include_archived $($archived)?);
                    Ok($crate::graphql::listing::list::<$node>(
                        ctx,
                        filter,
                        order_by,
                        first,
                        after,
                        include_archived,
                    )
                    .await?)
                }
            )+
        }
    };
}

/// Declares how a collection is listed (implements [`Listing`]): the node
/// type wrapping a row of the entity module's table, its filter and order
/// inputs, the `archivedAt` column if archived rows are hidden by default,
/// `prepared: Node` when the node type implements
/// [`Prepare`](crate::graphql::prepared::Prepare) (its pages then load their
/// relations ahead), and the column each order
/// field sorts by (`Id` ends every ordering).
#[macro_export]
macro_rules! listing {
    (
        $node:ident($module:ident) {
            filter: $filter:ty,
            order: $order:ty,
            $(archived: $archived:ident,)?
            $(prepared: $prepared:ident,)?
            sort: $field:ident { $($variant:ident => $column:ident),+ $(,)? } $(,)?
        }
    ) => {
        impl $crate::graphql::listing::Listing for $node {
            type Entity = $module::Entity;
            type Filter = $filter;
            type Order = $order;
            const ID: $field = $field::Id;

            fn column(field: $field) -> $module::Column {
                match field {
                    $($field::$variant => $module::Column::$column,)+
                }
            }

            $(
                fn archived() -> Option<$module::Column> {
                    Some($module::Column::$archived)
                }
            )?

            fn node(row: $crate::graphql::prepared::Row<$module::Entity>) -> Self {
                $node(row)
            }

            $(
                fn prepare<'a, 's: 'a>(
                    with: $crate::graphql::prepared::Preparer<'a>,
                    rows: &'a [$crate::graphql::prepared::Row<$module::Entity>],
                    selection: &'a async_graphql::Lookahead<'s>,
                ) -> futures::future::BoxFuture<'a, $crate::error::AppResult<()>> {
                    <$prepared as $crate::graphql::prepared::Prepare>::prepare(with, rows, selection)
                }
            )?
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_key_names_are_the_graphql_enum_values() {
        assert_eq!(value_name(OrderDirection::Asc), "ASC");
        assert_eq!(value_name(OrderDirection::Desc), "DESC");
    }
}
