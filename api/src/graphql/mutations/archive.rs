//! `archive`: soft deletion of organisations, services and contracts.

use async_graphql::{Context, InputObject, Object, ID};

use super::{as_writer, payload, refuse, settle};
use crate::graphql::loaders::database;
use crate::graphql::node::{parse_global_id, Node};
use crate::graphql::nodes::{Contract, Organisation, Service};
use crate::store::writes::{contracts, organisations, services, ArchiveTarget, Rejection};

/// A record to archive, and why.
#[derive(InputObject)]
pub struct ArchiveInput {
    /// The record: an `Organisation`, `Service` or `Contract` id.
    pub id: ID,
    /// The version you read; a stale one is refused with `CONFLICT`.
    pub expected_version: i32,
    /// Why it is archived (1 to 500 characters); kept with the record and in its history.
    pub reason: String,
}

payload!(
    /// The result of archiving a record.
    ArchivePayload { node: Node, "The record as archived; null when the change was refused." }
);

/// Archiving.
#[derive(Default)]
pub struct ArchiveMutations;

/// Archiving.
#[Object]
impl ArchiveMutations {
    /// Archives an organisation, service or contract: it stays, with its
    /// history, spend and audit trail, but can no longer be changed or used
    /// in new records. Nothing is ever deleted. Contracts: their lead
    /// commissioner; services: their owner; organisations: admins.
    async fn archive(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The change, with every field described on its type.")]
        input: ArchiveInput,
    ) -> async_graphql::Result<ArchivePayload> {
        let kind = match parse_global_id(&input.id) {
            Ok((kind, id)) if matches!(kind.as_str(), "Organisation" | "Service" | "Contract") => {
                (kind, id)
            }
            _ => {
                return refuse(vec![Rejection::at(
                    &["id"],
                    "ID_INVALID",
                    "id: not an Organisation, Service or Contract id issued by this API",
                )])
            }
        };
        let target = ArchiveTarget {
            id: kind.1,
            expected_version: input.expected_version,
            reason: input.reason,
        };
        let db = database(ctx)?;
        match kind.0.as_str() {
            "Organisation" => {
                let result = as_writer!(ctx, |actor| organisations::archive_organisation(
                    db, actor, target
                ));
                settle(result, |row| {
                    ArchivePayload::done(Node::Organisation(Organisation::from(row)))
                })
            }
            "Service" => {
                let result = as_writer!(ctx, |actor| services::archive_service(db, actor, target));
                settle(result, |row| {
                    ArchivePayload::done(Node::Service(Service::from(row)))
                })
            }
            _ => {
                let result =
                    as_writer!(ctx, |actor| contracts::archive_contract(db, actor, target));
                settle(result, |row| {
                    ArchivePayload::done(Node::Contract(Contract::from(row)))
                })
            }
        }
    }
}
