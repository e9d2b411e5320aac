//! Mutations: one module per area, each mutation named after the domain
//! action, taking one `input` and returning a payload with the changed
//! object and `userErrors`.
//!
//! A resolver here is an adapter: it checks that the caller may write at
//! all, turns the input's ids and optional fields into the store's terms,
//! and calls `store::writes`, which checks the rules, writes, and records the
//! audit event in one transaction. Business-rule failures come back as
//! `userErrors` (HTTP 200, object null); authentication, authorisation and
//! internal failures as top-level errors.

use async_graphql::{Context, Enum, MaybeUndefined, MergedObject, SimpleObject, ID};

use crate::auth::{require, Permission, Principal};
use crate::error::AppResult;
use crate::graphql::ids::parse_global_id;
use crate::graphql::scalars::Qualifier;
use crate::store::writes::{Actor, Patch, Rejection, WriteError, WriteResult};

pub mod archive;
pub mod contracts;
pub mod cost_shares;
pub mod grants;
pub mod options;
pub mod organisations;
pub mod reach;
pub mod services;
pub mod spend;

/// The root of every mutation.
#[derive(MergedObject, Default)]
pub struct MutationRoot(
    organisations::OrganisationMutations,
    services::ServiceMutations,
    contracts::ContractMutations,
    options::ExtensionOptionMutations,
    cost_shares::CostShareMutations,
    spend::SpendMutations,
    reach::ReachMutations,
    grants::GrantMutations,
    archive::ArchiveMutations,
);

/// Why a change was refused: one code per business rule.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum UserErrorCode {
    /// The record changed since the version given in `expectedVersion`; `currentVersion` says where it is now.
    Conflict,
    /// No record has the id given.
    NotFound,
    /// The id was not issued by this API for this type of record.
    IdInvalid,
    /// Another record already has this unique name, code, reference or number.
    Duplicate,
    /// The record, or one it refers to, is archived and cannot be changed or used.
    Archived,
    /// A required text is blank.
    TextEmpty,
    /// A text is longer than its field allows.
    TextTooLong,
    /// A text contains a control or bidirectional-override character.
    TextControlCharacter,
    /// An amount is not a plain decimal.
    MoneyMalformed,
    /// An amount has more than two decimal places.
    MoneyTooManyDecimals,
    /// An amount is negative.
    MoneyNegative,
    /// An amount is above £9,999,999,999.99.
    MoneyOutOfRange,
    /// A share is not a plain decimal percentage.
    ShareMalformed,
    /// A share has more than four decimal places.
    ShareTooManyDecimals,
    /// A share is zero or negative.
    ShareNotPositive,
    /// A share is above 100%.
    #[graphql(name = "SHARE_OVER_100")]
    ShareOver100,
    /// The same party has two shares at one level.
    ShareDuplicateParty,
    /// The shares of one level do not sum to exactly 100%.
    #[graphql(name = "SHARE_SUM_NOT_100")]
    ShareSumNot100,
    /// A split names no party.
    SplitEmpty,
    /// A split nests more than four levels.
    SplitTooDeep,
    /// A split holds more than 100 shares.
    SplitTooLarge,
    /// An initial term is not 1 to 600 months.
    TermInitialLengthOutOfRange,
    /// An option is not 1 to 600 months.
    TermOptionLengthOutOfRange,
    /// Two options share a sequence number.
    TermOptionSequenceDuplicate,
    /// An option's decide-by date is after the end of the term it extends.
    TermOptionDecideByTooLate,
    /// A term ends beyond the supported calendar.
    TermDateOutOfRange,
    /// The option has already been exercised.
    OptionAlreadyExercised,
    /// The option was declined.
    OptionDeclined,
    /// The option has already been declined.
    OptionAlreadyDeclined,
    /// The option is recorded as lapsed.
    OptionLapsed,
    /// The option's decide-by date has passed; give `overrideReason` to record a late decision.
    OptionDeadlinePassed,
    /// An earlier option has not been exercised.
    OptionOutOfSequence,
    /// Dates that must be in order are not.
    DatesOutOfOrder,
    /// A date falls outside 1900 to 2199.
    DateOutOfRange,
    /// An award would take a round's awards over its pot.
    AwardsExceedPot,
    /// A round number below 1.
    RoundNumberInvalid,
    /// A figure has more than four decimal places.
    FigureTooManyDecimals,
    /// A figure is negative.
    FigureNegative,
    /// A figure is out of range.
    FigureOutOfRange,
    /// A percentage figure is over 100.
    #[graphql(name = "FIGURE_OVER_100_PERCENT")]
    FigureOver100Percent,
    /// An observation with neither a value nor a target.
    ObservationEmpty,
    /// A spend line's service is not its contract's service.
    SpendServiceMismatch,
    /// Any other rule (see the message).
    Invalid,
}

