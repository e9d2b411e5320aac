//! `createService`, `updateService`.

use async_graphql::{Context, InputObject, MaybeUndefined, Object, ID};

use super::{as_writer, patch, payload, refuse, settle, Ids};
use crate::graphql::loaders::database;
use crate::graphql::nodes::Service;
use crate::graphql::services::ServiceStatus;
use crate::store::writes::services::{create_service, update_service, NewService, ServiceChanges};

/// A new service.
#[derive(InputObject)]
pub struct CreateServiceInput {
    /// Its short code (1 to 40 characters), unique, e.g. `SARC`.
    pub code: String,
    /// Its name (1 to 200 characters).
    pub name: String,
    /// What it provides (up to 4,000 characters).
    pub description: Option<String>,
    /// Where it stands.
    pub status: ServiceStatus,
    /// The funding stream paying for it (a `FundingStream` id).
    pub funding_stream_id: Option<ID>,
    /// The service it is part of (a `Service` id).
    pub parent_id: Option<ID>,
}

/// Changes to a service: fields left out stay as they are; `null` clears
/// an optional field.
#[derive(InputObject)]
pub struct UpdateServiceInput {
    /// The service.
    pub id: ID,
    /// The version you read; a stale one is refused with `CONFLICT`.
    pub expected_version: i32,
    /// A new name.
    pub name: Option<String>,
    /// A new description.
    pub description: MaybeUndefined<String>,
    /// A new status.
    pub status: Option<ServiceStatus>,
    /// A new funding stream (a `FundingStream` id).
    pub funding_stream_id: MaybeUndefined<ID>,
}

payload!(
    /// The result of creating or updating a service.
    ServicePayload { service: Service, "The service as changed; null when the change was refused." }
);

/// Mutations of services.
#[derive(Default)]
pub struct ServiceMutations;

/// Mutations of services.
#[Object]
impl ServiceMutations {
    /// Records a new service. Any commissioner, or admins.
    async fn create_service(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The change, with every field described on its type.")]
        input: CreateServiceInput,
    ) -> async_graphql::Result<ServicePayload> {
        let mut ids = Ids::default();
        let funding_stream_id = ids.optional(
            input.funding_stream_id.as_ref(),
            "FundingStream",
            &["fundingStreamId"],
        );
        let parent_id = ids.optional(input.parent_id.as_ref(), "Service", &["parentId"]);
        let new = match ids.finish(NewService {
            code: input.code,
            name: input.name,
            description: input.description,
            status: input.status.into(),
            funding_stream_id,
            parent_id,
        }) {
            Ok(new) => new,
            Err(rejections) => return refuse(rejections),
        };
        let db = database(ctx)?;
        let result = as_writer!(ctx, |actor| create_service(db, actor, new));
        settle(result, |row| ServicePayload::done(Service::from(row)))
    }

    /// Changes a service's details. The lead commissioner of its contracts
    /// when they all share one; otherwise admins only.
    async fn update_service(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The change, with every field described on its type.")]
        input: UpdateServiceInput,
    ) -> async_graphql::Result<ServicePayload> {
        let mut ids = Ids::default();
        let id = ids.key(&input.id, "Service", &["id"]);
        let funding_stream_id = ids.patch(
            input.funding_stream_id,
            "FundingStream",
            &["fundingStreamId"],
        );
        let changes = match ids.finish(ServiceChanges {
            id,
            expected_version: input.expected_version,
            name: input.name,
            description: patch(input.description),
            status: input.status.map(Into::into),
            funding_stream_id,
        }) {
            Ok(changes) => changes,
            Err(rejections) => return refuse(rejections),
        };
        let db = database(ctx)?;
        let result = as_writer!(ctx, |actor| update_service(db, actor, changes));
        settle(result, |row| ServicePayload::done(Service::from(row)))
    }
}
