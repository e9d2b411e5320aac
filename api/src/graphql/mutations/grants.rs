//! `createGrantProgramme`, `createGrantRound`, `awardGrant`.

use async_graphql::{Context, InputObject, Object, ID};

use super::{as_writer, payload, refuse, settle, Ids};
use crate::graphql::loaders::database;
use crate::graphql::nodes::{GrantAward, GrantProgramme, GrantRound};
use crate::graphql::scalars::{Date, DecimalScalar};
use crate::store::writes::grants::{
    award_grant, create_programme, create_round, NewAward, NewProgramme, NewRound,
};

/// A new grant programme.
#[derive(InputObject)]
pub struct CreateGrantProgrammeInput {
    /// Its name (1 to 200 characters), unique.
    pub name: String,
    /// The funder (an `Organisation` id), who owns the programme.
    pub funder_id: ID,
    /// The funding stream it draws on (a `FundingStream` id).
    pub funding_stream_id: Option<ID>,
    /// What it funds.
    pub description: Option<String>,
}

/// A new round of a grant programme.
#[derive(InputObject)]
pub struct CreateGrantRoundInput {
    /// The programme (a `GrantProgramme` id).
    pub programme_id: ID,
    /// Its number within the programme; the next one when left out.
    pub number: Option<i32>,
    /// Its name (1 to 200 characters).
    pub name: String,
    /// The money available in pounds, a string with at most two decimals;
    /// awards never total more.
    pub pot: Option<DecimalScalar>,
    /// When applications open.
    pub opens_on: Option<Date>,
    /// When applications close: on or after `opensOn`.
    pub closes_on: Option<Date>,
    /// When awards were made: on or after `closesOn`.
    pub awarded_on: Option<Date>,
}

/// A grant awarded from a round.
#[derive(InputObject)]
pub struct AwardGrantInput {
    /// The round (a `GrantRound` id).
    pub round_id: ID,
    /// The organisation receiving the grant (an `Organisation` id).
    pub recipient_id: ID,
    /// A partner delivering with it (an `Organisation` id).
    pub partner_id: Option<ID>,
    /// The project funded (1 to 200 characters).
    pub project_name: String,
    /// What the project does.
    pub description: Option<String>,
    /// The amount in pounds, a string with at most two decimals. The
    /// round's awards, this one included, must not exceed its pot.
    pub amount: DecimalScalar,
    /// When it was awarded.
    pub awarded_on: Option<Date>,
}

payload!(
    /// The result of creating a grant programme.
    GrantProgrammePayload { grant_programme: GrantProgramme, "The programme as created; null when the change was refused." }
);

payload!(
    /// The result of creating a grant round.
    GrantRoundPayload { grant_round: GrantRound, "The round as created; null when the change was refused." }
);

payload!(
    /// The result of awarding a grant.
    GrantAwardPayload { grant_award: GrantAward, "The award as made; null when the change was refused." }
);

/// Mutations of grants.
#[derive(Default)]
pub struct GrantMutations;

/// Mutations of grants.
#[Object]
impl GrantMutations {
    /// Records a new grant programme. Its funder's commissioners, or admins.
    async fn create_grant_programme(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The change, with every field described on its type.")]
        input: CreateGrantProgrammeInput,
    ) -> async_graphql::Result<GrantProgrammePayload> {
        let mut ids = Ids::default();
        let funder_id = ids.key(&input.funder_id, "Organisation", &["funderId"]);
        let funding_stream_id = ids.optional(
            input.funding_stream_id.as_ref(),
            "FundingStream",
            &["fundingStreamId"],
        );
        let new = match ids.finish(NewProgramme {
            name: input.name,
            funder_id,
            funding_stream_id,
            description: input.description,
        }) {
            Ok(new) => new,
            Err(rejections) => return refuse(rejections),
        };
        let db = database(ctx)?;
        let result = as_writer!(ctx, |actor| create_programme(db, actor, new));
        settle(result, |row| {
            GrantProgrammePayload::done(GrantProgramme::from(row))
        })
    }

    /// Opens a new round of a grant programme. The programme's funder, or admins.
    async fn create_grant_round(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The change, with every field described on its type.")]
        input: CreateGrantRoundInput,
    ) -> async_graphql::Result<GrantRoundPayload> {
        let mut ids = Ids::default();
        let programme_id = ids.key(&input.programme_id, "GrantProgramme", &["programmeId"]);
        let new = match ids.finish(NewRound {
            programme_id,
            number: input.number,
            name: input.name,
            pot: input.pot.map(|d| d.0),
            opens_on: input.opens_on.map(|d| d.0),
            closes_on: input.closes_on.map(|d| d.0),
            awarded_on: input.awarded_on.map(|d| d.0),
        }) {
            Ok(new) => new,
            Err(rejections) => return refuse(rejections),
        };
        let db = database(ctx)?;
        let result = as_writer!(ctx, |actor| create_round(db, actor, new));
        settle(result, |row| GrantRoundPayload::done(GrantRound::from(row)))
    }

    /// Awards a grant from a round, never taking the round's awards past its
    /// pot. The programme's funder, or admins.
    async fn award_grant(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The change, with every field described on its type.")]
        input: AwardGrantInput,
    ) -> async_graphql::Result<GrantAwardPayload> {
        let mut ids = Ids::default();
        let round_id = ids.key(&input.round_id, "GrantRound", &["roundId"]);
        let recipient_id = ids.key(&input.recipient_id, "Organisation", &["recipientId"]);
        let partner_id = ids.optional(input.partner_id.as_ref(), "Organisation", &["partnerId"]);
        let new = match ids.finish(NewAward {
            round_id,
            recipient_id,
            partner_id,
            project_name: input.project_name,
            description: input.description,
            amount: input.amount.0,
            awarded_on: input.awarded_on.map(|d| d.0),
        }) {
            Ok(new) => new,
            Err(rejections) => return refuse(rejections),
        };
        let db = database(ctx)?;
        let result = as_writer!(ctx, |actor| award_grant(db, actor, new));
        settle(result, |row| GrantAwardPayload::done(GrantAward::from(row)))
    }
}
