//! Writes the random dataset through the entities, in one transaction, as
//! any writer would, deriving the spend attributions and the reach rollups
//! at the end.

use chrono::NaiveDate;
use entity::enums::{
    Aggregation, AreaKind, ContractRecordStatus, EiaStatus, OrganisationKind, ProcurementRoute,
    ServiceStatus,
};
use entity::*;
use sea_orm::ActiveValue::Set;
use sea_orm::{DatabaseConnection, EntityTrait, TransactionTrait};

use super::dataset::{Dataset, PROGRAMME};

impl Dataset {
    /// Writes everything through the entities, in one transaction, and
    /// derives the spend attributions as every writer must.
    pub async fn insert(&self, db: &DatabaseConnection) {
        let txn = db.begin().await.expect("begin");
        macro_rules! insert_all {
            ($entity:ty, $models:expr) => {
                let models: Vec<_> = $models;
                for chunk in models.chunks(200) {
                    <$entity>::insert_many(chunk.to_vec())
                        .exec(&txn)
                        .await
                        .expect("insert");
                }
            };
        }
        insert_all!(
            funding_stream::Entity,
            self.streams
                .iter()
                .map(|&id| funding_stream::ActiveModel {
                    id: Set(id),
                    name: Set(format!("Stream {id}")),
                    ..Default::default()
                })
                .collect()
        );
        insert_all!(
            area::Entity,
            self.areas
                .iter()
                .map(|&id| area::ActiveModel {
                    id: Set(id),
                    name: Set(format!("Area {id}")),
                    kind: Set(if id <= 5 {
                        AreaKind::District
                    } else {
                        AreaKind::County
                    }),
                    parent_id: Set(None),
                })
                .collect()
        );
        insert_all!(
            theme::Entity,
            self.themes
                .iter()
                .map(|&id| theme::ActiveModel {
                    id: Set(id),
                    name: Set(format!("Theme {id}"))
                })
                .collect()
        );
        insert_all!(
            organisation::Entity,
            self.organisations
                .iter()
                .map(|&id| organisation::ActiveModel {
                    id: Set(id),
                    name: Set(format!("Organisation {id}")),
                    kind: Set(OrganisationKind::Charity),
                    is_illustrative: Set(true),
                    ..Default::default()
                })
                .collect()
        );
        insert_all!(
            service::Entity,
            self.services
                .iter()
                .map(|s| service::ActiveModel {
                    id: Set(s.id),
                    code: Set(format!("S{}", s.id)),
                    name: Set(format!("Service {}", s.id)),
                    status: Set(ServiceStatus::Active),
                    is_illustrative: Set(true),
                    ..Default::default()
                })
                .collect()
        );
        insert_all!(
            service_area::Entity,
            self.services
                .iter()
                .flat_map(|s| s.areas.iter().map(|&a| service_area::ActiveModel {
                    service_id: Set(s.id),
                    area_id: Set(a)
                }))
                .collect()
        );
        insert_all!(
            service_theme::Entity,
            self.services
                .iter()
                .flat_map(|s| s.themes.iter().map(|&t| service_theme::ActiveModel {
                    service_id: Set(s.id),
                    theme_id: Set(t)
                }))
                .collect()
        );
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        insert_all!(
            contract::Entity,
            self.contracts
                .iter()
                .map(|c| contract::ActiveModel {
                    id: Set(c.id),
                    reference: Set(format!("C-{}", c.id)),
                    title: Set(format!("Contract {}", c.id)),
                    service_id: Set(c.service),
                    provider_id: Set(c.provider),
                    lead_commissioner_id: Set(c.lead),
                    start_date: Set(day(2020, 4, 1)),
                    initial_term_months: Set(12),
                    initial_end_date: Set(day(2021, 3, 31)),
                    current_end_date: Set(day(2021, 3, 31)),
                    contractual_end_date: Set(day(2021, 3, 31)),
                    status: Set(ContractRecordStatus::Awarded),
                    procurement_route: Set(ProcurementRoute::Unknown),
                    eia_status: Set(EiaStatus::NotStarted),
                    is_illustrative: Set(true),
                    ..Default::default()
                })
                .collect()
        );
        insert_all!(
            cost_share::Entity,
            self.shares
                .iter()
                .map(|s| cost_share::ActiveModel {
                    id: Set(s.id),
                    contract_id: Set(s.contract),
                    parent_id: Set(s.parent),
                    organisation_id: Set(s.organisation),
                    share_ppm: Set(s.ppm as i32),
                    position: Set(s.position),
                    is_illustrative: Set(true),
                    ..Default::default()
                })
                .collect()
        );
        insert_all!(
            spend_line::Entity,
            self.lines
                .iter()
                .map(|l| spend_line::ActiveModel {
                    id: Set(l.id),
                    funding_stream_id: Set(l.stream),
                    financial_year: Set(l.year),
                    quarter: Set(l.quarter),
                    service_id: Set(l.service),
                    contract_id: Set(l.contract),
                    amount_pence: Set(l.amount),
                    qualifier: Set(l.qualifier),
                    wording: Set(l.wording.clone()),
                    is_illustrative: Set(true),
                    ..Default::default()
                })
                .collect()
        );
        insert_all!(
            budget::Entity,
            self.budgets
                .iter()
                .enumerate()
                .map(|(i, b)| budget::ActiveModel {
                    id: Set(i as i64 + 1),
                    funding_stream_id: Set(b.stream),
                    financial_year: Set(b.year),
                    amount_pence: Set(b.amount),
                    qualifier: Set(b.qualifier),
                    is_illustrative: Set(true),
                    ..Default::default()
                })
                .collect()
        );
        insert_all!(
            grant_programme::Entity,
            vec![grant_programme::ActiveModel {
                id: Set(1),
                name: Set(PROGRAMME.to_owned()),
                funder_id: Set(1),
                is_illustrative: Set(true),
                ..Default::default()
            }]
        );
        insert_all!(
            grant_round::Entity,
            self.rounds
                .iter()
                .map(|r| grant_round::ActiveModel {
                    id: Set(r.id),
                    programme_id: Set(1),
                    number: Set(r.number),
                    name: Set(format!("Round {}", r.number)),
                    pot_pence: Set(r.pot.map(|p| p.0)),
                    pot_qualifier: Set(r.pot.map(|p| p.1)),
                    applications_received: Set(r.applications.map(|a| a.0)),
                    applications_qualifier: Set(r.applications.map(|a| a.1)),
                    amount_requested_pence: Set(r.requested.map(|a| a.0)),
                    amount_requested_qualifier: Set(r.requested.map(|a| a.1)),
                    is_illustrative: Set(true),
                    ..Default::default()
                })
                .collect()
        );
        insert_all!(
            grant_award::Entity,
            self.awards
                .iter()
                .map(|a| grant_award::ActiveModel {
                    id: Set(a.id),
                    round_id: Set(a.round),
                    recipient_id: Set(1),
                    project_name: Set(format!("Project {}", a.id)),
                    amount_pence: Set(a.amount),
                    is_illustrative: Set(true),
                    ..Default::default()
                })
                .collect()
        );
        insert_all!(
            grant_award_area::Entity,
            self.awards
                .iter()
                .flat_map(|a| a.areas.iter().map(|&x| grant_award_area::ActiveModel {
                    award_id: Set(a.id),
                    area_id: Set(x)
                }))
                .collect()
        );
        insert_all!(
            grant_award_theme::Entity,
            self.awards
                .iter()
                .flat_map(
                    |a| a.themes.iter().map(|&x| grant_award_theme::ActiveModel {
                        award_id: Set(a.id),
                        theme_id: Set(x)
                    })
                )
                .collect()
        );
        insert_all!(
            indicator::Entity,
            self.indicators
                .iter()
                .map(|i| indicator::ActiveModel {
                    id: Set(i.id),
                    code: Set(i.code.clone()),
                    name: Set(format!("Indicator {}", i.id)),
                    unit: Set(i.unit),
                    aggregation: Set(if i.additive {
                        Aggregation::Sum
                    } else {
                        Aggregation::Latest
                    }),
                    service_id: Set(i.service),
                    contract_id: Set(i.contract),
                    round_id: Set(i.round),
                    organisation_id: Set(i.organisation),
                    ..Default::default()
                })
                .collect()
        );
        insert_all!(
            observation::Entity,
            self.observations
                .iter()
                .map(|o| observation::ActiveModel {
                    id: Set(o.id),
                    indicator_id: Set(o.indicator),
                    period_start: Set(o.start),
                    period_end: Set(o.end),
                    value_e4: Set(o.value),
                    qualifier: Set(o.value.map(|_| o.qualifier)),
                    wording: Set(o.wording.clone()),
                    target_e4: Set(o.value.is_none().then_some(10_000)),
                    is_illustrative: Set(true),
                    ..Default::default()
                })
                .collect()
        );
        api::store::aggregates::rebuild_spend_attributions(&txn, None)
            .await
            .expect("derive the spend attributions");
        api::store::aggregates::rollups::rebuild_all(&txn)
            .await
            .expect("roll up the observations");
        txn.commit().await.expect("commit");
    }
}
