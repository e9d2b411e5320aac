//! `createContract`, `updateContract`.

use async_graphql::{Context, InputObject, MaybeUndefined, Object, ID};

use super::{as_writer, patch, payload, refuse, settle, Ids};
use crate::graphql::contracts::{EiaStatus, ProcurementRoute};
use crate::graphql::loaders::database;
use crate::graphql::nodes::Contract;
use crate::graphql::scalars::{Date, DecimalScalar};
use crate::store::writes::contracts::{
    create_contract, update_contract, ContractChanges, NewContract, NewOption,
};

/// An extension option of a new contract.
#[derive(InputObject)]
pub struct NewExtensionOptionInput {
    /// Its length in months (1 to 600).
    pub length_months: i32,
    /// The last day it may be exercised or declined: no later than the end
    /// of the term it extends.
    pub decide_by: Date,
}

/// A new contract. Its end dates follow from the start, the initial term
/// and the options.
#[derive(InputObject)]
pub struct CreateContractInput {
    /// Its reference (1 to 60 characters), unique.
    pub reference: String,
    /// Its title (1 to 200 characters).
    pub title: String,
    /// The service delivered (a `Service` id).
    pub service_id: ID,
    /// The provider (an `Organisation` id).
    pub provider_id: ID,
    /// The lead commissioner (an `Organisation` id), who owns the record.
    pub lead_commissioner_id: ID,
    /// The first day of service.
    pub start_date: Date,
    /// The initial term in whole months (1 to 600).
    pub initial_term_months: i32,
    /// The value per year in pounds, a string with at most two decimals.
    pub annual_value: Option<DecimalScalar>,
    /// The total value in pounds, a string with at most two decimals.
    pub total_value: Option<DecimalScalar>,
    /// How it was procured.
    pub procurement_route: ProcurementRoute,
    /// The progress of its Equality Impact Assessment.
    pub eia_status: EiaStatus,
    /// When the assessment is next reviewed.
    pub eia_review_date: Option<Date>,
    /// The name of the agreement sharing its cost.
    pub cost_share_agreement: Option<String>,
    /// Free notes (up to 4,000 characters).
    pub notes: Option<String>,
    /// Its extension options, in the order they extend the term.
    #[graphql(default)]
    pub extension_options: Vec<NewExtensionOptionInput>,
}

/// Changes to a contract: fields left out stay as they are; `null` clears
/// an optional field. The end dates are recomputed.
#[derive(InputObject)]
pub struct UpdateContractInput {
    /// The contract.
    pub id: ID,
    /// The version you read; a stale one is refused with `CONFLICT`.
    pub expected_version: i32,
    /// A new title.
    pub title: Option<String>,
    /// A new provider (an `Organisation` id).
    pub provider_id: Option<ID>,
    /// A new lead commissioner (an `Organisation` id); you must be allowed
    /// to write for both the old and the new one.
    pub lead_commissioner_id: Option<ID>,
    /// A new start date.
    pub start_date: Option<Date>,
    /// A new initial term in months.
    pub initial_term_months: Option<i32>,
    /// A new value per year in pounds.
    pub annual_value: MaybeUndefined<DecimalScalar>,
    /// A new total value in pounds.
    pub total_value: MaybeUndefined<DecimalScalar>,
    /// A new procurement route.
    pub procurement_route: Option<ProcurementRoute>,
    /// A new assessment status.
    pub eia_status: Option<EiaStatus>,
    /// A new assessment review date.
    pub eia_review_date: MaybeUndefined<Date>,
    /// New notes.
    pub notes: MaybeUndefined<String>,
}

payload!(
    /// The result of creating or updating a contract.
    ContractPayload { contract: Contract, "The contract as changed; null when the change was refused." }
);

/// Mutations of contracts.
#[derive(Default)]
pub struct ContractMutations;

/// Mutations of contracts.
#[Object]
impl ContractMutations {
    /// Records a new contract with its extension options. Its lead
    /// commissioner, or admins.
    async fn create_contract(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The change, with every field described on its type.")]
        input: CreateContractInput,
    ) -> async_graphql::Result<ContractPayload> {
        let mut ids = Ids::default();
        let service_id = ids.key(&input.service_id, "Service", &["serviceId"]);
        let provider_id = ids.key(&input.provider_id, "Organisation", &["providerId"]);
        let lead_commissioner_id = ids.key(
            &input.lead_commissioner_id,
            "Organisation",
            &["leadCommissionerId"],
        );
        let new = match ids.finish(NewContract {
            reference: input.reference,
            title: input.title,
            service_id,
            provider_id,
            lead_commissioner_id,
            start_date: input.start_date.0,
            initial_term_months: input.initial_term_months,
            annual_value: input.annual_value.map(|d| d.0),
            total_value: input.total_value.map(|d| d.0),
            procurement_route: input.procurement_route.into(),
            eia_status: input.eia_status.into(),
            eia_review_date: input.eia_review_date.map(|d| d.0),
            cost_share_agreement: input.cost_share_agreement,
            notes: input.notes,
            extension_options: input
                .extension_options
                .into_iter()
                .map(|o| NewOption {
                    length_months: o.length_months,
                    decide_by: o.decide_by.0,
                })
                .collect(),
        }) {
            Ok(new) => new,
            Err(rejections) => return refuse(rejections),
        };
        let db = database(ctx)?;
        let result = as_writer!(ctx, |actor| create_contract(db, actor, new));
        settle(result, |(row, _)| {
            ContractPayload::done(Contract::from(row))
        })
    }

    /// Changes a contract's details. Its lead commissioner, or admins.
    async fn update_contract(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The change, with every field described on its type.")]
        input: UpdateContractInput,
    ) -> async_graphql::Result<ContractPayload> {
        let mut ids = Ids::default();
        let id = ids.key(&input.id, "Contract", &["id"]);
        let provider_id = ids.optional(input.provider_id.as_ref(), "Organisation", &["providerId"]);
        let lead_commissioner_id = ids.optional(
            input.lead_commissioner_id.as_ref(),
            "Organisation",
            &["leadCommissionerId"],
        );
        let changes = match ids.finish(ContractChanges {
            id,
            expected_version: input.expected_version,
            title: input.title,
            provider_id,
            lead_commissioner_id,
            start_date: input.start_date.map(|d| d.0),
            initial_term_months: input.initial_term_months,
            annual_value: patch(input.annual_value.map_value(|d| d.0)),
            total_value: patch(input.total_value.map_value(|d| d.0)),
            status: None,
            procurement_route: input.procurement_route.map(Into::into),
            eia_status: input.eia_status.map(Into::into),
            eia_review_date: patch(input.eia_review_date.map_value(|d| d.0)),
            notes: patch(input.notes),
        }) {
            Ok(changes) => changes,
            Err(rejections) => return refuse(rejections),
        };
        let db = database(ctx)?;
        let result = as_writer!(ctx, |actor| update_contract(db, actor, changes));
        settle(result, |row| ContractPayload::done(Contract::from(row)))
    }
}
