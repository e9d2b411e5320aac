//! The reach rollups: `reach_rollups` (by effective service, financial
//! year, unit and aggregation) and `reach_area_rollups` (those by each area
//! of the service, NULL for none), rebuilt per service.

use std::collections::BTreeSet;

use sea_orm::ConnectionTrait;

use super::{count_qualifier, execute, id_list, statement, Held, Rollup, CHUNK};
use crate::error::{AppError, AppResult};
use crate::store::aggregates::reach::observation_financial_year_sql;

/// The reach rollups' state, locked for one writing transaction.
#[must_use = "refresh the rollups after writing, or they stay stale"]
pub struct ReachRollups(Held);

impl ReachRollups {
    /// Locks the state; call it before writing observations (see [`Held::lock`]).
    pub async fn lock(txn: &impl ConnectionTrait) -> AppResult<Self> {
        Ok(ReachRollups(Held::lock(txn, Rollup::Reach).await?))
    }

    /// Rebuilds the rollups of the services of `indicators` (whose
    /// observations this transaction wrote), and marks them current again if
    /// they were before the transaction wrote.
    pub async fn refresh(self, txn: &impl ConnectionTrait, indicators: &[i64]) -> AppResult<()> {
        let services = services_of(txn, indicators).await?;
        self.refresh_services(txn, &services).await
    }

    /// Rebuilds the rollups of `services` (`None`: observations of no
    /// service), as [`ReachRollups::refresh`] does.
    pub async fn refresh_services(
        self,
        txn: &impl ConnectionTrait,
        services: &[Option<i64>],
    ) -> AppResult<()> {
        rebuild_services(txn, services).await?;
        rebuild_areas_of(txn, services).await?;
        self.0.release(txn).await
    }
}

/// Rebuilds the reach rollups from every observation and marks them current.
pub async fn rebuild_all(txn: &impl ConnectionTrait) -> AppResult<()> {
    // Locks the state first (PostgreSQL), so no writer slips in between.
    let _state = Held::lock(txn, Rollup::Reach).await?;
    for sql in [
        "DELETE FROM reach_rollups".to_owned(),
        "DELETE FROM reach_area_rollups".to_owned(),
        insert_rollups(""),
        insert_area_rollups(IN_AREAS, "service_areas.area_id"),
        insert_area_rollups(NO_AREA, NONE),
    ] {
        execute(txn, sql).await?;
    }
    super::set_current(txn, Rollup::Reach).await
}

/// The effective services of `indicators` (`None` for an indicator of no service).
async fn services_of(
    txn: &impl ConnectionTrait,
    indicators: &[i64],
) -> AppResult<Vec<Option<i64>>> {
    let mut services = BTreeSet::new();
    for chunk in indicators.chunks(CHUNK) {
        let rows = txn
            .query_all_raw(statement(
                txn,
                format!(
                    "SELECT DISTINCT COALESCE(indicators.service_id, contracts.service_id) AS service_id \
                     FROM indicators LEFT JOIN contracts ON contracts.id = indicators.contract_id \
                     WHERE indicators.id IN ({})",
                    id_list(chunk)
                ),
            ))
            .await?;
        for row in rows {
            services.insert(row.try_get::<Option<i64>>("", "service_id")?);
        }
    }
    Ok(services.into_iter().collect())
}

/// Deletes and recomputes the `reach_rollups` rows of `services`.
async fn rebuild_services(txn: &impl ConnectionTrait, services: &[Option<i64>]) -> AppResult<()> {
    let ids: Vec<i64> = services.iter().flatten().copied().collect();
    let mut chunks: Vec<Option<&[i64]>> = ids.chunks(CHUNK).map(Some).collect();
    if services.contains(&None) {
        chunks.push(None);
    }
    for chunk in chunks {
        let (rollups, indicators) = match chunk {
            None => (
                "service_id IS NULL".to_owned(),
                "indicators.service_id IS NULL AND indicators.contract_id IS NULL".to_owned(),
            ),
            Some(ids) => {
                let list = id_list(ids);
                (
                    format!("service_id IN ({list})"),
                    format!(
                        "indicators.service_id IN ({list}) \
                         OR (indicators.service_id IS NULL AND contracts.service_id IN ({list}))"
                    ),
                )
            }
        };
        execute(txn, format!("DELETE FROM reach_rollups WHERE {rollups}")).await?;
        let rows = txn
            .query_all_raw(statement(
                txn,
                format!(
                    "SELECT indicators.id AS id FROM indicators \
                     LEFT JOIN contracts ON contracts.id = indicators.contract_id \
                     WHERE {indicators}"
                ),
            ))
            .await?;
        let indicator_ids = rows
            .iter()
            .map(|row| row.try_get::<i64>("", "id"))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|err| AppError::internal(format!("reading indicator ids: {err}")))?;
        // Rows of one service may come from several chunks: rollups are read
        // by adding and taking minima, so split rows add up the same.
        for chunk in indicator_ids.chunks(CHUNK) {
            let only = format!("AND observations.indicator_id IN ({})", id_list(chunk));
            execute(txn, insert_rollups(&only)).await?;
        }
    }
    Ok(())
}

