//! Aggregate rollups: observed values by service and by area, spend by
//! funding stream, year and quarter (see
//! `sql/20260101_000008_aggregate_rollups.sql`), and the triggers that mark
//! them stale when their inputs change.

use sea_orm_migration::prelude::*;

/// Creates the rollup tables, `aggregate_rollups` and the staleness
/// triggers. The tables start empty and stale; opening the database builds
/// them (`store::aggregates::rollups::repair`).
#[derive(DeriveMigrationName)]
pub struct Migration;

/// What each rollup is derived from (a contract changes reach only when its
/// service does).
///
/// The triggers are named `aggregate_...` so that on PostgreSQL, which fires
/// a table's triggers in name order, they lock the rollup's state before
/// `{table}_data_version` locks the version: the order in which commtrack's
/// writers take them (state first, see `store::aggregates::rollups`), so
/// that a writer and a SQL prompt never wait on each other in a cycle.
const INPUTS: &[(&str, &str)] = &[
    ("reach", "observations"),
    ("reach", "indicators"),
    ("reach", "service_areas"),
    ("reach", "contracts"),
    ("spend", "spend_lines"),
];

fn mark_stale(rollup: &str) -> String {
    format!("UPDATE aggregate_rollups SET current = FALSE WHERE name = '{rollup}' AND current;")
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_script(
            manager,
            include_str!("sql/20260101_000008_aggregate_rollups.sql"),
        )
        .await?;
        let mut triggers = String::new();
        let postgres = manager.get_database_backend() == sea_orm::DatabaseBackend::Postgres;
        if postgres {
            for rollup in ["reach", "spend"] {
                triggers.push_str(&format!(
                    "CREATE FUNCTION mark_{rollup}_rollups_stale() RETURNS trigger LANGUAGE plpgsql AS $$ \
                     BEGIN {} RETURN NULL; END $$;\n",
                    mark_stale(rollup)
                ));
            }
        }
        for (rollup, table) in INPUTS {
            let mark = mark_stale(rollup);
            match (postgres, *table) {
                // Only a contract's service feeds the reach rollups.
                (true, "contracts") => triggers.push_str(&format!(
                    "CREATE TRIGGER aggregate_{rollup}_rollups_stale_contracts AFTER UPDATE OF service_id ON contracts \
                     FOR EACH ROW WHEN (OLD.service_id IS DISTINCT FROM NEW.service_id) \
                     EXECUTE FUNCTION mark_{rollup}_rollups_stale();\n"
                )),
                // Once per statement: a bulk insert marks them once.
                (true, _) => triggers.push_str(&format!(
                    "CREATE TRIGGER aggregate_{rollup}_rollups_stale_{table} \
                     AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} \
                     FOR EACH STATEMENT EXECUTE FUNCTION mark_{rollup}_rollups_stale();\n"
                )),
                (false, "contracts") => triggers.push_str(&format!(
                    "CREATE TRIGGER aggregate_{rollup}_rollups_stale_contracts AFTER UPDATE OF service_id ON contracts \
                     WHEN OLD.service_id IS NOT NEW.service_id BEGIN {mark} END;\n"
                )),
                // SQLite has row triggers only.
                (false, _) => {
                    for event in ["INSERT", "UPDATE", "DELETE"] {
                        let name = event.to_lowercase();
                        triggers.push_str(&format!(
                            "CREATE TRIGGER aggregate_{rollup}_rollups_stale_{table}_{name} AFTER {event} ON {table} \
                             BEGIN {mark} END;\n"
                        ));
                    }
                }
            }
        }
        crate::run_batch(manager, &triggers).await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
