//! A grant round's recorded awards: in total, by area and by theme.

use entity::{grant_award, grant_award_area, grant_award_theme};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, JoinType, Query, SimpleExpr};
use sea_orm::{ColumnTrait, ConnectionTrait, IntoSimpleExpr};

use super::bigint;
use crate::error::{AppError, AppResult};

/// Awards sharing one key (an area or a theme; `None` for awards with none recorded).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AwardGroup {
    /// The area or theme id.
    pub key: Option<i64>,
    /// The amounts awarded, in pence.
    pub sum: i64,
    /// How many awards.
    pub count: i64,
}

/// What awards can be grouped by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AwardDim {
    /// Each area an award covers (an award counts in full in each).
    Area,
    /// Each theme an award addresses (an award counts in full in each).
    Theme,
}

fn read(row: &sea_orm::QueryResult, grouped: bool) -> AppResult<AwardGroup> {
    let get = |alias: &str| -> AppResult<Option<i64>> {
        row.try_get("", alias)
            .map_err(|err| AppError::internal(format!("reading award column {alias}: {err}")))
    };
    Ok(AwardGroup {
        key: if grouped { get("k")? } else { None },
        sum: get("m_sum")?.unwrap_or(0),
        count: get("m_count")?.unwrap_or(0),
    })
}

/// The recorded awards of round `round_id`, in total (key `None`).
pub async fn round_awards(db: &impl ConnectionTrait, round_id: i64) -> AppResult<AwardGroup> {
    let query = Query::select()
        .expr_as(
            bigint(Func::sum(
                grant_award::Column::AmountPence.into_simple_expr(),
            )),
            Alias::new("m_sum"),
        )
        .expr_as(
            bigint(Func::count(grant_award::Column::Id.into_simple_expr())),
            Alias::new("m_count"),
        )
        .from(grant_award::Entity)
        .and_where(grant_award::Column::RoundId.eq(round_id))
        .to_owned();
    match db.query_one(&query).await? {
        Some(row) => read(&row, false),
        None => Ok(AwardGroup {
            key: None,
            sum: 0,
            count: 0,
        }),
    }
}

/// The recorded awards of round `round_id` grouped by `dim`, by key
/// ascending with awards that have none last. An award covering several
/// areas (or themes) is counted in full in each, so the groups need not add
/// up to the round's total.
pub async fn awards_by(
    db: &impl ConnectionTrait,
    round_id: i64,
    dim: AwardDim,
) -> AppResult<Vec<AwardGroup>> {
    let (key, join): (SimpleExpr, _) = match dim {
        AwardDim::Area => (
            grant_award_area::Column::AreaId.into_simple_expr(),
            (
                Alias::new("grant_award_areas"),
                Expr::col(grant_award_area::Column::AwardId.as_column_ref())
                    .equals(grant_award::Column::Id.as_column_ref()),
            ),
        ),
        AwardDim::Theme => (
            grant_award_theme::Column::ThemeId.into_simple_expr(),
            (
                Alias::new("grant_award_themes"),
                Expr::col(grant_award_theme::Column::AwardId.as_column_ref())
                    .equals(grant_award::Column::Id.as_column_ref()),
            ),
        ),
    };
    let query = Query::select()
        .expr_as(bigint(key.clone()), Alias::new("k"))
        .expr_as(
            bigint(Func::sum(
                grant_award::Column::AmountPence.into_simple_expr(),
            )),
            Alias::new("m_sum"),
        )
        .expr_as(
            bigint(Func::count_distinct(
                grant_award::Column::Id.into_simple_expr(),
            )),
            Alias::new("m_count"),
        )
        .from(grant_award::Entity)
        .join(JoinType::LeftJoin, join.0, join.1)
        .and_where(grant_award::Column::RoundId.eq(round_id))
        .add_group_by([key])
        .to_owned();
    let mut groups = db
        .query_all(&query)
        .await?
        .iter()
        .map(|row| read(row, true))
        .collect::<AppResult<Vec<_>>>()?;
    groups.sort_by_key(|g| (g.key.is_none(), g.key));
    Ok(groups)
}
