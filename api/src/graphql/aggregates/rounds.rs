//! A grant round's summary: its pot against the awards recorded, demand
//! against the pot, and the awards by district and by theme.

use async_graphql::{Context, Object, SimpleObject};
use entity::grant_round;

use super::{bound, qualifier, Ratio};
use crate::domain::aggregates::{ratio, Bound};
use crate::error::AppResult;
use crate::graphql::loaders::{database, loaders};
use crate::graphql::nodes::{Area, Theme};
use crate::graphql::scalars::{Money, Qualifier, ReportedAmount, ReportedCount};
use crate::store::aggregates::rounds::{awards_by, round_awards, AwardDim, AwardGroup};

/// A grant round in figures. Totals come from the awards recorded for the
/// round; a report may list only some of its awards (see the round's
/// `reportedAwardsCount` and `reportedAwardedTotal`).
pub struct GrantRoundSummary {
    round: grant_round::Model,
    awarded: AwardGroup,
}

impl GrantRoundSummary {
    /// The summary of `round`, with its recorded awards totalled now (one query).
    pub async fn load(ctx: &Context<'_>, round: grant_round::Model) -> AppResult<Self> {
        let awarded = round_awards(database(ctx)?, round.id).await?;
        Ok(GrantRoundSummary { round, awarded })
    }

    fn pot_bound(&self) -> Bound {
        bound(self.round.pot_qualifier)
    }
}

/// The recorded awards of a round covering one area.
#[derive(SimpleObject)]
pub struct AwardsByDistrict {
    /// The area (a district, or a county for awards "across West
    /// Yorkshire"); null for awards with no area recorded.
    pub district: Option<Area>,
    /// The amounts awarded, each award in full.
    pub total: Money,
    /// How many awards.
    pub count: i32,
}

/// The recorded awards of a round addressing one theme.
#[derive(SimpleObject)]
pub struct AwardsByTheme {
    /// The theme; null for awards with no theme recorded.
    pub theme: Option<Theme>,
    /// The amounts awarded, each award in full.
    pub total: Money,
    /// How many awards.
    pub count: i32,
}

/// A grant round in figures. Totals come from the awards recorded for the
/// round; a report may list only some of its awards (see the round's
/// `reportedAwardsCount` and `reportedAwardedTotal`).
#[Object]
impl GrantRoundSummary {
    /// The money available to award, as reported; null when not reported.
    /// Additive across rounds.
    async fn pot(&self) -> Option<ReportedAmount> {
        let r = &self.round;
        ReportedAmount::from_columns(r.pot_pence, r.pot_qualifier, r.pot_wording.as_ref())
    }
    /// The sum of the awards recorded. Additive across rounds.
    async fn awarded_total(&self) -> Money {
        Money::from_pence(self.awarded.sum)
    }
    /// How many awards are recorded. Additive across rounds.
    async fn awards_count(&self) -> i32 {
        super::count(self.awarded.count)
    }
    /// The pot less the awards recorded (negative when overspent), as
    /// exactly as the pot is known (awards are exact); null without a pot.
    /// Additive across rounds.
    async fn remaining(&self) -> Option<ReportedAmount> {
        let pot = self.round.pot_pence?;
        Some(ReportedAmount {
            money: Money::from_pence(pot - self.awarded.sum),
            qualifier: qualifier(self.pot_bound()),
            wording: None,
        })
    }
    /// How many applications the round received, as reported. Additive
    /// across rounds.
    async fn applications_received(&self) -> Option<ReportedCount> {
        let r = &self.round;
        Some(ReportedCount {
            value: r.applications_received?,
            qualifier: r
                .applications_qualifier
                .map(Qualifier::from)
                .unwrap_or(Qualifier::Exact),
            wording: r.applications_wording.clone(),
        })
    }
    /// The total the applications requested, as reported. Additive across
    /// rounds.
    async fn amount_requested(&self) -> Option<ReportedAmount> {
        let r = &self.round;
        ReportedAmount::from_columns(
            r.amount_requested_pence,
            r.amount_requested_qualifier,
            r.amount_requested_wording.as_ref(),
        )
    }
    /// Amount requested ÷ pot: how many times over the round was bid for
    /// ("over £850,000" against £350k is about 2.43, `APPROXIMATE`); null
    /// without both figures or with a zero pot. Not additive.
    async fn oversubscription(&self) -> Option<Ratio> {
        let r = &self.round;
        ratio(
            i128::from(r.amount_requested_pence?),
            bound(r.amount_requested_qualifier),
            i128::from(r.pot_pence?),
            self.pot_bound(),
        )
        .map(Ratio::from)
    }
    /// Awards recorded ÷ applications received; null without a number of
    /// applications or when it is zero. Understated when the report lists
    /// only some awards. Not additive.
    async fn success_rate(&self) -> Option<Ratio> {
        let r = &self.round;
        ratio(
            i128::from(self.awarded.count),
            Bound::Exact,
            i128::from(r.applications_received?),
            bound(r.applications_qualifier),
        )
        .map(Ratio::from)
    }
    /// The awards by each area they cover, by area id (none last). NOT
    /// additive, since an award covering several areas counts in full in each.
    async fn awards_by_district(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<AwardsByDistrict>> {
        let groups = awards_by(database(ctx)?, self.round.id, AwardDim::Area).await?;
        let areas = loaders(ctx)?
            .areas
            .load_many(groups.iter().filter_map(|g| g.key))
            .await?;
        Ok(groups
            .into_iter()
            .map(|g| AwardsByDistrict {
                district: g.key.and_then(|id| areas.get(&id).cloned()).map(Area::from),
                total: Money::from_pence(g.sum),
                count: super::count(g.count),
            })
            .collect())
    }
    /// The awards by each theme they address, by theme id (none last). NOT
    /// additive, since an award with several themes counts in full in each.
    async fn awards_by_theme(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<AwardsByTheme>> {
        let groups = awards_by(database(ctx)?, self.round.id, AwardDim::Theme).await?;
        let themes = loaders(ctx)?
            .themes
            .load_many(groups.iter().filter_map(|g| g.key))
            .await?;
        Ok(groups
            .into_iter()
            .map(|g| AwardsByTheme {
                theme: g
                    .key
                    .and_then(|id| themes.get(&id).cloned())
                    .map(Theme::from),
                total: Money::from_pence(g.sum),
                count: super::count(g.count),
            })
            .collect())
    }
}
