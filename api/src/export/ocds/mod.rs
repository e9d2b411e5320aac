//! Contracts as an OCDS 1.1 release package: one release per contract,
//! with the budget breakdown, renewal, options and metrics extensions.
//!
//! - `ocid`: the prefix and the contract's reference (which never changes).
//! - parties: the lead commissioner (`buyer`, `procuringEntity`), the
//!   provider (`supplier`), every organisation paying under the cost-sharing
//!   split (`funder`, `sourceParty`).
//! - `planning.budget.budgetBreakdown`: each funder's penny-exact part of the
//!   contract's value for each financial year of the current term ([`budget`]).
//! - the contract's period, status, renewal, options, decision milestones
//!   and amendments on the export's `as_of` day ([`term`]).
//! - reach figures as metrics with observations ([`metrics`]).
//! - `date`: when the contract last changed (see `settings::last_change`).

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use entity::enums::ProcurementRoute;
use entity::{contract, extension_option, indicator, observation, organisation, service};

use crate::error::{AppError, AppResult};
use crate::export::settings::{last_change, timestamp, OcidPrefix};
use crate::store::exports::{ContractRows, ContractScope};
use crate::store::liabilities::{contract_inputs, ContractRow, YearRows};

pub mod budget;
pub mod metrics;
pub mod term;
pub mod types;

#[cfg(test)]
mod tests;

use types::*;

/// The `extension.json` of each extension the releases use.
pub const EXTENSIONS: [&str; 4] = [
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_budget_breakdown_extension/master/extension.json",
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_renewal_extension/master/extension.json",
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_options_extension/master/extension.json",
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_metrics_extension/master/extension.json",
];

/// How an OCDS export is made.
#[derive(Clone, Debug)]
pub struct OcdsSettings {
    /// The `ocid` prefix.
    pub prefix: OcidPrefix,
    /// The day statuses and option states are read on.
    pub as_of: NaiveDate,
    /// The package's `publishedDate`; by default the latest release `date`.
    pub published: Option<DateTime<Utc>>,
}

/// The OCDS `procurementMethod` of a route, and the route in words.
fn procurement(route: ProcurementRoute) -> (Option<&'static str>, &'static str) {
    match route {
        ProcurementRoute::OpenProcedure => (Some("open"), "Open procedure"),
        ProcurementRoute::CompetitiveFlexible => {
            (Some("selective"), "Competitive flexible procedure")
        }
        ProcurementRoute::DirectAward => (Some("direct"), "Direct award"),
        ProcurementRoute::FrameworkCallOff => (Some("selective"), "Call-off from a framework"),
        ProcurementRoute::GrantAgreement => (Some("direct"), "Grant agreement"),
        ProcurementRoute::Unknown => (None, "Not recorded"),
    }
}

/// Every contract's rows, grouped for one pass over the contracts.
struct Grouped<'a> {
    options: HashMap<i64, Vec<&'a extension_option::Model>>,
    organisations: HashMap<i64, &'a organisation::Model>,
    services: HashMap<i64, &'a service::Model>,
    by_contract: HashMap<i64, Vec<&'a indicator::Model>>,
    by_service: HashMap<i64, Vec<&'a indicator::Model>>,
    observations: HashMap<i64, &'a [observation::Model]>,
}

impl<'a> Grouped<'a> {
    fn new(rows: &'a ContractRows) -> Self {
        let mut grouped = Grouped {
            options: HashMap::new(),
            organisations: rows.organisations.iter().map(|o| (o.id, o)).collect(),
            services: rows.services.iter().map(|s| (s.id, s)).collect(),
            by_contract: HashMap::new(),
            by_service: HashMap::new(),
            observations: HashMap::new(),
        };
        for option in &rows.options {
            grouped
                .options
                .entry(option.contract_id)
                .or_default()
                .push(option);
        }
        for indicator in &rows.indicators {
            if let Some(contract) = indicator.contract_id {
                grouped
                    .by_contract
                    .entry(contract)
                    .or_default()
                    .push(indicator);
            } else if let Some(service) = indicator.service_id {
                grouped
                    .by_service
                    .entry(service)
                    .or_default()
                    .push(indicator);
            }
        }
        // The store orders observations by indicator, so each indicator's
        // rows are one slice: no copies of a national dataset's million rows.
        for rows in rows
            .observations
            .chunk_by(|a, b| a.indicator_id == b.indicator_id)
        {
            grouped.observations.insert(rows[0].indicator_id, rows);
        }
        grouped
    }
}

