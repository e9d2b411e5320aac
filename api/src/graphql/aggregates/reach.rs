//! `reachSummary`: its filter, group keys, measures and groups.

use async_graphql::{Context, Enum, InputObject, Object, SimpleObject};
use entity::{indicator, observation};
use sea_orm::sea_query::{Expr, ExprTrait, SimpleExpr};
use sea_orm::Condition;

use super::spend::{stored_qualifier, through};
use super::{count, qualifier};
use crate::domain::aggregates::sum_bound;
use crate::error::{AppError, AppResult};
use crate::graphql::filter::{
    combine, DateFilter, FinancialYearFilter, IdFilter, Nested, QualifierFilter, StringFilter,
    MAX_IN_VALUES,
};
use crate::graphql::loaders::cached;
use crate::graphql::nodes::{Area, Indicator, Service, Theme};
use crate::graphql::reach::{AggregationFilter, IndicatorUnit, IndicatorUnitFilter};
use crate::graphql::relations::load_one;
use crate::graphql::scalars::{decimal_from_e4, DecimalScalar, FinancialYearScalar, Qualifier};
use crate::store::aggregates::reach::{
    reach_groups, reach_totals, related_in, related_to_none_in, ReachDim, ReachFilter,
    ReachRelation, ReachSource,
};
use crate::store::aggregates::{GroupKey, Measures, Wanted};

/// Which observations a summary covers. Fields combine with AND; `and`,
/// `or` and `not` nest at most four levels. An indicator's service is the
/// service it measures, or the service of the contract it measures.
#[derive(InputObject, Default)]
pub struct ReachSummaryFilter {
    /// All of these filters.
    pub and: Option<Vec<ReachSummaryFilter>>,
    /// Any of these filters.
    pub or: Option<Vec<ReachSummaryFilter>>,
    /// Not this filter.
    pub not: Option<Box<ReachSummaryFilter>>,
    /// The financial year the observation's period lies in; a period
    /// spanning two years matches no financial-year filter.
    pub financial_year: Option<FinancialYearFilter>,
    /// The period's last day.
    pub period_end: Option<DateFilter>,
    /// The indicator (`Indicator` ids).
    pub indicator: Option<IdFilter>,
    /// The indicator's code.
    pub indicator_code: Option<StringFilter>,
    /// The indicator's unit.
    pub unit: Option<IndicatorUnitFilter>,
    /// Whether the indicator is additive (`SUM`) or not (`LATEST`).
    pub aggregation: Option<AggregationFilter>,
    /// The indicator's service (`Service` ids).
    pub service: Option<IdFilter>,
    /// The contract the indicator measures (`Contract` ids).
    pub contract: Option<IdFilter>,
    /// The grant round the indicator measures (`GrantRound` ids).
    pub grant_round: Option<IdFilter>,
    /// The organisation the indicator measures (`Organisation` ids).
    pub organisation: Option<IdFilter>,
    /// An area of the indicator's service (`Area` ids, matched exactly).
    pub district: Option<IdFilter>,
    /// A theme of the indicator's service (`Theme` ids).
    pub theme: Option<IdFilter>,
    /// How exactly the value is known.
    pub qualifier: Option<QualifierFilter>,
}

/// A financial-year filter on the year of the observations of `source`.
fn year_condition(
    filter: &FinancialYearFilter,
    field: &str,
    source: ReachSource,
) -> AppResult<Condition> {
    let year = || Expr::expr(source.financial_year());
    let start = |y: &FinancialYearScalar| y.0.start_year();
    let list = |op: &str, l: &Vec<FinancialYearScalar>| -> AppResult<Vec<i32>> {
        if l.len() > MAX_IN_VALUES {
            return Err(AppError::bad_input(
                "FILTER_LIST_TOO_LONG",
                format!(
                    "{field}.{op}: at most {MAX_IN_VALUES} values, got {}",
                    l.len()
                ),
            ));
        }
        Ok(l.iter().map(start).collect())
    };
    let mut parts: Vec<SimpleExpr> = Vec::new();
    if let Some(y) = &filter.eq {
        parts.push(year().eq(start(y)));
    }
    if let Some(y) = &filter.ne {
        parts.push(year().ne(start(y)));
    }
    if let Some(l) = &filter.in_list {
        parts.push(year().is_in(list("in", l)?));
    }
    if let Some(l) = &filter.not_in {
        parts.push(year().is_not_in(list("notIn", l)?));
    }
    if let Some(y) = &filter.gt {
        parts.push(year().gt(start(y)));
    }
    if let Some(y) = &filter.gte {
        parts.push(year().gte(start(y)));
    }
    if let Some(y) = &filter.lt {
        parts.push(year().lt(start(y)));
    }
    if let Some(y) = &filter.lte {
        parts.push(year().lte(start(y)));
    }
    Ok(parts
        .into_iter()
        .fold(Condition::all(), |c, part| c.add(part)))
}

