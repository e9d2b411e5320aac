//! Listing grant programmes, rounds and awards: the filters, the orderings and the queries.

use async_graphql::{Context, Enum, InputObject, Object};
use entity::grant_round_theme;
use entity::{grant_award, grant_award_area, grant_award_theme, grant_programme, grant_round};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, Condition, IntoSimpleExpr};

use super::{GrantAward, GrantProgramme, GrantRound};
use crate::error::AppResult;
use crate::graphql::filter::{
    combine, search, DateFilter, IdFilter, IntFilter, MoneyFilter, OrderDirection, StringFilter,
};
use crate::graphql::pagination::{keyset_page, KeyValue, Page, PageRequest, SortKey};
use crate::graphql::services::list::linked;

/// Which grant programmes to list. Fields combine with AND; `and`, `or` and
/// `not` nest at most four levels.
#[derive(InputObject, Default)]
pub struct GrantProgrammeFilter {
    /// All of these filters.
    pub and: Option<Vec<GrantProgrammeFilter>>,
    /// Any of these filters.
    pub or: Option<Vec<GrantProgrammeFilter>>,
    /// Not this filter.
    pub not: Option<Box<GrantProgrammeFilter>>,
    /// A case-insensitive search (2 to 50 characters) in the name.
    pub search: Option<String>,
    /// The name.
    pub name: Option<StringFilter>,
    /// The organisation funding it (`Organisation` ids).
    pub funder: Option<IdFilter>,
    /// The funding stream it draws on (`FundingStream` ids).
    pub funding_stream: Option<IdFilter>,
}

