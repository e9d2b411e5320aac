//! Reach and outcome figures as OCDS metrics (metrics extension): the
//! indicators reported for a contract, and those of its service over the
//! contract's term. Values are reported results (`implementation.metrics`),
//! targets are agreed ones (`agreedMetrics`). A figure the reports give
//! loosely keeps its qualifier and wording in the observation's `notes`.

use entity::enums::{IndicatorUnit, Qualifier};
use entity::{contract, indicator, observation, service};

use super::types::{Metric, Observation, Period, Unit};
use crate::export::{end_of, start_of, Figure};

/// The metrics of one contract: reported values and agreed targets.
#[derive(Clone, Debug, Default)]
pub struct ContractMetrics {
    /// Indicators with reported values.
    pub reported: Vec<Metric>,
    /// Indicators with targets.
    pub agreed: Vec<Metric>,
}

fn unit(unit: IndicatorUnit) -> Unit {
    Unit {
        name: match unit {
            IndicatorUnit::People => "people",
            IndicatorUnit::Percent => "percent",
            IndicatorUnit::Cases => "cases",
            IndicatorUnit::Referrals => "referrals",
            IndicatorUnit::Count => "count",
        },
    }
}

/// The qualifier as the API writes it (`AT_LEAST`), with the report's
/// words, then the observation's notes; `None` for a plain exact figure.
pub fn notes(observation: &observation::Model) -> Option<String> {
    let mut parts = Vec::new();
    let qualifier = match observation.qualifier {
        Some(Qualifier::Approximate) => Some("APPROXIMATE"),
        Some(Qualifier::AtLeast) => Some("AT_LEAST"),
        Some(Qualifier::AtMost) => Some("AT_MOST"),
        Some(Qualifier::Exact) | None => None,
    };
    match (qualifier, &observation.wording) {
        (Some(q), Some(words)) => parts.push(format!("{q}: reported as \"{words}\".")),
        (Some(q), None) => parts.push(format!("{q}.")),
        (None, Some(words)) => parts.push(format!("Reported as \"{words}\".")),
        (None, None) => {}
    }
    if let Some(baseline) = observation.baseline_e4 {
        parts.push(format!("Baseline {}.", Figure(baseline).text()));
    }
    if let Some(text) = &observation.notes {
        parts.push(text.trim().to_owned());
    }
    (!parts.is_empty()).then(|| parts.join(" "))
}

fn observation(
    code: &str,
    row: &observation::Model,
    measure: i64,
    suffix: &str,
    unit_of: IndicatorUnit,
) -> Observation {
    Observation {
        id: format!("{code}-{}{suffix}", row.id),
        period: Period {
            start_date: Some(start_of(row.period_start)),
            end_date: Some(end_of(row.period_end)),
            max_extent_date: None,
        },
        measure: Figure(measure),
        unit: unit(unit_of),
        notes: notes(row),
    }
}

/// The metrics of `contract` from its `indicators` (those of the contract
/// and of its service), each with its observations in period order. A
/// service's figures cover the whole service, so only its observations over
/// the contract's term are kept, and the description says so.
pub fn metrics_for(
    contract: &contract::Model,
    service: Option<&service::Model>,
    indicators: &[(&indicator::Model, &[observation::Model])],
) -> ContractMetrics {
    let mut metrics = ContractMetrics::default();
    for (indicator, rows) in indicators {
        let own = indicator.contract_id == Some(contract.id);
        let in_term = |row: &&observation::Model| {
            own || (row.period_start <= contract.current_end_date
                && row.period_end >= contract.start_date)
        };
        let kept: Vec<&observation::Model> = rows.iter().filter(in_term).collect();
        let what = indicator.description.as_deref().unwrap_or(&indicator.name);
        let description = if own {
            format!("{what}. Reported for this contract.")
        } else {
            let name = service.map_or("its service", |s| s.name.as_str());
            format!(
                "{what}. Reported for the service {name} as a whole (all its contracts); \
                 the figures for periods over this contract's term."
            )
        };
        let values: Vec<Observation> = kept
            .iter()
            .filter_map(|row| {
                let value = row.value_e4?;
                Some(observation(&indicator.code, row, value, "", indicator.unit))
            })
            .collect();
        let targets: Vec<Observation> = kept
            .iter()
            .filter_map(|row| {
                let target = row.target_e4?;
                Some(observation(
                    &indicator.code,
                    row,
                    target,
                    "-target",
                    indicator.unit,
                ))
            })
            .collect();
        if !values.is_empty() {
            metrics.reported.push(Metric {
                id: indicator.code.clone(),
                title: indicator.name.clone(),
                description: description.clone(),
                observations: values,
            });
        }
        if !targets.is_empty() {
            metrics.agreed.push(Metric {
                id: indicator.code.clone(),
                title: indicator.name.clone(),
                description,
                observations: targets,
            });
        }
    }
    metrics
}