/// The liabilities rule's view of the loaded contracts, in the same order.
fn inputs(rows: &ContractRows) -> AppResult<Vec<crate::domain::liabilities::ContractInput>> {
    let year_rows = YearRows {
        contracts: rows
            .contracts
            .iter()
            .map(|c| ContractRow {
                id: c.id,
                reference: c.reference.clone(),
                lead_commissioner_id: c.lead_commissioner_id,
                start_date: c.start_date,
                current_end_date: c.current_end_date,
                annual_value_pence: c.annual_value_pence,
                total_value_pence: c.total_value_pence,
            })
            .collect(),
        shares: rows.shares.clone(),
        organisations: Vec::new(),
    };
    contract_inputs(&year_rows)
}

/// Adds `roles` to the party for organisation `id`, listing it on first sight.
fn add_party(parties: &mut Vec<Party>, reference: OrganizationReference, roles: &[&'static str]) {
    let index = match parties.iter().position(|p| p.id == reference.id) {
        Some(index) => index,
        None => {
            parties.push(Party {
                id: reference.id,
                name: reference.name,
                roles: Vec::new(),
            });
            parties.len() - 1
        }
    };
    for role in roles {
        if !parties[index].roles.contains(role) {
            parties[index].roles.push(role);
        }
    }
}

/// The release of one contract.
fn release(
    contract: &contract::Model,
    input: &crate::domain::liabilities::ContractInput,
    grouped: &Grouped<'_>,
    audited: Option<DateTime<Utc>>,
    settings: &OcdsSettings,
) -> AppResult<(Release, DateTime<Utc>)> {
    let ocid = settings.prefix.ocid(&contract.reference);
    let options = grouped
        .options
        .get(&contract.id)
        .cloned()
        .unwrap_or_default();
    let sections = term::term_sections(contract, &options, settings.as_of);
    let changed = changed_at(contract, &options, audited);
    let buyer = budget::reference(&grouped.organisations, contract.lead_commissioner_id)?;
    let supplier = budget::reference(&grouped.organisations, contract.provider_id)?;
    let mut parties = Vec::new();
    add_party(&mut parties, buyer.clone(), &["buyer", "procuringEntity"]);
    add_party(&mut parties, supplier.clone(), &["supplier"]);
    let planning = budget::budget(&ocid, contract, input, &grouped.organisations)?;
    if let Some(planning) = &planning {
        for line in &planning.budget_breakdown {
            add_party(
                &mut parties,
                line.source_party.clone(),
                &["funder", "sourceParty"],
            );
        }
    }
    let mut indicators: Vec<&indicator::Model> = Vec::new();
    indicators.extend(grouped.by_contract.get(&contract.id).into_iter().flatten());
    indicators.extend(
        grouped
            .by_service
            .get(&contract.service_id)
            .into_iter()
            .flatten(),
    );
    let with_rows: Vec<(&indicator::Model, &[observation::Model])> = indicators
        .into_iter()
        .map(|i| {
            let rows = grouped.observations.get(&i.id).copied().unwrap_or_default();
            (i, rows)
        })
        .collect();
    let metrics = metrics::metrics_for(
        contract,
        grouped.services.get(&contract.service_id).copied(),
        &with_rows,
    );
    let (method, details) = procurement(contract.procurement_route);
    let mut tag = Vec::new();
    if planning.is_some() {
        tag.push("planning");
    }
    tag.extend(["award", "contract"]);
    if !sections.amendments.is_empty() {
        tag.push("contractAmendment");
    }
    if !metrics.reported.is_empty() {
        tag.push("implementation");
    }
    let value = planning
        .as_ref()
        .and_then(|p| p.amount.as_ref())
        .map(|v| Value::gbp(v.amount.0));
    let date = timestamp(changed);
    let release = Release {
        id: format!("{ocid}-{}", changed.format("%Y%m%dT%H%M%SZ")),
        ocid: ocid.clone(),
        date,
        tag,
        initiation_type: "tender",
        language: "en",
        parties,
        buyer: buyer.clone(),
        planning: planning.map(|budget| Planning { budget }),
        tender: Tender {
            id: format!("{ocid}-tender"),
            title: contract.title.clone(),
            status: "complete",
            procurement_method: method,
            procurement_method_details: details,
            procuring_entity: buyer,
        },
        awards: vec![Award {
            id: format!("{ocid}-award"),
            title: contract.title.clone(),
            status: "active",
            suppliers: vec![supplier],
            contract_period: sections.award_period.clone(),
        }],
        contracts: vec![Contract {
            id: contract.reference.clone(),
            award_id: format!("{ocid}-award"),
            title: contract.title.clone(),
            description: contract.notes.clone().filter(|n| !n.trim().is_empty()),
            status: sections.status,
            period: sections.period,
            value,
            has_renewal: sections.renewal.is_some(),
            renewal: sections.renewal,
            has_options: sections.options.is_some(),
            options: sections.options,
            milestones: sections.milestones,
            amendments: sections.amendments,
            agreed_metrics: metrics.agreed,
            implementation: (!metrics.reported.is_empty()).then_some(Implementation {
                metrics: metrics.reported,
            }),
        }],
    };
    Ok((release, changed))
}

/// When a contract last changed (see `settings::last_change`): its latest
/// audited change, or the latest of its start and its options' decisions.
fn changed_at(
    contract: &contract::Model,
    options: &[&extension_option::Model],
    audited: Option<DateTime<Utc>>,
) -> DateTime<Utc> {
    let mut days = vec![contract.start_date];
    days.extend(options.iter().filter_map(|o| o.decided_on));
    last_change(audited, &days)
}

/// The releases of the loaded contracts, each built as it is written: a
/// national package holds tens of thousands, and only one need be in memory.
pub struct Releases<'a> {
    rows: &'a ContractRows,
    grouped: Grouped<'a>,
    inputs: Vec<crate::domain::liabilities::ContractInput>,
    settings: &'a OcdsSettings,
}