impl GrantProgrammeFilter {
    /// The SQL condition of this filter; `field` is its input path for errors.
    pub fn condition(&self, depth: usize, field: &str) -> AppResult<Condition> {
        use grant_programme::Column as C;
        let f = |name: &str| format!("{field}.{name}");
        let mut own = Condition::all();
        if let Some(term) = &self.search {
            own = own.add(search(term, &f("search"), &[C::Name.into_simple_expr()])?);
        }
        if let Some(x) = &self.name {
            own = own.add(x.condition(C::Name, &f("name"))?);
        }
        if let Some(x) = &self.funder {
            own = own.add(x.condition(C::FunderId, &f("funder"), "Organisation")?);
        }
        if let Some(x) = &self.funding_stream {
            own = own.add(x.condition(C::FundingStreamId, &f("fundingStream"), "FundingStream")?);
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

/// What grant programmes can be sorted by.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum GrantProgrammeOrderField {
    /// The id (creation order).
    Id,
    /// The name.
    Name,
}

/// One key of a grant programme ordering.
#[derive(InputObject, Clone, Copy)]
pub struct GrantProgrammeOrder {
    /// The field to sort by.
    pub field: GrantProgrammeOrderField,
    /// The direction (default ascending).
    #[graphql(default)]
    pub direction: OrderDirection,
}

fn programme_key(field: GrantProgrammeOrderField) -> SortKey<grant_programme::Entity> {
    use grant_programme::Column as C;
    match field {
        GrantProgrammeOrderField::Id => SortKey {
            column: C::Id,
            name: "ID",
            value: |r| KeyValue::I(r.id),
        },
        GrantProgrammeOrderField::Name => SortKey {
            column: C::Name,
            name: "NAME",
            value: |r| KeyValue::S(r.name.clone()),
        },
    }
}

/// Which grant rounds to list. Fields combine with AND; `and`, `or` and `not`
/// nest at most four levels.
#[derive(InputObject, Default)]
pub struct GrantRoundFilter {
    /// All of these filters.
    pub and: Option<Vec<GrantRoundFilter>>,
    /// Any of these filters.
    pub or: Option<Vec<GrantRoundFilter>>,
    /// Not this filter.
    pub not: Option<Box<GrantRoundFilter>>,
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

impl GrantRoundFilter {
    /// The SQL condition of this filter; `field` is its input path for errors.
    pub fn condition(&self, depth: usize, field: &str) -> AppResult<Condition> {
        use grant_round::Column as C;
        let f = |name: &str| format!("{field}.{name}");
        let mut own = Condition::all();
        if let Some(term) = &self.search {
            own = own.add(search(term, &f("search"), &[C::Name.into_simple_expr()])?);
        }
        if let Some(x) = &self.programme {
            own = own.add(x.condition(C::ProgrammeId, &f("programme"), "GrantProgramme")?);
        }
        if let Some(x) = &self.number {
            own = own.add(x.condition(C::Number, &f("number"))?);
        }
        if let Some(x) = &self.pot {
            own = own.add(x.condition(C::PotPence, &f("pot"))?);
        }
        if let Some(x) = &self.opens_on {
            own = own.add(x.condition(C::OpensOn, &f("opensOn"))?);
        }
        if let Some(x) = &self.closes_on {
            own = own.add(x.condition(C::ClosesOn, &f("closesOn"))?);
        }
        if let Some(x) = &self.awarded_on {
            own = own.add(x.condition(C::AwardedOn, &f("awardedOn"))?);
        }
        if let Some(x) = &self.applications_received {
            own = own.add(x.condition(C::ApplicationsReceived, &f("applicationsReceived"))?);
        }
        if let Some(x) = &self.amount_requested {
            own = own.add(x.condition(C::AmountRequestedPence, &f("amountRequested"))?);
        }
        if let Some(x) = &self.reported_awards_count {
            own = own.add(x.condition(C::ReportedAwardsCount, &f("reportedAwardsCount"))?);
        }
        if let Some(x) = &self.reported_awarded_total {
            own = own.add(x.condition(C::ReportedAwardedPence, &f("reportedAwardedTotal"))?);
        }
        if let Some(x) = &self.theme {
            use grant_round_theme::Column as L;
            own = own.add(linked::<grant_round_theme::Entity>(
                x,
                &f("theme"),
                "Theme",
                C::Id,
                L::RoundId,
                L::ThemeId,
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

/// One key of a grant round ordering.
#[derive(InputObject, Clone, Copy)]
pub struct GrantRoundOrder {
    /// The field to sort by.
    pub field: GrantRoundOrderField,
    /// The direction (default ascending).
    #[graphql(default)]
    pub direction: OrderDirection,
}

fn round_key(field: GrantRoundOrderField) -> SortKey<grant_round::Entity> {
    use grant_round::Column as C;
    match field {
        GrantRoundOrderField::Id => SortKey {
            column: C::Id,
            name: "ID",
            value: |r| KeyValue::I(r.id),
        },
        GrantRoundOrderField::Number => SortKey {
            column: C::Number,
            name: "NUMBER",
            value: |r| KeyValue::I(r.number.into()),
        },
        GrantRoundOrderField::Name => SortKey {
            column: C::Name,
            name: "NAME",
            value: |r| KeyValue::S(r.name.clone()),
        },
    }
}

/// Which grant awards to list. Fields combine with AND; `and`, `or` and `not`
/// nest at most four levels.
#[derive(InputObject, Default)]
pub struct GrantAwardFilter {
    /// All of these filters.
    pub and: Option<Vec<GrantAwardFilter>>,
    /// Any of these filters.
    pub or: Option<Vec<GrantAwardFilter>>,
    /// Not this filter.
    pub not: Option<Box<GrantAwardFilter>>,
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

impl GrantAwardFilter {
    /// The SQL condition of this filter; `field` is its input path for errors.
    pub fn condition(&self, depth: usize, field: &str) -> AppResult<Condition> {
        use grant_award::Column as C;
        let f = |name: &str| format!("{field}.{name}");
        let mut own = Condition::all();
        if let Some(term) = &self.search {
            own = own.add(search(
                term,
                &f("search"),
                &[C::ProjectName.into_simple_expr()],
            )?);
        }
        if let Some(x) = &self.round {
            own = own.add(x.condition(C::RoundId, &f("round"), "GrantRound")?);
        }
        if let Some(x) = &self.programme {
            if let Some(ids) = x.ids(&f("programme"), "GrantProgramme")? {
                // The unique (programme_id, number) index backs this subquery.
                let rounds = Query::select()
                    .column(grant_round::Column::Id)
                    .from(grant_round::Entity)
                    .and_where(grant_round::Column::ProgrammeId.is_in(ids))
                    .to_owned();
                own = own.add(C::RoundId.in_subquery(rounds));
            }
        }
        if let Some(x) = &self.recipient {
            own = own.add(x.condition(C::RecipientId, &f("recipient"), "Organisation")?);
        }
        if let Some(x) = &self.partner {
            own = own.add(x.condition(C::PartnerId, &f("partner"), "Organisation")?);
        }
        if let Some(x) = &self.amount {
            own = own.add(x.condition(C::AmountPence, &f("amount"))?);
        }
        if let Some(x) = &self.awarded_on {
            own = own.add(x.condition(C::AwardedOn, &f("awardedOn"))?);
        }
        if let Some(x) = &self.area {
            use grant_award_area::Column as L;
            own = own.add(linked::<grant_award_area::Entity>(
                x,
                &f("area"),
                "Area",
                C::Id,
                L::AwardId,
                L::AreaId,
            )?);
        }
        if let Some(x) = &self.theme {
            use grant_award_theme::Column as L;
            own = own.add(linked::<grant_award_theme::Entity>(
                x,
                &f("theme"),
                "Theme",
                C::Id,
                L::AwardId,
                L::ThemeId,
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

/// One key of a grant award ordering.
#[derive(InputObject, Clone, Copy)]
pub struct GrantAwardOrder {
    /// The field to sort by.
    pub field: GrantAwardOrderField,
    /// The direction (default ascending).
    #[graphql(default)]
    pub direction: OrderDirection,
}

fn award_key(field: GrantAwardOrderField) -> SortKey<grant_award::Entity> {
    use grant_award::Column as C;
    match field {
        GrantAwardOrderField::Id => SortKey {
            column: C::Id,
            name: "ID",
            value: |r| KeyValue::I(r.id),
        },
        GrantAwardOrderField::ProjectName => SortKey {
            column: C::ProjectName,
            name: "PROJECT_NAME",
            value: |r| KeyValue::S(r.project_name.clone()),
        },
        GrantAwardOrderField::Amount => SortKey {
            column: C::AmountPence,
            name: "AMOUNT",
            value: |r| KeyValue::I(r.amount_pence),
        },
    }
}

/// The `grantProgrammes`, `grantRounds` and `grantAwards` lists.
#[derive(Default)]
pub struct GrantListQuery;

/// The `grantProgrammes`, `grantRounds` and `grantAwards` lists.
#[Object]
impl GrantListQuery {
    /// Grant programmes matching `filter`, sorted by `orderBy` (then by id, so
    /// pages never skip or repeat), a page at a time.
    async fn grant_programmes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which grant programmes.")] filter: Option<GrantProgrammeFilter>,
        #[graphql(desc = "Sort keys, in order; the id always ends the ordering.")] order_by: Option<
            Vec<GrantProgrammeOrder>,
        >,
        #[graphql(desc = "Page size, 1 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor.")] after: Option<String>,
    ) -> async_graphql::Result<Page<GrantProgramme>> {
        let condition = match &filter {
            Some(filter) => filter.condition(0, "filter")?,
            None => Condition::all(),
        };
        let order = order_by
            .unwrap_or_default()
            .into_iter()
            .map(|o| (programme_key(o.field), o.direction))
            .collect();
        let request = PageRequest {
            condition,
            order,
            first,
            after,
        };
        let id = programme_key(GrantProgrammeOrderField::Id);
        Ok(keyset_page(ctx, id, request, GrantProgramme).await?)
    }

    /// Grant rounds matching `filter`, sorted by `orderBy` (then by id), a
    /// page at a time.
    async fn grant_rounds(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which grant rounds.")] filter: Option<GrantRoundFilter>,
        #[graphql(desc = "Sort keys, in order; the id always ends the ordering.")] order_by: Option<
            Vec<GrantRoundOrder>,
        >,
        #[graphql(desc = "Page size, 1 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor.")] after: Option<String>,
    ) -> async_graphql::Result<Page<GrantRound>> {
        let condition = match &filter {
            Some(filter) => filter.condition(0, "filter")?,
            None => Condition::all(),
        };
        let order = order_by
            .unwrap_or_default()
            .into_iter()
            .map(|o| (round_key(o.field), o.direction))
            .collect();
        let request = PageRequest {
            condition,
            order,
            first,
            after,
        };
        let id = round_key(GrantRoundOrderField::Id);
        Ok(keyset_page(ctx, id, request, GrantRound).await?)
    }

    /// Grant awards matching `filter`, sorted by `orderBy` (then by id), a
    /// page at a time.
    async fn grant_awards(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which grant awards.")] filter: Option<GrantAwardFilter>,
        #[graphql(desc = "Sort keys, in order; the id always ends the ordering.")] order_by: Option<
            Vec<GrantAwardOrder>,
        >,
        #[graphql(desc = "Page size, 1 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor.")] after: Option<String>,
    ) -> async_graphql::Result<Page<GrantAward>> {
        let condition = match &filter {
            Some(filter) => filter.condition(0, "filter")?,
            None => Condition::all(),
        };
        let order = order_by
            .unwrap_or_default()
            .into_iter()
            .map(|o| (award_key(o.field), o.direction))
            .collect();
        let request = PageRequest {
            condition,
            order,
            first,
            after,
        };
        let id = award_key(GrantAwardOrderField::Id);
        Ok(keyset_page(ctx, id, request, GrantAward).await?)
    }
}
