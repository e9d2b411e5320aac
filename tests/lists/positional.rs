//! Rows read by position (`entity::model`, as every list and loader reads
//! them) equal the rows SeaORM's derived decoding reads by column name, for
//! every table, on generated data with both NULL and set optional columns.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, IntoActiveModel, QueryOrder};

use crate::common::TestApp;

macro_rules! same_rows {
    ($db:expr, $($module:ident by $($order:ident),+);* $(;)?) => {
        $({
            use entity::$module::{Column, Entity};
            let query = || Entity::find()$(.order_by_asc(Column::$order))+;
            let by_name = query().all($db).await.unwrap();
            let by_position = api::store::fetch::rows(query(), $db).await.unwrap();
            assert!(!by_name.is_empty(), "{}: no rows to compare", stringify!($module));
            assert_eq!(by_position, by_name, "{}", stringify!($module));
        })*
    };
}

#[tokio::test]
async fn rows_read_by_position_equal_rows_read_by_name() {
    let app = TestApp::empty().await;
    let db = &app.db;
    api::seed::generate::generate(db, api::seed::generate::Scale::SMALL, 7)
        .await
        .unwrap();
    // Timestamps and their reasons are NULL in generated rows: set one.
    let contract = entity::contract::Entity::find()
        .order_by_asc(entity::contract::Column::Id)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let mut archived = contract.clone().into_active_model();
    archived.archived_at = Set(Some(Utc::now()));
    archived.archive_reason = Set(Some("Replaced".into()));
    archived.update(db).await.unwrap();
    // Generated services have no partners: give one a partner.
    entity::service_partner::ActiveModel {
        service_id: Set(contract.service_id),
        organisation_id: Set(contract.provider_id),
    }
    .insert(db)
    .await
    .unwrap();

    same_rows!(
        db,
        organisation by Id;
        area by Id;
        theme by Id;
        funding_stream by Id;
        service by Id;
        service_area by ServiceId, AreaId;
        service_theme by ServiceId, ThemeId;
        service_partner by ServiceId, OrganisationId;
        contract by Id;
        extension_option by Id;
        cost_share by Id;
        grant_programme by Id;
        grant_round by Id;
        grant_award by Id;
        budget by Id;
        spend_line by Id;
        indicator by Id;
        observation by Id;
    );
}
