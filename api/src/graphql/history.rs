//! The audit history: every change to a record, newest first. Read only:
//! no API edits or deletes an audit event.

use async_graphql::{Context, Enum, Object, ID};
use entity::audit_event;
use sea_orm::{ColumnTrait, Condition};

use crate::auth::{require, Permission};
use crate::error::AppError;
use crate::graphql::filter::OrderDirection;
use crate::graphql::ids::{global_id, parse_global_id};
use crate::graphql::node::{resolve_node, Node};
use crate::graphql::pagination::{keyset_page, Page, PageRequest, SortKey};
use crate::graphql::prepared::Row;
use crate::graphql::scalars::DateTime;

/// What a change did.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuditAction {
    /// The record was created.
    Created,
    /// Its fields were changed.
    Updated,
    /// It was archived.
    Archived,
    /// An extension option was added (on the option and its contract).
    OptionAdded,
    /// An extension option was exercised (on the option and its contract).
    OptionExercised,
    /// An extension option was declined (on the option and its contract).
    OptionDeclined,
    /// The contract's cost-sharing split was replaced.
    CostSharesSet,
}

fn action(stored: &str) -> Result<AuditAction, AppError> {
    Ok(match stored {
        "created" => AuditAction::Created,
        "updated" => AuditAction::Updated,
        "archived" => AuditAction::Archived,
        "option_added" => AuditAction::OptionAdded,
        "option_exercised" => AuditAction::OptionExercised,
        "option_declined" => AuditAction::OptionDeclined,
        "cost_shares_set" => AuditAction::CostSharesSet,
        other => {
            return Err(AppError::internal(format!(
                "unknown audit action {other:?}"
            )))
        }
    })
}

/// One change to one record: who made it, when, under which request, and
/// the record before and after.
pub struct AuditEvent(pub Row<audit_event::Entity>);

crate::node_from_row!(AuditEvent => audit_event);

fn json(text: &Option<String>) -> Option<async_graphql::Json<serde_json::Value>> {
    text.as_deref()
        .and_then(|t| serde_json::from_str(t).ok())
        .map(async_graphql::Json)
}

/// One change to one record: who made it, when, under which request, and
/// the record before and after.
#[Object]
impl AuditEvent {
    /// The event's opaque id.
    async fn id(&self) -> ID {
        global_id("AuditEvent", self.0.id)
    }
    /// When the change was made.
    async fn occurred_at(&self) -> DateTime {
        DateTime(self.0.occurred_at)
    }
    /// Who made it: the API key's name.
    async fn actor(&self) -> &str {
        &self.0.actor
    }
    /// The id of the request that made it (the `x-request-id` header),
    /// which finds it in the server's log.
    async fn request_id(&self) -> Option<&str> {
        self.0.request_id.as_deref()
    }
    /// What the change did.
    async fn action(&self) -> async_graphql::Result<AuditAction> {
        Ok(action(&self.0.action)?)
    }
    /// The type of the record changed (`Contract`).
    async fn subject_type(&self) -> &str {
        &self.0.entity_type
    }
    /// The id of the record changed.
    async fn subject_id(&self) -> ID {
        global_id(&self.0.entity_type, self.0.entity_id)
    }
    /// The record changed, as it is now.
    async fn subject(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Node>> {
        let id = global_id(&self.0.entity_type, self.0.entity_id);
        Ok(resolve_node(ctx, &id).await?)
    }
    /// The reason given with the change (an archive's reason, an override
    /// of a passed decide-by date).
    async fn reason(&self) -> Option<&str> {
        self.0.reason.as_deref()
    }
    /// The stored row before the change (column names, money in pence,
    /// shares in parts per million); null for a creation.
    async fn before(&self) -> Option<async_graphql::Json<serde_json::Value>> {
        json(&self.0.before_json)
    }
    /// The stored row after the change, in the same form.
    async fn after(&self) -> Option<async_graphql::Json<serde_json::Value>> {
        json(&self.0.after_json)
    }
    /// The stored fields whose values differ between before and after
    /// (all of them for a creation), in name order.
    async fn changed_fields(&self) -> Vec<String> {
        let before = json(&self.0.before_json).map(|j| j.0);
        let after = json(&self.0.after_json).map(|j| j.0);
        let empty = serde_json::Map::new();
        let fields =
            |v: &Option<serde_json::Value>| v.as_ref().and_then(|v| v.as_object()).cloned();
        let (before, after) = (fields(&before), fields(&after));
        let (b, a) = (
            before.as_ref().unwrap_or(&empty),
            after.as_ref().unwrap_or(&empty),
        );
        let mut names: Vec<String> = a
            .keys()
            .chain(b.keys())
            .filter(|k| a.get(*k) != b.get(*k))
            .cloned()
            .collect();
        names.sort();
        names.dedup();
        names
    }
}

/// The history query.
#[derive(Default)]
pub struct HistoryQuery;

/// The history query.
#[Object]
impl HistoryQuery {
    /// Every change to a record, newest first: contracts include the changes
    /// to their extension options and cost shares. Analysts and above.
    async fn history(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The record's id (any object's `id`).")] id: ID,
        #[graphql(desc = "How many events (1 to 100, default 20).")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor.")] after: Option<String>,
    ) -> async_graphql::Result<Page<AuditEvent>> {
        require(ctx, Permission::ReadHistory)?;
        let (type_name, key) = parse_global_id(&id)?;
        let newest_first = SortKey::<audit_event::Entity> {
            column: audit_event::Column::Id,
            name: "ID",
        };
        let request = PageRequest {
            condition: Condition::all()
                .add(audit_event::Column::EntityType.eq(type_name))
                .add(audit_event::Column::EntityId.eq(key)),
            order: vec![(newest_first.clone(), OrderDirection::Desc)],
            first,
            after,
        };
        Ok(keyset_page(ctx, newest_first, request, AuditEvent).await?)
    }
}