impl Nested for ReachSummaryFilter {
    fn nested(&self) -> (Option<&[Self]>, Option<&[Self]>, Option<&Self>) {
        (self.and.as_deref(), self.or.as_deref(), self.not.as_deref())
    }
}

impl ReachSummaryFilter {
    /// The SQL condition on observations joined to their indicators (and
    /// contracts); `field` is its input path for errors.
    pub fn condition(&self, depth: usize, field: &str) -> AppResult<Condition> {
        self.condition_in(ReachSource::Observations, depth, field)
    }

    /// Whether the reach rollups can answer this filter: it names only what
    /// they keep (financial year, unit, aggregation, and the service with
    /// its districts and themes), at any depth.
    pub fn rollups_answer(&self) -> bool {
        self.throughout(&|f: &Self| {
            f.period_end.is_none()
                && f.indicator.is_none()
                && f.indicator_code.is_none()
                && f.contract.is_none()
                && f.grant_round.is_none()
                && f.organisation.is_none()
                && f.qualifier.is_none()
        })
    }

    /// Whether the area rollups can answer this filter: it names only the
    /// financial year, the unit and the aggregation, at any depth.
    pub fn area_rollups_answer(&self) -> bool {
        self.rollups_answer()
            && self.throughout(&|f: &Self| {
                f.service.is_none() && f.district.is_none() && f.theme.is_none()
            })
    }

    /// The filter for the store: on the observations, and on each kind of
    /// rollup that can answer it.
    pub fn reach_filter(&self) -> AppResult<ReachFilter> {
        let on = |answers: bool, source: ReachSource| -> AppResult<Option<Condition>> {
            if answers {
                Ok(Some(self.condition_in(source, 0, "filter")?))
            } else {
                Ok(None)
            }
        };
        Ok(ReachFilter {
            observations: self.condition(0, "filter")?,
            rollups: on(self.rollups_answer(), ReachSource::Rollups)?,
            area_rollups: on(self.area_rollups_answer(), ReachSource::AreaRollups)?,
        })
    }