impl Releases<'_> {
    /// Each release in turn, by contract reference.
    pub fn iter(&self) -> impl Iterator<Item = AppResult<Release>> + '_ {
        self.rows
            .contracts
            .iter()
            .zip(&self.inputs)
            .map(|(contract, input)| {
                release(
                    contract,
                    input,
                    &self.grouped,
                    self.rows.audited.get(&contract.id).copied(),
                    self.settings,
                )
                .map(|(release, _)| release)
            })
    }
}

impl serde::Serialize for Releases<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error, SerializeSeq};
        let mut seq = serializer.serialize_seq(Some(self.rows.contracts.len()))?;
        for release in self.iter() {
            // Only stored data breaking a rule fails here: an internal error.
            let release = release.map_err(|e| match e {
                AppError::Internal(detail) => S::Error::custom(detail),
                other => S::Error::custom(other.message()),
            })?;
            seq.serialize_element(&release)?;
        }
        seq.end()
    }
}

/// The release package of the loaded contracts, its releases built as they
/// are written (`scope` names the package). `NOT_FOUND` when there is no
/// contract to export: a package needs one.
pub fn package<'a>(
    rows: &'a ContractRows,
    scope: &ContractScope,
    settings: &'a OcdsSettings,
) -> AppResult<ReleasePackage<Releases<'a>>> {
    if rows.contracts.is_empty() {
        return Err(AppError::NotFound(
            "contract: there is no contract in use to export".to_owned(),
        ));
    }
    let grouped = Grouped::new(rows);
    let inputs = inputs(rows)?;
    let mut latest = DateTime::<Utc>::UNIX_EPOCH;
    let mut seen = HashSet::new();
    for contract in &rows.contracts {
        // References are unique, so ocids are; this guards the invariant.
        if !seen.insert(&contract.reference) {
            return Err(AppError::internal(format!(
                "two contracts share the reference {:?}",
                contract.reference
            )));
        }
        let options = grouped
            .options
            .get(&contract.id)
            .map_or(&[][..], Vec::as_slice);
        latest = latest.max(changed_at(
            contract,
            options,
            rows.audited.get(&contract.id).copied(),
        ));
    }
    let uri = match (scope, rows.contracts.first()) {
        (ContractScope::Reference(_), Some(contract)) => format!(
            "urn:commtrack:ocds:{}:contract:{}",
            settings.prefix.as_str(),
            contract.id
        ),
        _ => format!("urn:commtrack:ocds:{}:contracts", settings.prefix.as_str()),
    };
    Ok(ReleasePackage {
        uri,
        version: "1.1",
        extensions: EXTENSIONS.to_vec(),
        published_date: timestamp(settings.published.unwrap_or(latest)),
        publisher: Publisher {
            name: "commtrack".to_owned(),
        },
        releases: Releases {
            rows,
            grouped,
            inputs,
            settings,
        },
    })
}

/// The release package of the loaded contracts with every release built.
pub fn release_package(
    rows: &ContractRows,
    scope: &ContractScope,
    settings: &OcdsSettings,
) -> AppResult<ReleasePackage> {
    let lazy = package(rows, scope, settings)?;
    let releases = lazy.releases.iter().collect::<AppResult<Vec<_>>>()?;
    Ok(ReleasePackage {
        uri: lazy.uri,
        version: lazy.version,
        extensions: lazy.extensions,
        published_date: lazy.published_date,
        publisher: lazy.publisher,
        releases,
    })
}

/// Writes the release package of the loaded contracts as JSON to `out`,
/// one release at a time.
pub fn write_package(
    rows: &ContractRows,
    scope: &ContractScope,
    settings: &OcdsSettings,
    out: impl std::io::Write,
) -> AppResult<()> {
    use std::io::Write;
    let package = package(rows, scope, settings)?;
    let mut out = std::io::BufWriter::new(out);
    serde_json::to_writer_pretty(&mut out, &package).map_err(AppError::internal)?;
    out.flush().map_err(AppError::internal)
}
