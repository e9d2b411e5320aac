//! The `extensionOptions` list, declared for the list engine
//! ([`crate::graphql::listing`]): its filter, orderings and field.

use async_graphql::Enum;
use entity::extension_option;
use sea_orm::Condition;

use super::{OptionState, OptionStateFilter};
use crate::error::AppResult;
use crate::graphql::filter::{Conditions, DateFilter, FilterInput, IdFilter, IntFilter};
use crate::graphql::nodes::ExtensionOption;

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

crate::list_filter! {
    /// Which extension options to list. Fields combine with AND; `and`, `or` and
    /// `not` nest at most four levels.
    pub struct ExtensionOptionFilter {
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
}

impl FilterInput for ExtensionOptionFilter {
    fn own(&self, field: &str) -> AppResult<Condition> {
        use extension_option::Column as C;
        Conditions::new(field)
            .id("contract", &self.contract, C::ContractId, "Contract")?
            .column("sequence", &self.sequence, C::Sequence)?
            .column("lengthMonths", &self.length_months, C::LengthMonths)?
            .column("decideBy", &self.decide_by, C::DecideBy)?
            .enumerated(
                "recordedState",
                &self.recorded_state,
                C::State,
                stored_state,
            )?
            .column("decidedOn", &self.decided_on, C::DecidedOn)?
            .done()
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

crate::list_order! {
    /// One key of an extension option ordering.
    pub struct ExtensionOptionOrder(ExtensionOptionOrderField);
}

crate::listing! {
    ExtensionOption(extension_option) {
        filter: ExtensionOptionFilter,
        order: ExtensionOptionOrder,
        sort: ExtensionOptionOrderField {
            Id => Id,
            DecideBy => DecideBy,
            LengthMonths => LengthMonths,
        },
    }
}

crate::list_query! {
    /// The `extensionOptions` list.
    pub struct ExtensionOptionListQuery;

    /// Extension options matching `filter`, sorted by `orderBy` (then by id,
    /// so pages never skip or repeat), a page at a time.
    fn extension_options -> ExtensionOption { which: "Which extension options." }
}
