//! `spendSummary`: its filter, group keys, measures and groups.

use async_graphql::{Context, Enum, InputObject, Object, SimpleObject};
use entity::spend_line;
use sea_orm::Condition;

use super::{count, qualifier};
use crate::domain::aggregates::sum_bound;
use crate::error::{AppError, AppResult};
use crate::graphql::filter::{
    combine, FinancialYearFilter, IdFilter, MoneyFilter, Nested, QualifierFilter,
};
use crate::graphql::loaders::cached;
use crate::graphql::nodes::{Area, FundingStream, Organisation, Service, Theme};
use crate::graphql::relations::load_one;
use crate::graphql::scalars::{FinancialYearScalar, Money, Qualifier};
use crate::graphql::spend::{Quarter, QuarterFilter};
use crate::store::aggregates::spend::{
    related_to, related_to_none, spend_groups, spend_totals, SpendDim, SpendFilter, SpendRelation,
};
use crate::store::aggregates::{GroupKey, Measures, Wanted};

/// Which spend lines a summary covers. Fields combine with AND; `and`, `or`
/// and `not` nest at most four levels. A line reaches its service,
/// districts, themes and provider through its contract when it has one,
/// else through the service it records.
#[derive(InputObject, Default)]
pub struct SpendSummaryFilter {
    /// All of these filters.
    pub and: Option<Vec<SpendSummaryFilter>>,
    /// Any of these filters.
    pub or: Option<Vec<SpendSummaryFilter>>,
    /// Not this filter.
    pub not: Option<Box<SpendSummaryFilter>>,
    /// The line's financial year.
    pub financial_year: Option<FinancialYearFilter>,
    /// The line's quarter (lines with only a year match no quarter).
    pub quarter: Option<QuarterFilter>,
    /// The funding stream (`FundingStream` ids).
    pub funding_stream: Option<IdFilter>,
    /// The service: the contract's, else the line's own (`Service` ids).
    pub service: Option<IdFilter>,
    /// The contract (`Contract` ids).
    pub contract: Option<IdFilter>,
    /// The contract's provider (`Organisation` ids); `isNull: true` is spend
    /// with no contract.
    pub provider: Option<IdFilter>,
    /// An organisation the line is attributed to by cost share
    /// (`Organisation` ids); `isNull` true selects unattributed spend (no
    /// contract). It selects whole lines, so totals count their whole
    /// amounts; group by `COMMISSIONER` for each payer's part.
    pub commissioner: Option<IdFilter>,
    /// An area of the line's service (`Area` ids, matched exactly: a
    /// county does not match its districts' services).
    pub district: Option<IdFilter>,
    /// A theme of the line's service (`Theme` ids).
    pub theme: Option<IdFilter>,
    /// The line's whole amount.
    pub amount: Option<MoneyFilter>,
    /// How exactly the line's amount is known.
    pub qualifier: Option<QualifierFilter>,
}

fn quarter_number(q: Quarter) -> i32 {
    match q {
        Quarter::Q1 => 1,
        Quarter::Q2 => 2,
        Quarter::Q3 => 3,
        Quarter::Q4 => 4,
    }
}

/// The stored form of a qualifier.
pub(super) fn stored_qualifier(q: Qualifier) -> entity::enums::Qualifier {
    q.into()
}

/// A filter on a relation reached through a subquery: its ids, then `isNull`.
pub(super) fn through(
    filter: &IdFilter,
    field: &str,
    type_name: &str,
    related: impl Fn(&[i64]) -> Condition,
    none: impl Fn() -> Condition,
) -> AppResult<Condition> {
    let mut condition = Condition::all();
    if let Some(ids) = filter.ids(field, type_name)? {
        condition = condition.add(related(&ids));
    }
    match filter.is_null {
        Some(true) => condition = condition.add(none()),
        Some(false) => condition = condition.add(none().not()),
        None => {}
    }
    Ok(condition)
}

impl Nested for SpendSummaryFilter {
    fn nested(&self) -> (Option<&[Self]>, Option<&[Self]>, Option<&Self>) {
        (self.and.as_deref(), self.or.as_deref(), self.not.as_deref())
    }
}

impl SpendSummaryFilter {
    /// Whether the spend rollups can answer this filter: it names only the
    /// financial year, the quarter and the funding stream, at any depth.
    pub fn rollups_answer(&self) -> bool {
        self.throughout(&|f: &Self| {
            f.service.is_none()
                && f.contract.is_none()
                && f.provider.is_none()
                && f.commissioner.is_none()
                && f.district.is_none()
                && f.theme.is_none()
                && f.amount.is_none()
                && f.qualifier.is_none()
        })
    }

