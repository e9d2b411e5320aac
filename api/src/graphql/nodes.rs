//! The object types with a global id, declared together, each around the
//! row it shows. The schema's types refer to each other (a contract's
//! provider is an organisation, an organisation lists its contracts), so
//! every area names the others' types from here, and this module names no
//! area. A type's fields (its `#[Object]` impl) and what a page loads ahead
//! for it (its `Prepare` impl) stay in its area's module; the `Node`
//! interface over them all is in [`node`](super::node).

use std::sync::Arc;

use entity::{
    area, budget, contract, cost_share, extension_option, funding_stream, grant_award,
    grant_programme, grant_round, indicator, observation, organisation, service, spend_line, theme,
};

use crate::graphql::prepared::{Row, Rows};

/// An organisation: a commissioner, provider, partner, funder or grant recipient.
pub struct Organisation(pub Row<organisation::Entity>);

/// A district, county or region.
pub struct Area(pub Row<area::Entity>);

/// A theme that services and grants address, e.g. "Domestic Abuse".
pub struct Theme(pub Row<theme::Entity>);

/// A commissioned service, e.g. the Adult Sexual Assault Referral Centre.
pub struct Service(pub Row<service::Entity>);

/// A commissioning budget funding stream, e.g. "Victims of Crime".
pub struct FundingStream(pub Row<funding_stream::Entity>);

/// A contract: a service delivered by a provider for a lead commissioner.
#[derive(Clone)]
pub struct Contract(pub Row<contract::Entity>);

/// An optional extension of a contract's term.
pub struct ExtensionOption(pub Row<extension_option::Entity>);

/// One party's share of a contract's cost. Shares are percentages of their
/// parent: the shares at every level sum to exactly 100.
pub struct CostShare {
    /// The share's row.
    pub(super) row: Row<cost_share::Entity>,
    /// Every share of the same contract, when already loaded: walking the tree
    /// then needs no further query.
    pub(super) all: Option<Rows<cost_share::Entity>>,
}

impl CostShare {
    /// A share fetched on its own (e.g. by `node`).
    pub fn alone(row: cost_share::Model) -> Self {
        CostShare {
            row: Arc::new(row),
            all: None,
        }
    }
}

/// A grant programme, e.g. the Mayor's Safer Communities Fund.
pub struct GrantProgramme(pub Row<grant_programme::Entity>);

/// A round of a grant programme: a pot, a window for applications, awards.
pub struct GrantRound(pub Row<grant_round::Entity>);

/// A grant awarded to a recipient for a project.
pub struct GrantAward(pub Row<grant_award::Entity>);

/// A funding stream's budget for one financial year.
pub struct Budget(pub Row<budget::Entity>);

/// Spend against a funding stream in a financial year (and, when known, a quarter).
pub struct SpendLine(pub Row<spend_line::Entity>);

/// A reach or outcome measure (young people reached, victim satisfaction...)
/// for one subject: a service, contract, grant round or organisation.
pub struct Indicator(pub Row<indicator::Entity>);

/// An indicator's value over one period, with its target and baseline.
pub struct Observation(pub Row<observation::Entity>);

crate::node_from_row!(
    Organisation => organisation,
    Area => area,
    Theme => theme,
    Service => service,
    FundingStream => funding_stream,
    Contract => contract,
    ExtensionOption => extension_option,
    GrantProgramme => grant_programme,
    GrantRound => grant_round,
    GrantAward => grant_award,
    Budget => budget,
    SpendLine => spend_line,
    Indicator => indicator,
    Observation => observation,
);