    /// The SQL condition on the rows of `source`; over the rollups, only a
    /// filter they answer (see [`ReachSummaryFilter::rollups_answer`]).
    fn condition_in(&self, source: ReachSource, depth: usize, field: &str) -> AppResult<Condition> {
        use entity::reach_area_rollup::Column as A;
        use entity::reach_rollup::Column as R;
        use indicator::Column as I;
        let f = |name: &str| format!("{field}.{name}");
        let rel = |filter: &IdFilter, name: &str, type_name: &str, relation: ReachRelation| {
            through(
                filter,
                &f(name),
                type_name,
                |ids| related_in(source, relation, ids),
                || related_to_none_in(source, relation),
            )
        };
        let answers = match source {
            ReachSource::Observations => true,
            ReachSource::Rollups => self.rollups_answer(),
            ReachSource::AreaRollups => self.area_rollups_answer(),
        };
        if !answers {
            return Err(AppError::internal(
                "a reach filter the rollups do not answer",
            ));
        }
        let mut own = Condition::all();
        if let Some(x) = &self.financial_year {
            own = own.add(year_condition(x, &f("financialYear"), source)?);
        }
        if let Some(x) = &self.period_end {
            own = own.add(x.condition(observation::Column::PeriodEnd, &f("periodEnd"))?);
        }
        if let Some(x) = &self.indicator {
            own = own.add(x.condition(I::Id, &f("indicator"), "Indicator")?);
        }
        if let Some(x) = &self.indicator_code {
            own = own.add(x.condition(I::Code, &f("indicatorCode"))?);
        }
        if let Some(x) = &self.unit {
            let unit = entity::enums::IndicatorUnit::from;
            own = own.add(match source {
                ReachSource::Observations => x.condition(I::Unit, &f("unit"), unit)?,
                ReachSource::Rollups => x.condition(R::Unit, &f("unit"), unit)?,
                ReachSource::AreaRollups => x.condition(A::Unit, &f("unit"), unit)?,
            });
        }
        if let Some(x) = &self.aggregation {
            let aggregation = entity::enums::Aggregation::from;
            own = own.add(match source {
                ReachSource::Observations => {
                    x.condition(I::Aggregation, &f("aggregation"), aggregation)?
                }
                ReachSource::Rollups => {
                    x.condition(R::Aggregation, &f("aggregation"), aggregation)?
                }
                ReachSource::AreaRollups => {
                    x.condition(A::Aggregation, &f("aggregation"), aggregation)?
                }
            });
        }
        if let Some(x) = &self.service {
            own = own.add(rel(x, "service", "Service", ReachRelation::Service)?);
        }
        if let Some(x) = &self.contract {
            own = own.add(x.condition(I::ContractId, &f("contract"), "Contract")?);
        }
        if let Some(x) = &self.grant_round {
            own = own.add(x.condition(I::RoundId, &f("grantRound"), "GrantRound")?);
        }
        if let Some(x) = &self.organisation {
            own = own.add(x.condition(I::OrganisationId, &f("organisation"), "Organisation")?);
        }
        if let Some(x) = &self.district {
            own = own.add(rel(x, "district", "Area", ReachRelation::District)?);
        }
        if let Some(x) = &self.theme {
            own = own.add(rel(x, "theme", "Theme", ReachRelation::Theme)?);
        }
        if let Some(x) = &self.qualifier {
            own = own.add(x.condition(
                observation::Column::Qualifier,
                &f("qualifier"),
                stored_qualifier,
            )?);
        }
        combine(
            own,
            self.and.as_deref(),
            self.or.as_deref(),
            self.not.as_deref(),
            depth,
            field,
            |part, depth, field| part.condition_in(source, depth, field),
        )
    }
}

/// What observations can be grouped by. Whether groups add up to `totals`
/// depends on the key: see each value.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReachGroupBy {
    /// The financial year the period lies in; periods spanning two years
    /// form the group whose `financialYear` is null. Additive.
    FinancialYear,
    /// The indicator. Additive.
    Indicator,
    /// The indicator's service; indicators about an organisation or a grant
    /// round form the group whose `service` is null. Additive.
    Service,
    /// Each area of the indicator's service. NOT additive: an observation
    /// of a service covering several areas is counted in full in each.
    District,
    /// Each theme of the indicator's service. NOT additive: an observation
    /// of a service with several themes is counted in full in each.
    Theme,
    /// The indicator's unit. Additive.
    Unit,
}

impl From<ReachGroupBy> for ReachDim {
    fn from(g: ReachGroupBy) -> Self {
        match g {
            ReachGroupBy::FinancialYear => ReachDim::FinancialYear,
            ReachGroupBy::Indicator => ReachDim::Indicator,
            ReachGroupBy::Service => ReachDim::Service,
            ReachGroupBy::District => ReachDim::District,
            ReachGroupBy::Theme => ReachDim::Theme,
            ReachGroupBy::Unit => ReachDim::Unit,
        }
    }
}