impl UserErrorCode {
    /// The code for a rule's machine name (`"MONEY_NEGATIVE"`).
    pub fn from_code(code: &str) -> Self {
        let found = <Self as async_graphql::EnumType>::items()
            .iter()
            .find(|item| item.name == code)
            .map(|item| item.value);
        found.unwrap_or_else(|| {
            tracing::warn!(code, "a rule code with no UserErrorCode");
            UserErrorCode::Invalid
        })
    }
}

/// A business rule the input breaks. The change was not made.
#[derive(SimpleObject, Clone, Debug)]
pub struct UserError {
    /// The path of the offending input field, from the argument down
    /// (`["input", "shares", "2", "percentage"]`); null when the input as a whole is at fault.
    pub field: Option<Vec<String>>,
    /// What is wrong, for people.
    pub message: String,
    /// Which rule, for programs.
    pub code: UserErrorCode,
    /// For `CONFLICT`: the record's current version, to re-read it at.
    pub current_version: Option<i32>,
}

impl From<Rejection> for UserError {
    fn from(r: Rejection) -> Self {
        UserError {
            field: r
                .field
                .map(|path| std::iter::once("input".to_owned()).chain(path).collect()),
            message: r.message,
            code: UserErrorCode::from_code(r.code),
            current_version: r.current_version,
        }
    }
}

/// A mutation payload: built from the changed object, or from user errors.
pub trait Payload: Sized {
    /// The payload of a refused change.
    fn rejected(errors: Vec<UserError>) -> Self;
}

/// Defines a payload type with one changed object and `userErrors`.
macro_rules! payload {
    ($(#[$meta:meta])* $name:ident { $field:ident: $ty:ty, $doc:literal }) => {
        $(#[$meta])*
        #[derive(async_graphql::SimpleObject)]
        pub struct $name {
            #[doc = $doc]
            pub $field: Option<$ty>,
            /// What was wrong with the input; empty when the change was made.
            pub user_errors: Vec<$crate::graphql::mutations::UserError>,
        }

        impl $crate::graphql::mutations::Payload for $name {
            fn rejected(user_errors: Vec<$crate::graphql::mutations::UserError>) -> Self {
                $name { $field: None, user_errors }
            }
        }

        impl $name {
            /// The payload of a change made.
            pub fn done(value: $ty) -> Self {
                $name { $field: Some(value), user_errors: Vec::new() }
            }
        }
    };
}
pub(crate) use payload;

/// Turns a store result into a payload: rejections become `userErrors`,
/// failures (forbidden, internal) top-level errors.
pub fn settle<T, P: Payload>(
    result: WriteResult<T>,
    done: impl FnOnce(T) -> P,
) -> async_graphql::Result<P> {
    match result {
        Ok(value) => Ok(done(value)),
        Err(WriteError::Rejected(rejections)) => Ok(P::rejected(
            rejections.into_iter().map(UserError::from).collect(),
        )),
        Err(WriteError::Failed(err)) => Err(err.into()),
    }
}

/// The payload of an input refused before reaching the store.
pub fn refuse<P: Payload>(rejections: Vec<Rejection>) -> async_graphql::Result<P> {
    settle::<(), P>(Err(WriteError::Rejected(rejections)), |_| unreachable!())
}

/// The permission check a write makes on a record's owner.
pub type Authorize<'a> = dyn Fn(Option<i64>) -> AppResult<()> + Send + Sync + 'a;

/// The caller as a writer, after checking that it may write at all
/// (an admin, or a commissioner for its organisation): viewers and
/// analysts get `FORBIDDEN`, callers without a key `UNAUTHENTICATED`.
pub fn actor<'a>(ctx: &Context<'_>, authorize: &'a Authorize<'a>) -> AppResult<Actor<'a>> {
    let own = ctx.data_opt::<Principal>().and_then(|p| p.organisation_id);
    let principal = require(ctx, Permission::WriteFor(own))?;
    Ok(Actor {
        name: principal.name.clone(),
        key_id: principal.key_id,
        organisation_id: principal.organisation_id,
        request_id: ctx
            .data_opt::<crate::http::RequestId>()
            .map(|r| r.0.clone())
            .filter(|id| !id.is_empty()),
        today: crate::graphql::today(),
        authorize,
    })
}