    /// The same condition on `spend_rollups`, for a filter they answer.
    fn rollup_condition(&self, depth: usize, field: &str) -> AppResult<Condition> {
        use entity::spend_rollup::Column as R;
        if !self.rollups_answer() {
            return Err(AppError::internal(
                "a spend filter the rollups do not answer",
            ));
        }
        let f = |name: &str| format!("{field}.{name}");
        let mut own = Condition::all();
        if let Some(x) = &self.financial_year {
            own = own.add(x.condition(R::FinancialYear, &f("financialYear"))?);
        }
        if let Some(x) = &self.quarter {
            own = own.add(x.condition(R::Quarter, &f("quarter"), quarter_number)?);
        }
        if let Some(x) = &self.funding_stream {
            own = own.add(x.condition(R::FundingStreamId, &f("fundingStream"), "FundingStream")?);
        }
        combine(
            own,
            self.and.as_deref(),
            self.or.as_deref(),
            self.not.as_deref(),
            depth,
            field,
            |part, depth, field| part.rollup_condition(depth, field),
        )
    }

    /// The filter for the store: on the lines, and on the rollups when they
    /// can answer it.
    pub fn spend_filter(&self) -> AppResult<SpendFilter> {
        Ok(SpendFilter {
            lines: self.condition(0, "filter")?,
            rollups: if self.rollups_answer() {
                Some(self.rollup_condition(0, "filter")?)
            } else {
                None
            },
        })
    }

