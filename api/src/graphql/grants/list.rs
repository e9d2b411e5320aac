//! The `grantProgrammes`, `grantRounds` and `grantAwards` lists, declared for
//! the list engine ([`crate::graphql::listing`]): their filters, orderings and fields.

use async_graphql::Enum;
use entity::{grant_award, grant_award_area as aa, grant_award_theme as at};
use entity::{grant_programme, grant_round, grant_round_theme as rt};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, Condition};

use crate::error::AppResult;
use crate::graphql::filter::{
    Conditions, DateFilter, FilterInput, IdFilter, IntFilter, MoneyFilter, StringFilter,
};
use crate::graphql::nodes::{GrantAward, GrantProgramme, GrantRound};

crate::list_filter! {
    /// Which grant programmes to list. Fields combine with AND; `and`, `or` and
    /// `not` nest at most four levels.
    pub struct GrantProgrammeFilter {
        /// A case-insensitive search (2 to 50 characters) in the name.
        pub search: Option<String>,
        /// The name.
        pub name: Option<StringFilter>,
        /// The organisation funding it (`Organisation` ids).
        pub funder: Option<IdFilter>,
        /// The funding stream it draws on (`FundingStream` ids).
        pub funding_stream: Option<IdFilter>,
    }
}

impl FilterInput for GrantProgrammeFilter {
    fn own(&self, field: &str) -> AppResult<Condition> {
        use grant_programme::Column as C;
        Conditions::new(field)
            .search(&self.search, &[C::Name])?
            .column("name", &self.name, C::Name)?
            .id("funder", &self.funder, C::FunderId, "Organisation")?
            .id(
                "fundingStream",
                &self.funding_stream,
                C::FundingStreamId,
                "FundingStream",
            )?
            .done()
    }
}

/// What grant programmes can be sorted by.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum GrantProgrammeOrderField {
    /// The id (creation order).
    Id,
    /// The name.
    Name,
}

crate::list_order! {
    /// One key of a grant programme ordering.
    pub struct GrantProgrammeOrder(GrantProgrammeOrderField);
}

crate::listing! {
    GrantProgramme(grant_programme) {
        filter: GrantProgrammeFilter,
        order: GrantProgrammeOrder,
        sort: GrantProgrammeOrderField { Id => Id, Name => Name },
    }
}

crate::list_filter! {
    /// Which grant rounds to list. Fields combine with AND; `and`, `or` and `not`
    /// nest at most four levels.
    pub struct GrantRoundFilter {
        /// A case-insensitive search (2 to 50 characters) in the name.
        pub search: Option<String>,
        /// The programme (`GrantProgramme` ids).
        pub programme: Option<IdFilter>,
        /// The round's number within its programme.
        pub number: Option<IntFilter>,
        /// The money available to award (the reported figure).
        pub pot: Option<MoneyFilter>,
        /// The day it opened for applications.
        pub opens_on: Option<DateFilter>,
        /// The day it closed for applications.
        pub closes_on: Option<DateFilter>,
        /// The day its grants were awarded.
        pub awarded_on: Option<DateFilter>,
        /// How many applications it received (the reported figure).
        pub applications_received: Option<IntFilter>,
        /// The total amount the applications requested (the reported figure).
        pub amount_requested: Option<MoneyFilter>,
        /// The number of projects awarded, as reported in total.
        pub reported_awards_count: Option<IntFilter>,
        /// The total awarded, as reported in total.
        pub reported_awarded_total: Option<MoneyFilter>,
        /// A theme the round funds (`Theme` ids).
        pub theme: Option<IdFilter>,
    }
}

impl FilterInput for GrantRoundFilter {
    fn own(&self, field: &str) -> AppResult<Condition> {
        use grant_round::Column as C;
        Conditions::new(field)
            .search(&self.search, &[C::Name])?
            .id(
                "programme",
                &self.programme,
                C::ProgrammeId,
                "GrantProgramme",
            )?
            .column("number", &self.number, C::Number)?
            .column("pot", &self.pot, C::PotPence)?
            .column("opensOn", &self.opens_on, C::OpensOn)?
            .column("closesOn", &self.closes_on, C::ClosesOn)?
            .column("awardedOn", &self.awarded_on, C::AwardedOn)?
            .column(
                "applicationsReceived",
                &self.applications_received,
                C::ApplicationsReceived,
            )?
            .column(
                "amountRequested",
                &self.amount_requested,
                C::AmountRequestedPence,
            )?
            .column(
                "reportedAwardsCount",
                &self.reported_awards_count,
                C::ReportedAwardsCount,
            )?
            .column(
                "reportedAwardedTotal",
                &self.reported_awarded_total,
                C::ReportedAwardedPence,
            )?
            .with("theme", &self.theme, |x, f| {
                x.linked::<rt::Entity>(
                    f,
                    "Theme",
                    C::Id,
                    (rt::Column::RoundId, rt::Column::ThemeId),
                )
            })?
            .done()
    }
}