/// The measures of a set of observed values.
#[derive(SimpleObject, Clone, Debug)]
pub struct ReachMeasures {
    /// The sum of the values; "0" when none. Meaningful only when
    /// `additive` is true. Additive across groups, except groups by
    /// `DISTRICT` or `THEME` (see `groupsAreAdditive`).
    pub sum: DecimalScalar,
    /// How exactly `sum` is known: `EXACT` when every value is exact;
    /// `AT_LEAST` or `AT_MOST` when the inexact values are all bounds that
    /// way ("just over 30,000" is `AT_LEAST`); otherwise `APPROXIMATE`.
    pub qualifier: Qualifier,
    /// How many observations contributed (each once). Additive across
    /// groups, except groups by `DISTRICT` or `THEME`.
    pub count: i32,
    /// The smallest value among them; null when none. Not additive.
    pub min: Option<DecimalScalar>,
    /// The largest value among them; null when none. Not additive.
    pub max: Option<DecimalScalar>,
    /// True when `sum` means something: every value is of an additive
    /// indicator (aggregation `SUM`) and all share one unit.
    pub additive: bool,
    /// The source's wording of the value ("just over") when exactly one
    /// observation contributed; null otherwise.
    pub wording: Option<String>,
}

impl From<Measures> for ReachMeasures {
    fn from(m: Measures) -> Self {
        ReachMeasures {
            sum: decimal_from_e4(m.sum),
            qualifier: qualifier(sum_bound(m.bounds)),
            count: count(m.count),
            min: m.min.map(decimal_from_e4),
            max: m.max.map(decimal_from_e4),
            additive: m.not_additive == 0 && m.units <= 1,
            wording: m.wording,
        }
    }
}

/// What the observations of a group share. Only the keys grouped by are
/// set; a key grouped by is null for observations with nothing there.
pub struct ReachGroupKey(pub GroupKey);