    /// The SQL condition on `spend_lines`; `field` is its input path for errors.
    pub fn condition(&self, depth: usize, field: &str) -> AppResult<Condition> {
        use spend_line::Column as C;
        let f = |name: &str| format!("{field}.{name}");
        let rel = |filter: &IdFilter, name: &str, type_name: &str, relation: SpendRelation| {
            through(
                filter,
                &f(name),
                type_name,
                |ids| related_to(relation, ids),
                || related_to_none(relation),
            )
        };
        let mut own = Condition::all();
        if let Some(x) = &self.financial_year {
            own = own.add(x.condition(C::FinancialYear, &f("financialYear"))?);
        }
        if let Some(x) = &self.quarter {
            own = own.add(x.condition(C::Quarter, &f("quarter"), quarter_number)?);
        }
        if let Some(x) = &self.funding_stream {
            own = own.add(x.condition(C::FundingStreamId, &f("fundingStream"), "FundingStream")?);
        }
        if let Some(x) = &self.service {
            own = own.add(rel(x, "service", "Service", SpendRelation::Service)?);
        }
        if let Some(x) = &self.contract {
            own = own.add(x.condition(C::ContractId, &f("contract"), "Contract")?);
        }
        if let Some(x) = &self.provider {
            own = own.add(rel(x, "provider", "Organisation", SpendRelation::Provider)?);
        }
        if let Some(x) = &self.commissioner {
            own = own.add(rel(
                x,
                "commissioner",
                "Organisation",
                SpendRelation::Commissioner,
            )?);
        }
        if let Some(x) = &self.district {
            own = own.add(rel(x, "district", "Area", SpendRelation::District)?);
        }
        if let Some(x) = &self.theme {
            own = own.add(rel(x, "theme", "Theme", SpendRelation::Theme)?);
        }
        if let Some(x) = &self.amount {
            own = own.add(x.condition(C::AmountPence, &f("amount"))?);
        }
        if let Some(x) = &self.qualifier {
            own = own.add(x.condition(C::Qualifier, &f("qualifier"), stored_qualifier)?);
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

/// What spend can be grouped by. Whether groups add up to `totals` depends
/// on the key: see each value.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpendGroupBy {
    /// The financial year of the line. Additive.
    FinancialYear,
    /// The quarter of the line; lines recorded for a whole year form the
    /// group whose `quarter` is null. Additive.
    Quarter,
    /// The funding stream spent from. Additive.
    FundingStream,
    /// Each area (district, or county or region for services recorded at
    /// that level) of the line's service. NOT additive, since a line whose
    /// service covers several areas is counted in full in each; lines with
    /// no area form the group whose `district` is null.
    District,
    /// The provider of the line's contract; lines with no contract form the
    /// group whose `provider` is null. Additive.
    Provider,
    /// Each organisation paying for the line under its contract's cost
    /// shares, with only its part of the line (split penny-exact by largest
    /// remainder, the rule of the cost-share liabilities). A contract with
    /// no recorded split is borne wholly by its lead commissioner. Lines
    /// with no contract are unattributed, forming the group whose `commissioner`
    /// is null, with their whole amounts. Additive, as nothing is double counted.
    Commissioner,
    /// The line's service: its contract's service, else its own. Additive.
    Service,
    /// Each theme of the line's service. NOT additive: a line whose service
    /// has several themes is counted in full in each; lines with no theme
    /// form the group whose `theme` is null.
    Theme,
}

impl From<SpendGroupBy> for SpendDim {
    fn from(g: SpendGroupBy) -> Self {
        match g {
            SpendGroupBy::FinancialYear => SpendDim::FinancialYear,
            SpendGroupBy::Quarter => SpendDim::Quarter,
            SpendGroupBy::FundingStream => SpendDim::FundingStream,
            SpendGroupBy::District => SpendDim::District,
            SpendGroupBy::Provider => SpendDim::Provider,
            SpendGroupBy::Commissioner => SpendDim::Commissioner,
            SpendGroupBy::Service => SpendDim::Service,
            SpendGroupBy::Theme => SpendDim::Theme,
        }
    }
}

/// The measures of a set of spend lines.
#[derive(SimpleObject, Clone, Debug)]
pub struct SpendMeasures {
    /// The total amount (in a `COMMISSIONER` group, the parts attributed to
    /// that organisation); 0.00 when no line matches. Additive across
    /// groups, except groups by `DISTRICT` or `THEME` (see
    /// `groupsAreAdditive`).
    pub sum: Money,
    /// How exactly `sum` is known: `EXACT` when every line is exact;
    /// `AT_LEAST` or `AT_MOST` when the inexact lines are all bounds that
    /// way; otherwise `APPROXIMATE`.
    pub qualifier: Qualifier,
    /// How many spend lines contributed (each once). Additive across groups
    /// except by `DISTRICT`, `THEME` or `COMMISSIONER` (a line shared by two
    /// commissioners counts in both groups, its amount split between them).
    pub count: i32,
    /// The smallest amount (part, in a `COMMISSIONER` group) among them;
    /// null when none. Not additive.
    pub min: Option<Money>,
    /// The largest amount (part, in a `COMMISSIONER` group) among them;
    /// null when none. Not additive.
    pub max: Option<Money>,
    /// The source's wording of the amount ("just under") when exactly one
    /// line contributed; null otherwise.
    pub wording: Option<String>,
}

impl From<Measures> for SpendMeasures {
    fn from(m: Measures) -> Self {
        SpendMeasures {
            sum: Money::from_pence(m.sum),
            qualifier: qualifier(sum_bound(m.bounds)),
            count: count(m.count),
            min: m.min.map(Money::from_pence),
            max: m.max.map(Money::from_pence),
            wording: m.wording,
        }
    }
}

/// What the lines of a spend group share. Only the keys grouped by are set;
/// a key grouped by is null for the lines that have nothing there (see
/// `SpendGroupBy`).
pub struct SpendGroupKey(pub GroupKey);

/// What the lines of a spend group share. Only the keys grouped by are set;
/// a key grouped by is null for the lines that have nothing there (see
/// `SpendGroupBy`).
#[Object]
impl SpendGroupKey {
    /// The financial year (`FINANCIAL_YEAR`).
    async fn financial_year(&self) -> Option<FinancialYearScalar> {
        FinancialYearScalar::from_start_year(i32::try_from(self.0.financial_year?).ok()?)
    }
    /// The quarter (`QUARTER`).
    async fn quarter(&self) -> Option<Quarter> {
        Quarter::from_number(i32::try_from(self.0.quarter?).ok()?)
    }
    /// The funding stream (`FUNDING_STREAM`).
    async fn funding_stream(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<FundingStream>> {
        let Some(id) = self.0.funding_stream else {
            return Ok(None);
        };
        Ok(load_one(ctx, |l| &l.funding_streams, id)
            .await?
            .map(FundingStream))
    }
    /// The area (`DISTRICT`).
    async fn district(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Area>> {
        let Some(id) = self.0.district else {
            return Ok(None);
        };
        Ok(load_one(ctx, |l| &l.areas, id).await?.map(Area))
    }
    /// The provider (`PROVIDER`).
    async fn provider(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organisation>> {
        organisation(ctx, self.0.provider).await
    }
    /// The paying organisation (`COMMISSIONER`).
    async fn commissioner(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organisation>> {
        organisation(ctx, self.0.commissioner).await
    }
    /// The service (`SERVICE`).
    async fn service(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Service>> {
        let Some(id) = self.0.service else {
            return Ok(None);
        };
        Ok(load_one(ctx, |l| &l.services, id).await?.map(Service))
    }
    /// The theme (`THEME`).
    async fn theme(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Theme>> {
        let Some(id) = self.0.theme else {
            return Ok(None);
        };
        Ok(load_one(ctx, |l| &l.themes, id).await?.map(Theme))
    }
}

async fn organisation(
    ctx: &Context<'_>,
    id: Option<i64>,
) -> async_graphql::Result<Option<Organisation>> {
    let Some(id) = id else {
        return Ok(None);
    };
    Ok(load_one(ctx, |l| &l.organisations, id)
        .await?
        .map(Organisation))
}

/// One group of spend lines: its key and its measures.
#[derive(SimpleObject)]
pub struct SpendGroup {
    /// What the lines of the group share.
    pub key: SpendGroupKey,
    /// The group's measures.
    #[graphql(flatten)]
    pub measures: SpendMeasures,
}

/// Spend in total and by group.
pub struct SpendSummary {
    filter: SpendFilter,
    group_by: Vec<SpendGroupBy>,
}

impl SpendSummary {
    /// A summary of the lines matching `filter`; the filter is checked now,
    /// the queries run only for the fields asked for.
    pub fn new(filter: Option<SpendSummaryFilter>, group_by: Vec<SpendGroupBy>) -> AppResult<Self> {
        let filter = match &filter {
            Some(filter) => filter.spend_filter()?,
            None => SpendFilter {
                lines: Condition::all(),
                rollups: Some(Condition::all()),
            },
        };
        if group_by.len() > 8 {
            return Err(AppError::bad_input(
                "GROUP_BY_TOO_LONG",
                "groupBy: at most 8 keys",
            ));
        }
        Ok(SpendSummary { filter, group_by })
    }
}

/// Spend in total and by group.
#[Object]
impl SpendSummary {
    /// The keys grouped by, in order, without repeats.
    async fn group_by(&self) -> Vec<SpendGroupBy> {
        let mut unique = Vec::new();
        for g in &self.group_by {
            if !unique.contains(g) {
                unique.push(*g);
            }
        }
        unique
    }
    /// True when the groups' sums add up exactly to `totals`: always,
    /// unless grouped by `DISTRICT` or `THEME` (which count a line in full
    /// in every area or theme of its service). Counts add up too, except
    /// by `COMMISSIONER`, where a shared line counts once per payer.
    async fn groups_are_additive(&self) -> bool {
        !self
            .group_by
            .iter()
            .any(|g| matches!(g, SpendGroupBy::District | SpendGroupBy::Theme))
    }
    /// Every matching line counted once, whatever the grouping. Additive
    /// across disjoint filters.
    async fn totals(&self, ctx: &Context<'_>) -> async_graphql::Result<SpendMeasures> {
        let wanted = wanted(&ctx.look_ahead());
        let filter = self.filter.clone();
        let key = format!("spend.totals {:?} {wanted:?}", filter.lines);
        let totals = cached(ctx, key, move |db| async move {
            spend_totals(&db, filter, wanted).await
        })
        .await?;
        Ok(Measures::clone(&totals).into())
    }
    /// One group per distinct key, sorted by the keys in `groupBy` order
    /// (years and ids ascending, null last); empty when not grouped.
    async fn groups(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<SpendGroup>> {
        let wanted = wanted(&ctx.look_ahead());
        let dims: Vec<SpendDim> = self.group_by.iter().map(|&g| g.into()).collect();
        let filter = self.filter.clone();
        let key = format!("spend.groups {:?} {dims:?} {wanted:?}", filter.lines);
        let groups = cached(ctx, key, move |db| async move {
            spend_groups(&db, filter, &dims, wanted).await
        })
        .await?;
        Ok(groups
            .iter()
            .map(|g| SpendGroup {
                key: SpendGroupKey(g.key.clone()),
                measures: g.measures.clone().into(),
            })
            .collect())
    }
}

/// The measures a selection of `SpendMeasures` fields asks for.
fn wanted(selection: &async_graphql::Lookahead<'_>) -> Wanted {
    let has = |name: &str| selection.field(name).exists();
    Wanted {
        sum: has("sum"),
        count: has("count"),
        min: has("min"),
        max: has("max"),
        bounds: has("qualifier"),
        wording: has("wording"),
        additive: false,
    }
}