/// What grant rounds can be sorted by (the optional dates and figures cannot:
/// a keyset ordering needs values that are always set).
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum GrantRoundOrderField {
    /// The id (creation order).
    Id,
    /// The round's number within its programme.
    Number,
    /// The name.
    Name,
}

crate::list_order! {
    /// One key of a grant round ordering.
    pub struct GrantRoundOrder(GrantRoundOrderField);
}

crate::listing! {
    GrantRound(grant_round) {
        filter: GrantRoundFilter,
        order: GrantRoundOrder,
        sort: GrantRoundOrderField { Id => Id, Number => Number, Name => Name },
    }
}

crate::list_filter! {
    /// Which grant awards to list. Fields combine with AND; `and`, `or` and `not`
    /// nest at most four levels.
    pub struct GrantAwardFilter {
        /// A case-insensitive search (2 to 50 characters) in the project's name.
        pub search: Option<String>,
        /// The round it was awarded in (`GrantRound` ids).
        pub round: Option<IdFilter>,
        /// The programme of its round (`GrantProgramme` ids).
        pub programme: Option<IdFilter>,
        /// The organisation receiving it (`Organisation` ids).
        pub recipient: Option<IdFilter>,
        /// The partner delivering the project with the recipient (`Organisation` ids).
        pub partner: Option<IdFilter>,
        /// The amount awarded.
        pub amount: Option<MoneyFilter>,
        /// The day it was awarded.
        pub awarded_on: Option<DateFilter>,
        /// An area the project covers, as recorded (`Area` ids; an award across
        /// West Yorkshire is not listed under each district).
        pub area: Option<IdFilter>,
        /// A theme the project addresses (`Theme` ids).
        pub theme: Option<IdFilter>,
    }
}

/// Awards made in a round of one of the programmes `x` names.
fn in_programme(x: &IdFilter, field: &str) -> AppResult<Condition> {
    let mut condition = Condition::all();
    if let Some(ids) = x.ids(field, "GrantProgramme")? {
        // The unique (programme_id, number) index backs this subquery.
        let rounds = Query::select()
            .column(grant_round::Column::Id)
            .from(grant_round::Entity)
            .and_where(grant_round::Column::ProgrammeId.is_in(ids))
            .to_owned();
        condition = condition.add(grant_award::Column::RoundId.in_subquery(rounds));
    }
    Ok(condition)
}

impl FilterInput for GrantAwardFilter {
    fn own(&self, field: &str) -> AppResult<Condition> {
        use grant_award::Column as C;
        Conditions::new(field)
            .search(&self.search, &[C::ProjectName])?
            .id("round", &self.round, C::RoundId, "GrantRound")?
            .with("programme", &self.programme, in_programme)?
            .id("recipient", &self.recipient, C::RecipientId, "Organisation")?
            .id("partner", &self.partner, C::PartnerId, "Organisation")?
            .column("amount", &self.amount, C::AmountPence)?
            .column("awardedOn", &self.awarded_on, C::AwardedOn)?
            .with("area", &self.area, |x, f| {
                x.linked::<aa::Entity>(f, "Area", C::Id, (aa::Column::AwardId, aa::Column::AreaId))
            })?
            .with("theme", &self.theme, |x, f| {
                let link = (at::Column::AwardId, at::Column::ThemeId);
                x.linked::<at::Entity>(f, "Theme", C::Id, link)
            })?
            .done()
    }
}

/// What grant awards can be sorted by.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum GrantAwardOrderField {
    /// The id (the order recorded).
    Id,
    /// The project's name.
    ProjectName,
    /// The amount awarded.
    Amount,
}

crate::list_order! {
    /// One key of a grant award ordering.
    pub struct GrantAwardOrder(GrantAwardOrderField);
}

crate::listing! {
    GrantAward(grant_award) {
        filter: GrantAwardFilter,
        order: GrantAwardOrder,
        sort: GrantAwardOrderField {
            Id => Id,
            ProjectName => ProjectName,
            Amount => AmountPence,
        },
    }
}

crate::list_query! {
    /// The `grantProgrammes`, `grantRounds` and `grantAwards` lists.
    pub struct GrantListQuery;

    /// Grant programmes matching `filter`, sorted by `orderBy` (then by id, so
    /// pages never skip or repeat), a page at a time.
    fn grant_programmes -> GrantProgramme { which: "Which grant programmes." }

    /// Grant rounds matching `filter`, sorted by `orderBy` (then by id), a
    /// page at a time.
    fn grant_rounds -> GrantRound { which: "Which grant rounds." }

    /// Grant awards matching `filter`, sorted by `orderBy` (then by id), a
    /// page at a time.
    fn grant_awards -> GrantAward { which: "Which grant awards." }
}
