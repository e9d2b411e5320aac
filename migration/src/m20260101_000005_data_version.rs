//! The data version that result caches are keyed by (see
//! `sql/20260101_000005_data_version.sql`), raised by triggers on every
//! table of data, so that no write, through commtrack or not, can leave a
//! cached result standing.

use sea_orm_migration::prelude::*;

/// Every table whose rows a read result may depend on: all but the audit
/// log, the API keys and the version itself.
const DATA_TABLES: &[&str] = &[
    "organisations",
    "organisation_roles",
    "areas",
    "themes",
    "funding_streams",
    "services",
    "service_areas",
    "service_themes",
    "service_partners",
    "contracts",
    "extension_options",
    "cost_shares",
    "grant_programmes",
    "grant_rounds",
    "grant_round_themes",
    "grant_awards",
    "grant_award_areas",
    "grant_award_themes",
    "budgets",
    "spend_lines",
    "indicators",
    "observations",
    "spend_attributions",
];

/// Creates `data_version` and the triggers that raise it.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_script(
            manager,
            include_str!("sql/20260101_000005_data_version.sql"),
        )
        .await?;
        let bump = "UPDATE data_version SET version = version + 1 WHERE id = 1;";
        let mut triggers = String::new();
        match manager.get_database_backend() {
            sea_orm::DatabaseBackend::Postgres => {
                // Once per statement: a bulk insert raises it once.
                triggers.push_str(&format!(
                    "CREATE FUNCTION bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$ \
                     BEGIN {bump} RETURN NULL; END $$;\n"
                ));
                for table in DATA_TABLES {
                    triggers.push_str(&format!(
                        "CREATE TRIGGER {table}_data_version \
                         AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} \
                         FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();\n"
                    ));
                }
            }
            _ => {
                // SQLite has row triggers only.
                for table in DATA_TABLES {
                    for event in ["INSERT", "UPDATE", "DELETE"] {
                        let name = event.to_lowercase();
                        triggers.push_str(&format!(
                            "CREATE TRIGGER {table}_data_version_{name} AFTER {event} ON {table} \
                             BEGIN {bump} END;\n"
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
