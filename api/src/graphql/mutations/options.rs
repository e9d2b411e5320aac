//! `addExtensionOption`, `exerciseExtensionOption`, `declineExtensionOption`.

use async_graphql::{Context, InputObject, Object, SimpleObject, ID};

use super::{as_writer, refuse, settle, Ids, Payload, UserError};
use crate::graphql::loaders::database;
use crate::graphql::nodes::{Contract, ExtensionOption};
use crate::graphql::scalars::Date;
use crate::store::writes::options::{
    add_extension_option, decline_extension_option, exercise_extension_option, AddOption,
    OptionAndContract, OptionDecision,
};

/// An option to add after a contract's existing ones.
#[derive(InputObject)]
pub struct AddExtensionOptionInput {
    /// The contract.
    pub contract_id: ID,
    /// The contract's version you read; a stale one is refused with `CONFLICT`.
    pub expected_version: i32,
    /// Its length in months (1 to 600).
    pub length_months: i32,
    /// The last day it may be exercised or declined: no later than the end
    /// of the term it extends.
    pub decide_by: Date,
}

/// A decision to exercise an extension option, dated today (Europe/London).
#[derive(InputObject)]
pub struct ExerciseExtensionOptionInput {
    /// The option.
    pub id: ID,
    /// The option's version you read; a stale one is refused with `CONFLICT`.
    pub expected_version: i32,
    /// Why a decision after the decide-by date should stand (a signed
    /// letter recorded late, a deadline varied by agreement). Required after
    /// the decide-by date; recorded in the history.
    pub override_reason: Option<String>,
    /// A note on the decision.
    pub note: Option<String>,
}

/// A decision to decline an extension option, dated today (Europe/London).
#[derive(InputObject)]
pub struct DeclineExtensionOptionInput {
    /// The option.
    pub id: ID,
    /// The option's version you read; a stale one is refused with `CONFLICT`.
    pub expected_version: i32,
    /// Why a decision after the decide-by date should stand. Required after
    /// the decide-by date; recorded in the history.
    pub override_reason: Option<String>,
    /// A note on the decision.
    pub note: Option<String>,
}

/// The result of a change to an extension option.
#[derive(SimpleObject)]
pub struct ExtensionOptionPayload {
    /// The option as changed; null when the change was refused.
    pub extension_option: Option<ExtensionOption>,
    /// The option's contract, with its end dates restated; null when the change was refused.
    pub contract: Option<Contract>,
    /// What was wrong with the input; empty when the change was made.
    pub user_errors: Vec<UserError>,
}

impl Payload for ExtensionOptionPayload {
    fn rejected(user_errors: Vec<UserError>) -> Self {
        ExtensionOptionPayload {
            extension_option: None,
            contract: None,
            user_errors,
        }
    }
}

fn done((option, contract): OptionAndContract) -> ExtensionOptionPayload {
    ExtensionOptionPayload {
        extension_option: Some(ExtensionOption::from(option)),
        contract: Some(Contract::from(contract)),
        user_errors: Vec::new(),
    }
}

/// Mutations of extension options.
#[derive(Default)]
pub struct ExtensionOptionMutations;

/// Mutations of extension options.
#[Object]
impl ExtensionOptionMutations {
    /// Adds an extension option after a contract's existing ones, moving
    /// its maximum end date. The contract's lead commissioner, or admins.
    async fn add_extension_option(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The change, with every field described on its type.")]
        input: AddExtensionOptionInput,
    ) -> async_graphql::Result<ExtensionOptionPayload> {
        let mut ids = Ids::default();
        let contract_id = ids.key(&input.contract_id, "Contract", &["contractId"]);
        let add = match ids.finish(AddOption {
            contract_id,
            expected_version: input.expected_version,
            length_months: input.length_months,
            decide_by: input.decide_by.0,
        }) {
            Ok(add) => add,
            Err(rejections) => return refuse(rejections),
        };
        let db = database(ctx)?;
        let result = as_writer!(ctx, |actor| add_extension_option(db, actor, add));
        settle(result, done)
    }

    /// Exercises an extension option today, extending the contract's
    /// current end date. Only an available option, after every earlier
    /// option has been exercised, and by its decide-by date unless an
    /// `overrideReason` is given. The contract's lead commissioner, or admins.
    async fn exercise_extension_option(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The change, with every field described on its type.")]
        input: ExerciseExtensionOptionInput,
    ) -> async_graphql::Result<ExtensionOptionPayload> {
        let mut ids = Ids::default();
        let option_id = ids.key(&input.id, "ExtensionOption", &["id"]);
        let decision = match ids.finish(OptionDecision {
            option_id,
            expected_version: input.expected_version,
            override_reason: input.override_reason,
            note: input.note,
        }) {
            Ok(decision) => decision,
            Err(rejections) => return refuse(rejections),
        };
        let db = database(ctx)?;
        let result = as_writer!(ctx, |actor| exercise_extension_option(db, actor, decision));
        settle(result, done)
    }

    /// Declines an extension option today. Only an available option, by
    /// its decide-by date unless an `overrideReason` is given. The
    /// contract's lead commissioner, or admins.
    async fn decline_extension_option(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The change, with every field described on its type.")]
        input: DeclineExtensionOptionInput,
    ) -> async_graphql::Result<ExtensionOptionPayload> {
        let mut ids = Ids::default();
        let option_id = ids.key(&input.id, "ExtensionOption", &["id"]);
        let decision = match ids.finish(OptionDecision {
            option_id,
            expected_version: input.expected_version,
            override_reason: input.override_reason,
            note: input.note,
        }) {
            Ok(decision) => decision,
            Err(rejections) => return refuse(rejections),
        };
        let db = database(ctx)?;
        let result = as_writer!(ctx, |actor| decline_extension_option(db, actor, decision));
        settle(result, done)
    }
}