/// Runs a write as the caller: `$ctx` and a closure from the `Actor` to the
/// store call's future.
macro_rules! as_writer {
    ($ctx:expr, |$actor:ident| $body:expr) => {{
        let ctx = $ctx;
        let authorize = |owner: Option<i64>| {
            $crate::auth::require(ctx, $crate::auth::Permission::WriteFor(owner)).map(|_| ())
        };
        let $actor = $crate::graphql::mutations::actor(ctx, &authorize)?;
        let $actor = &$actor;
        $body.await
    }};
}
pub(crate) use as_writer;

/// Reads the ids of an input, collecting a rejection for each that is not
/// an id of the expected type.
#[derive(Default)]
pub struct Ids {
    rejections: Vec<Rejection>,
}

impl Ids {
    /// The row id of `id`, which must be a `type_name` id; 0 (never used,
    /// since [`Ids::finish`] then refuses the input) when it is not.
    pub fn key(&mut self, id: &ID, type_name: &str, path: &[&str]) -> i64 {
        match parse_global_id(id) {
            Ok((found, key)) if found == type_name => key,
            _ => {
                let field = path.last().copied().unwrap_or("id");
                self.rejections.push(Rejection::at(
                    path,
                    "ID_INVALID",
                    format!("{field}: not a {type_name} id issued by this API"),
                ));
                0
            }
        }
    }

    /// Like [`Ids::key`] for an optional id.
    pub fn optional(&mut self, id: Option<&ID>, type_name: &str, path: &[&str]) -> Option<i64> {
        id.map(|id| self.key(id, type_name, path))
    }

    /// Like [`Ids::key`] for a nullable field: absent keeps, null clears.
    pub fn patch(&mut self, id: MaybeUndefined<ID>, type_name: &str, path: &[&str]) -> Patch<i64> {
        match id {
            MaybeUndefined::Undefined => Patch::Keep,
            MaybeUndefined::Null => Patch::Clear,
            MaybeUndefined::Value(id) => Patch::Set(self.key(&id, type_name, path)),
        }
    }

    /// Records a rejection found while reading the input.
    pub fn reject(&mut self, rejection: Rejection) {
        self.rejections.push(rejection);
    }

    /// `value` when every id was valid, else the rejections.
    pub fn finish<T>(self, value: T) -> Result<T, Vec<Rejection>> {
        if self.rejections.is_empty() {
            Ok(value)
        } else {
            Err(self.rejections)
        }
    }
}

/// A nullable input field as a change: absent keeps, null clears.
pub fn patch<T>(value: MaybeUndefined<T>) -> Patch<T> {
    match value {
        MaybeUndefined::Undefined => Patch::Keep,
        MaybeUndefined::Null => Patch::Clear,
        MaybeUndefined::Value(v) => Patch::Set(v),
    }
}

/// The stored qualifier of an entered figure.
pub fn stored_qualifier(q: Option<Qualifier>) -> entity::enums::Qualifier {
    q.unwrap_or(Qualifier::Exact).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_code_has_a_user_error_code() {
        for code in [
            "CONFLICT",
            "MONEY_TOO_MANY_DECIMALS",
            "SHARE_OVER_100",
            "SHARE_SUM_NOT_100",
            "FIGURE_OVER_100_PERCENT",
            "TERM_OPTION_DECIDE_BY_TOO_LATE",
            "OPTION_DEADLINE_PASSED",
            "AWARDS_EXCEED_POT",
            "TEXT_CONTROL_CHARACTER",
            "DATES_OUT_OF_ORDER",
        ] {
            assert_ne!(
                UserErrorCode::from_code(code),
                UserErrorCode::Invalid,
                "{code}"
            );
        }
        assert_eq!(
            UserErrorCode::from_code("NO_SUCH_RULE"),
            UserErrorCode::Invalid
        );
    }

    #[test]
    fn user_errors_carry_the_input_path() {
        let error = UserError::from(Rejection::at(
            &["shares", "2", "percentage"],
            "SHARE_NOT_POSITIVE",
            "no",
        ));
        assert_eq!(
            error.field.unwrap(),
            vec!["input", "shares", "2", "percentage"]
        );
        assert_eq!(error.code, UserErrorCode::ShareNotPositive);
    }
}
