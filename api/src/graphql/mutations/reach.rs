//! `recordObservation`.

use async_graphql::{Context, InputObject, Object, ID};

use super::{as_writer, payload, refuse, settle, stored_qualifier, Ids};
use crate::graphql::loaders::database;
use crate::graphql::nodes::Observation;
use crate::graphql::scalars::{Date, DecimalScalar, Qualifier};
use crate::store::writes::reach::{record_observation, RecordObservation};

/// An observed value of an indicator over a period.
#[derive(InputObject)]
pub struct RecordObservationInput {
    /// The indicator (an `Indicator` id).
    pub indicator_id: ID,
    /// The first day of the period.
    pub period_start: Date,
    /// The last day of the period, on or after its first.
    pub period_end: Date,
    /// The value, a string with up to four decimals, zero or more (at most
    /// 100 for a percentage). Give a value, a target, or both.
    pub value: Option<DecimalScalar>,
    /// How exactly the value is known (default `EXACT`).
    pub qualifier: Option<Qualifier>,
    /// The source's words for the qualifier ("just over").
    pub wording: Option<String>,
    /// The target for the period.
    pub target: Option<DecimalScalar>,
    /// The baseline the period is compared with.
    pub baseline: Option<DecimalScalar>,
    /// Free notes.
    pub notes: Option<String>,
}

payload!(
    /// The result of recording an observation.
    ObservationPayload { observation: Observation, "The observation as recorded; null when the change was refused." }
);

/// Mutations of reach and outcome figures.
#[derive(Default)]
pub struct ReachMutations;

/// Mutations of reach and outcome figures.
#[Object]
impl ReachMutations {
    /// Records a reach or outcome figure. The owner of what the indicator
    /// measures (a contract's lead commissioner, a service's owner, a
    /// grant programme's funder, or the organisation itself).
    async fn record_observation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The change, with every field described on its type.")]
        input: RecordObservationInput,
    ) -> async_graphql::Result<ObservationPayload> {
        let mut ids = Ids::default();
        let indicator_id = ids.key(&input.indicator_id, "Indicator", &["indicatorId"]);
        let record = match ids.finish(RecordObservation {
            indicator_id,
            period_start: input.period_start.0,
            period_end: input.period_end.0,
            value: input.value.map(|d| d.0),
            qualifier: stored_qualifier(input.qualifier),
            wording: input.wording,
            target: input.target.map(|d| d.0),
            baseline: input.baseline.map(|d| d.0),
            notes: input.notes,
        }) {
            Ok(record) => record,
            Err(rejections) => return refuse(rejections),
        };
        let db = database(ctx)?;
        let result = as_writer!(ctx, |actor| record_observation(db, actor, record));
        settle(result, |row| {
            ObservationPayload::done(Observation::from(row))
        })
    }
}
