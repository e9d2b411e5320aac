//! Listing extension options: the filter, the orderings and the query.

use async_graphql::{Context, Enum, InputObject, Object};
use entity::extension_option;
use sea_orm::Condition;

use super::{ExtensionOption, OptionState, OptionStateFilter};
use crate::error::AppResult;
use crate::graphql::filter::{combine, DateFilter, IdFilter, IntFilter, OrderDirection};
use crate::graphql::pagination::{keyset_page, KeyValue, Page, PageRequest, SortKey};

/// A recorded option state as stored.
fn stored_state(state: OptionState) -> entity::enums::OptionState {
    use entity::enums::OptionState as S;
    match state {
        OptionState::Available => S::Available,
        OptionState::Exercised => S::Exercised,
        OptionState::Declined => S::Declined,
        OptionState::Lapsed => S::Lapsed,
    }
}

/// Which extension options to list. Fields combine with AND; `and`, `or` and
/// `not` nest at most four levels.
#[derive(InputObject, Default)]
pub struct ExtensionOptionFilter {
    /// All of these filters.
    pub and: Option<Vec<ExtensionOptionFilter>>,
    /// Any of these filters.
    pub or: Option<Vec<ExtensionOptionFilter>>,
    /// Not this filter.
    pub not: Option<Box<ExtensionOptionFilter>>,
    /// The contract it extends (`Contract` ids).
    pub contract: Option<IdFilter>,
    /// Its place in the order of options.
    pub sequence: Option<IntFilter>,
    /// How many months it adds to the term.
    pub length_months: Option<IntFilter>,
    /// The last day on which it can be exercised or declined.
    pub decide_by: Option<DateFilter>,
    /// Its state as recorded. An option still `AVAILABLE` after its decide-by
    /// date has lapsed, so the options open on a day D are those recorded
    /// `AVAILABLE` whose `decideBy` is on or after D.
    pub recorded_state: Option<OptionStateFilter>,
    /// The day it was exercised or declined.
    pub decided_on: Option<DateFilter>,
}

impl ExtensionOptionFilter {
    /// The SQL condition of this filter; `field` is its input path for errors.
    pub fn condition(&self, depth: usize, field: &str) -> AppResult<Condition> {
        use extension_option::Column as C;
        let f = |name: &str| format!("{field}.{name}");
        let mut own = Condition::all();
        if let Some(x) = &self.contract {
            own = own.add(x.condition(C::ContractId, &f("contract"), "Contract")?);
        }
        if let Some(x) = &self.sequence {
            own = own.add(x.condition(C::Sequence, &f("sequence"))?);
        }
        if let Some(x) = &self.length_months {
            own = own.add(x.condition(C::LengthMonths, &f("lengthMonths"))?);
        }
        if let Some(x) = &self.decide_by {
            own = own.add(x.condition(C::DecideBy, &f("decideBy"))?);
        }
        if let Some(x) = &self.recorded_state {
            own = own.add(x.condition(C::State, &f("recordedState"), stored_state)?);
        }
        if let Some(x) = &self.decided_on {
            own = own.add(x.condition(C::DecidedOn, &f("decidedOn"))?);
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

/// What extension options can be sorted by.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExtensionOptionOrderField {
    /// The id (creation order).
    Id,
    /// The last day on which it can be exercised or declined.
    DecideBy,
    /// How many months it adds to the term.
    LengthMonths,
}

/// One key of an extension option ordering.
#[derive(InputObject, Clone, Copy)]
pub struct ExtensionOptionOrder {
    /// The field to sort by.
    pub field: ExtensionOptionOrderField,
    /// The direction (default ascending).
    #[graphql(default)]
    pub direction: OrderDirection,
}

fn option_key(field: ExtensionOptionOrderField) -> SortKey<extension_option::Entity> {
    use extension_option::Column as C;
    match field {
        ExtensionOptionOrderField::Id => SortKey {
            column: C::Id,
            name: "ID",
            value: |r| KeyValue::I(r.id),
        },
        ExtensionOptionOrderField::DecideBy => SortKey {
            column: C::DecideBy,
            name: "DECIDE_BY",
            value: |r| KeyValue::D(r.decide_by),
        },
        ExtensionOptionOrderField::LengthMonths => SortKey {
            column: C::LengthMonths,
            name: "LENGTH_MONTHS",
            value: |r| KeyValue::I(r.length_months.into()),
        },
    }
}

/// The `extensionOptions` list.
#[derive(Default)]
pub struct ExtensionOptionListQuery;

/// The `extensionOptions` list.
#[Object]
impl ExtensionOptionListQuery {
    /// Extension options matching `filter`, sorted by `orderBy` (then by id,
    /// so pages never skip or repeat), a page at a time.
    async fn extension_options(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which extension options.")] filter: Option<ExtensionOptionFilter>,
        #[graphql(desc = "Sort keys, in order; the id always ends the ordering.")] order_by: Option<
            Vec<ExtensionOptionOrder>,
        >,
        #[graphql(desc = "Page size, 1 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor.")] after: Option<String>,
    ) -> async_graphql::Result<Page<ExtensionOption>> {
        let condition = match &filter {
            Some(filter) => filter.condition(0, "filter")?,
            None => Condition::all(),
        };
        let order = order_by
            .unwrap_or_default()
            .into_iter()
            .map(|o| (option_key(o.field), o.direction))
            .collect();
        let request = PageRequest {
            condition,
            order,
            first,
            after,
        };
        let id = option_key(ExtensionOptionOrderField::Id);
        Ok(keyset_page(ctx, id, request, ExtensionOption).await?)
    }
}
