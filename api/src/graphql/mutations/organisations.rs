//! `createOrganisation`, `updateOrganisation`.

use async_graphql::{Context, InputObject, MaybeUndefined, Object, ID};

use super::{as_writer, patch, payload, refuse, settle, Ids};
use crate::graphql::loaders::database;
use crate::graphql::nodes::Organisation;
use crate::graphql::organisations::{OrganisationKind, OrganisationRole};
use crate::store::writes::organisations::{
    create_organisation, update_organisation, NewOrganisation, OrganisationChanges,
};

/// A new organisation.
#[derive(InputObject)]
pub struct CreateOrganisationInput {
    /// Its full name (1 to 200 characters), unique.
    pub name: String,
    /// A short name or acronym (up to 40 characters).
    pub short_name: Option<String>,
    /// What kind of body it is.
    pub kind: OrganisationKind,
    /// The organisation it is part of (an `Organisation` id).
    pub parent_id: Option<ID>,
    /// What it does (up to 4,000 characters).
    pub description: Option<String>,
    /// The roles it plays in commissioning.
    #[graphql(default)]
    pub roles: Vec<OrganisationRole>,
}

/// Changes to an organisation: fields left out stay as they are; `null`
/// clears an optional field.
#[derive(InputObject)]
pub struct UpdateOrganisationInput {
    /// The organisation.
    pub id: ID,
    /// The version you read; a stale one is refused with `CONFLICT`.
    pub expected_version: i32,
    /// A new name.
    pub name: Option<String>,
    /// A new short name.
    pub short_name: MaybeUndefined<String>,
    /// A new kind.
    pub kind: Option<OrganisationKind>,
    /// A new description.
    pub description: MaybeUndefined<String>,
}

payload!(
    /// The result of creating or updating an organisation.
    OrganisationPayload { organisation: Organisation, "The organisation as changed; null when the change was refused." }
);

/// Mutations of organisations.
#[derive(Default)]
pub struct OrganisationMutations;

/// Mutations of organisations.
#[Object]
impl OrganisationMutations {
    /// Records a new organisation. Admins only.
    async fn create_organisation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The change, with every field described on its type.")]
        input: CreateOrganisationInput,
    ) -> async_graphql::Result<OrganisationPayload> {
        let mut ids = Ids::default();
        let parent_id = ids.optional(input.parent_id.as_ref(), "Organisation", &["parentId"]);
        let new = match ids.finish(NewOrganisation {
            name: input.name,
            short_name: input.short_name,
            kind: input.kind.into(),
            parent_id,
            description: input.description,
            roles: input.roles.into_iter().map(Into::into).collect(),
        }) {
            Ok(new) => new,
            Err(rejections) => return refuse(rejections),
        };
        let db = database(ctx)?;
        let result = as_writer!(ctx, |actor| create_organisation(db, actor, new));
        settle(result, |row| {
            OrganisationPayload::done(Organisation::from(row))
        })
    }

    /// Changes an organisation's details. The organisation's own
    /// commissioners, or admins.
    async fn update_organisation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The change, with every field described on its type.")]
        input: UpdateOrganisationInput,
    ) -> async_graphql::Result<OrganisationPayload> {
        let mut ids = Ids::default();
        let id = ids.key(&input.id, "Organisation", &["id"]);
        let changes = match ids.finish(OrganisationChanges {
            id,
            expected_version: input.expected_version,
            name: input.name,
            short_name: patch(input.short_name),
            kind: input.kind.map(Into::into),
            description: patch(input.description),
        }) {
            Ok(changes) => changes,
            Err(rejections) => return refuse(rejections),
        };
        let db = database(ctx)?;
        let result = as_writer!(ctx, |actor| update_organisation(db, actor, changes));
        settle(result, |row| {
            OrganisationPayload::done(Organisation::from(row))
        })
    }
}