/// What the observations of a group share. Only the keys grouped by are
/// set; a key grouped by is null for observations with nothing there.
#[Object]
impl ReachGroupKey {
    /// The financial year (`FINANCIAL_YEAR`).
    async fn financial_year(&self) -> Option<FinancialYearScalar> {
        FinancialYearScalar::from_start_year(i32::try_from(self.0.financial_year?).ok()?)
    }
    /// The indicator (`INDICATOR`).
    async fn indicator(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Indicator>> {
        let Some(id) = self.0.indicator else {
            return Ok(None);
        };
        Ok(load_one(ctx, |l| &l.indicators, id).await?.map(Indicator))
    }
    /// The service (`SERVICE`).
    async fn service(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Service>> {
        let Some(id) = self.0.service else {
            return Ok(None);
        };
        Ok(load_one(ctx, |l| &l.services, id).await?.map(Service))
    }
    /// The area (`DISTRICT`).
    async fn district(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Area>> {
        let Some(id) = self.0.district else {
            return Ok(None);
        };
        Ok(load_one(ctx, |l| &l.areas, id).await?.map(Area))
    }
    /// The theme (`THEME`).
    async fn theme(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Theme>> {
        let Some(id) = self.0.theme else {
            return Ok(None);
        };
        Ok(load_one(ctx, |l| &l.themes, id).await?.map(Theme))
    }
    /// The unit (`UNIT`).
    async fn unit(&self) -> Option<IndicatorUnit> {
        use sea_orm::ActiveEnum;
        let unit = self.0.unit.clone()?;
        let unit = entity::enums::IndicatorUnit::try_from_value(&unit).ok()?;
        Some(unit.into())
    }
}

/// One group of observations: its key and its measures.
#[derive(SimpleObject)]
pub struct ReachGroup {
    /// What the observations of the group share.
    pub key: ReachGroupKey,
    /// The group's measures.
    #[graphql(flatten)]
    pub measures: ReachMeasures,
}

/// Observed values in total and by group.
pub struct ReachSummary {
    filter: ReachFilter,
    group_by: Vec<ReachGroupBy>,
}

impl ReachSummary {
    /// A summary of the observations matching `filter`; the filter is
    /// checked now, the queries run only for the fields asked for.
    pub fn new(filter: Option<ReachSummaryFilter>, group_by: Vec<ReachGroupBy>) -> AppResult<Self> {
        let filter = match &filter {
            Some(filter) => filter.reach_filter()?,
            None => ReachFilter::all(),
        };
        if group_by.len() > 6 {
            return Err(AppError::bad_input(
                "GROUP_BY_TOO_LONG",
                "groupBy: at most 6 keys",
            ));
        }
        Ok(ReachSummary { filter, group_by })
    }
}

/// Observed values in total and by group.
#[Object]
impl ReachSummary {
    /// The keys grouped by, in order, without repeats.
    async fn group_by(&self) -> Vec<ReachGroupBy> {
        let mut unique = Vec::new();
        for g in &self.group_by {
            if !unique.contains(g) {
                unique.push(*g);
            }
        }
        unique
    }
    /// True when the groups' sums and counts add up exactly to `totals`:
    /// always, unless grouped by `DISTRICT` or `THEME`.
    async fn groups_are_additive(&self) -> bool {
        !self
            .group_by
            .iter()
            .any(|g| matches!(g, ReachGroupBy::District | ReachGroupBy::Theme))
    }
    /// Every matching observation counted once, whatever the grouping.
    async fn totals(&self, ctx: &Context<'_>) -> async_graphql::Result<ReachMeasures> {
        let wanted = wanted(&ctx.look_ahead());
        let filter = self.filter.clone();
        let key = format!("reach.totals {:?} {wanted:?}", filter.observations);
        let totals = cached(ctx, key, move |db| async move {
            reach_totals(&db, filter, wanted).await
        })
        .await?;
        Ok(Measures::clone(&totals).into())
    }
    /// One group per distinct key, sorted by the keys in `groupBy` order
    /// (years and ids ascending, units by name, null last); empty when not grouped.
    async fn groups(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ReachGroup>> {
        let wanted = wanted(&ctx.look_ahead());
        let dims: Vec<ReachDim> = self.group_by.iter().map(|&g| g.into()).collect();
        let filter = self.filter.clone();
        let key = format!("reach.groups {:?} {dims:?} {wanted:?}", filter.observations);
        let groups = cached(ctx, key, move |db| async move {
            reach_groups(&db, filter, &dims, wanted).await
        })
        .await?;
        Ok(groups
            .iter()
            .map(|g| ReachGroup {
                key: ReachGroupKey(g.key.clone()),
                measures: g.measures.clone().into(),
            })
            .collect())
    }
}

/// The measures a selection of `ReachMeasures` fields asks for.
fn wanted(selection: &async_graphql::Lookahead<'_>) -> Wanted {
    let has = |name: &str| selection.field(name).exists();
    Wanted {
        sum: has("sum"),
        count: has("count"),
        min: has("min"),
        max: has("max"),
        bounds: has("qualifier"),
        wording: has("wording"),
        additive: has("additive"),
    }
}

#[cfg(test)]
mod tests {
    use super::ReachSummaryFilter as F;
    use crate::graphql::filter::{FinancialYearFilter, IdFilter};

    #[test]
    fn rollups_answer_filters_on_what_they_keep_at_any_depth() {
        let year = || F {
            financial_year: Some(FinancialYearFilter::default()),
            ..F::default()
        };
        let district = || F {
            district: Some(IdFilter::default()),
            ..F::default()
        };
        let contract = || F {
            contract: Some(IdFilter::default()),
            ..F::default()
        };
        assert!(F::default().rollups_answer() && F::default().area_rollups_answer());
        assert!(year().rollups_answer() && year().area_rollups_answer());
        // The service rollups join the districts; the area rollups cannot
        // filter by one without counting a service in two areas twice.
        assert!(district().rollups_answer() && !district().area_rollups_answer());
        assert!(!contract().rollups_answer());
        let nested = F {
            or: Some(vec![
                year(),
                F {
                    not: Some(Box::new(contract())),
                    ..F::default()
                },
            ]),
            ..F::default()
        };
        assert!(!nested.rollups_answer(), "a contract deep inside");
        let in_and = F {
            and: Some(vec![year(), district()]),
            ..F::default()
        };
        assert!(in_and.rollups_answer(), "a district inside `and`");
        assert!(!in_and.area_rollups_answer(), "a district inside `and`");
    }
}