/// The area of the rows of no area.
const NONE: &str = "CAST(NULL AS BIGINT)";

/// The `reach_rollups` rows of each area of their service.
const IN_AREAS: &str = "JOIN service_areas ON service_areas.service_id = reach_rollups.service_id";

/// The `reach_rollups` rows of no area: of no service, or of a service with
/// no area.
const NO_AREA: &str = "WHERE reach_rollups.service_id IS NULL \
    OR reach_rollups.service_id NOT IN (SELECT service_id FROM service_areas)";

/// Deletes and recomputes the area rollups of the areas of `services` (and
/// the rows of no area, if one of them has none), from `reach_rollups`.
async fn rebuild_areas_of(txn: &impl ConnectionTrait, services: &[Option<i64>]) -> AppResult<()> {
    let ids: Vec<i64> = services.iter().flatten().copied().collect();
    let mut areas = BTreeSet::new();
    let mut with_area = BTreeSet::new();
    for chunk in ids.chunks(CHUNK) {
        let rows = txn
            .query_all_raw(statement(
                txn,
                format!(
                    "SELECT service_id, area_id FROM service_areas WHERE service_id IN ({})",
                    id_list(chunk)
                ),
            ))
            .await?;
        for row in rows {
            with_area.insert(row.try_get::<i64>("", "service_id")?);
            areas.insert(row.try_get::<i64>("", "area_id")?);
        }
    }
    let areas: Vec<i64> = areas.into_iter().collect();
    for chunk in areas.chunks(CHUNK) {
        let list = id_list(chunk);
        execute(
            txn,
            format!("DELETE FROM reach_area_rollups WHERE area_id IN ({list})"),
        )
        .await?;
        execute(
            txn,
            insert_area_rollups(
                &format!("{IN_AREAS} WHERE service_areas.area_id IN ({list})"),
                "service_areas.area_id",
            ),
        )
        .await?;
    }
    if services.contains(&None) || ids.iter().any(|id| !with_area.contains(id)) {
        execute(
            txn,
            "DELETE FROM reach_area_rollups WHERE area_id IS NULL".to_owned(),
        )
        .await?;
        execute(txn, insert_area_rollups(NO_AREA, NONE)).await?;
    }
    Ok(())
}

/// `INSERT INTO reach_rollups ... SELECT` of the observations with a value
/// that also match `and_where` (`AND ...`, or empty for all).
fn insert_rollups(and_where: &str) -> String {
    let year = observation_financial_year_sql();
    let service = "COALESCE(indicators.service_id, contracts.service_id)";
    let count = |qualifier: &str| count_qualifier("observations.qualifier", qualifier);
    format!(
        "INSERT INTO reach_rollups (service_id, financial_year, unit, aggregation, \
             value_sum_e4, observations, value_min_e4, value_max_e4, \
             approximate, at_least, at_most, wording) \
         SELECT {service}, {year}, indicators.unit, indicators.aggregation, \
             CAST(SUM(observations.value_e4) AS BIGINT), CAST(COUNT(*) AS BIGINT), \
             MIN(observations.value_e4), MAX(observations.value_e4), \
             {approximate}, {at_least}, {at_most}, MIN(observations.wording) \
         FROM observations \
         JOIN indicators ON indicators.id = observations.indicator_id \
         LEFT JOIN contracts ON contracts.id = indicators.contract_id \
         WHERE observations.value_e4 IS NOT NULL {and_where} \
         GROUP BY {service}, {year}, indicators.unit, indicators.aggregation",
        approximate = count("approximate"),
        at_least = count("at_least"),
        at_most = count("at_most"),
    )
}

/// `INSERT INTO reach_area_rollups ... SELECT` from `reach_rollups` with
/// `joins_and_where`, by `area` (a column, or [`NONE`]), year, unit and
/// aggregation.
fn insert_area_rollups(joins_and_where: &str, area: &str) -> String {
    let area_key = if area == NONE {
        String::new()
    } else {
        format!("{area}, ")
    };
    format!(
        "INSERT INTO reach_area_rollups (area_id, financial_year, unit, aggregation, \
             value_sum_e4, observations, value_min_e4, value_max_e4, \
             approximate, at_least, at_most, wording) \
         SELECT {area}, reach_rollups.financial_year, reach_rollups.unit, reach_rollups.aggregation, \
             CAST(SUM(reach_rollups.value_sum_e4) AS BIGINT), \
             CAST(SUM(reach_rollups.observations) AS BIGINT), \
             MIN(reach_rollups.value_min_e4), MAX(reach_rollups.value_max_e4), \
             CAST(SUM(reach_rollups.approximate) AS BIGINT), \
             CAST(SUM(reach_rollups.at_least) AS BIGINT), \
             CAST(SUM(reach_rollups.at_most) AS BIGINT), \
             MIN(reach_rollups.wording) \
         FROM reach_rollups {joins_and_where} \
         GROUP BY {area_key}reach_rollups.financial_year, reach_rollups.unit, reach_rollups.aggregation"
    )
}
