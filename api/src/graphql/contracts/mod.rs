//! Contracts, their extension options and their cost-sharing splits. The
//! computed dates and status come from `domain::contract_term`.
//!
//! The types themselves are declared in [`nodes`](super::nodes), where the
//! other areas find them; their fields are resolved here.

pub mod list;
pub mod options_list;

use async_graphql::{Context, Enum, Lookahead, Object, SimpleObject, ID};
use chrono::NaiveDate;
use entity::{contract, cost_share};
use futures::future::BoxFuture;
use rust_decimal::Decimal;
use sea_orm::ColumnTrait;

use crate::domain::{self, ContractTerm, SharePpm, TermOption};
use crate::error::AppResult;
use crate::graphql::ids::global_id;
use crate::graphql::loaders::database;
use crate::graphql::nodes::{
    Contract, CostShare, ExtensionOption, Indicator, Organisation, Service,
};
use crate::graphql::prepared::{selects, Prepare, Preparer, Row, Rows};
use crate::graphql::relations::{load_children, load_required};
use crate::graphql::scalars::{Date, DateTime, DecimalScalar, Provenance, ReportedAmount};
use crate::graphql::today;
use crate::store::fetch::one_where;
use crate::store::writes::terms::{recorded_state, term_option};

/// Where a contract is in its life on a given day, derived from its dates and
/// its options' states (nothing needs a nightly job).
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContractStatus {
    /// Before the start date.
    NotStarted,
    /// Within the initial term.
    Active,
    /// After the initial term, within an exercised extension.
    InExtension,
    /// After the current end date.
    Expired,
    /// Ended early by the commissioners (recorded, not derived).
    Terminated,
}

/// How a contract was procured.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::enums::ProcurementRoute")]
pub enum ProcurementRoute {
    /// An open tender.
    OpenProcedure,
    /// A competitive flexible procedure.
    CompetitiveFlexible,
    /// Awarded directly, without competition.
    DirectAward,
    /// Called off a framework agreement.
    FrameworkCallOff,
    /// A grant agreement rather than a procured contract.
    GrantAgreement,
    /// Not recorded.
    Unknown,
}

crate::filter_enum!(ProcurementRoute => ProcurementRouteFilter);

/// Progress of an Equality Impact Assessment.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::enums::EiaStatus")]
pub enum EiaStatus {
    /// Not started yet.
    NotStarted,
    /// Under way.
    InProgress,
    /// Completed; its actions are monitored through contracting.
    Completed,
}

crate::filter_enum!(EiaStatus => EiaStatusFilter);

/// An extension option's state. `LAPSED` is also derived: an option still
/// available after its decide-by date has lapsed.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum OptionState {
    /// Can still be exercised or declined.
    Available,
    /// Exercised: the term is extended.
    Exercised,
    /// Declined: the term will not be extended by it.
    Declined,
    /// Not decided by its decide-by date.
    Lapsed,
}

crate::filter_enum!(OptionState => OptionStateFilter);

impl From<domain::OptionState> for OptionState {
    fn from(state: domain::OptionState) -> Self {
        match state {
            domain::OptionState::Available => OptionState::Available,
            domain::OptionState::Exercised => OptionState::Exercised,
            domain::OptionState::Declined => OptionState::Declined,
            domain::OptionState::Lapsed => OptionState::Lapsed,
        }
    }
}

/// A contract's Equality Impact Assessment.
#[derive(SimpleObject)]
pub struct EqualityImpactAssessment {
    /// Its progress.
    pub status: EiaStatus,
    /// When it is next due for review.
    pub review_date: Option<Date>,
}

impl Contract {
    fn term(&self) -> ContractTerm {
        ContractTerm {
            start: self.0.start_date,
            initial_term_months: self.0.initial_term_months.max(0) as u32,
        }
    }

    async fn term_options(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<TermOption>> {
        let options = load_children(ctx, |l| &l.options_by_contract, self.0.id).await?;
        Ok(options.iter().map(|option| term_option(option)).collect())
    }
}

/// A contract: a service delivered by a provider for a lead commissioner.
#[Object]
impl Contract {
    /// The opaque global id.
    pub async fn id(&self) -> ID {
        global_id("Contract", self.0.id)
    }
    /// The record's version: raised by one on every change. Send it as
    /// `expectedVersion` when changing the record.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// When the record was archived; null while it is in use.
    async fn archived_at(&self) -> Option<DateTime> {
        self.0.archived_at.map(DateTime)
    }
    /// Why the record was archived.
    async fn archive_reason(&self) -> Option<&str> {
        self.0.archive_reason.as_deref()
    }
    /// The contract's human reference (unique), e.g. "WYCA-SARC-2023".
    async fn reference(&self) -> &str {
        &self.0.reference
    }
    /// A short title.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// The service delivered.
    async fn service(&self, ctx: &Context<'_>) -> async_graphql::Result<Service> {
        Ok(Service(
            load_required(ctx, |l| &l.services, self.0.service_id).await?,
        ))
    }
    /// The organisation delivering it.
    async fn provider(&self, ctx: &Context<'_>) -> async_graphql::Result<Organisation> {
        Ok(Organisation(
            load_required(ctx, |l| &l.organisations, self.0.provider_id).await?,
        ))
    }
    /// The commissioner leading it (others may share its cost: see `costShares`).
    async fn lead_commissioner(&self, ctx: &Context<'_>) -> async_graphql::Result<Organisation> {
        Ok(Organisation(
            load_required(ctx, |l| &l.organisations, self.0.lead_commissioner_id).await?,
        ))
    }
    /// The first day of the contract.
    async fn start_date(&self) -> Date {
        Date(self.0.start_date)
    }
    /// The length of the initial term in months.
    async fn initial_term_months(&self) -> i32 {
        self.0.initial_term_months
    }
    /// The last day of the initial term, before any extension.
    async fn initial_end_date(&self) -> Date {
        Date(self.term().initial_end())
    }
    /// The last day of the contract as things stand on `asOf`: the initial term
    /// extended by every exercised option. This is when it ends if nothing more
    /// is exercised.
    async fn current_end_date(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The day to evaluate on (default: today in Europe/London).")]
        as_of: Option<Date>,
    ) -> async_graphql::Result<Date> {
        let as_of = as_of.map_or_else(today, |d| d.0);
        Ok(Date(
            self.term()
                .current_end(&self.term_options(ctx).await?, as_of),
        ))
    }
    /// The latest the contract can still end on `asOf`: the initial term
    /// extended by every option exercised or still available (declined and
    /// lapsed options no longer count).
    async fn maximum_end_date(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The day to evaluate on (default: today in Europe/London).")]
        as_of: Option<Date>,
    ) -> async_graphql::Result<Date> {
        let as_of = as_of.map_or_else(today, |d| d.0);
        Ok(Date(
            self.term()
                .maximum_end(&self.term_options(ctx).await?, as_of),
        ))
    }
    /// The end date if every option were exercised: the contract's maximum
    /// duration as awarded, whatever has happened since.
    async fn contractual_maximum_end_date(&self, ctx: &Context<'_>) -> async_graphql::Result<Date> {
        Ok(Date(
            self.term()
                .contractual_maximum_end(&self.term_options(ctx).await?),
        ))
    }
    /// The next date by which an extension decision must be taken (the
    /// earliest decide-by date of an option still available on `asOf`), if any.
    async fn next_decision_date(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The day to evaluate on (default: today in Europe/London).")]
        as_of: Option<Date>,
    ) -> async_graphql::Result<Option<Date>> {
        let as_of = as_of.map_or_else(today, |d| d.0);
        Ok(self
            .term()
            .next_decision_date(&self.term_options(ctx).await?, as_of)
            .map(Date))
    }
    /// Where the contract is in its life on `asOf`.
    async fn status(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The day to evaluate on (default: today in Europe/London).")]
        as_of: Option<Date>,
    ) -> async_graphql::Result<ContractStatus> {
        if self.0.status == entity::enums::ContractRecordStatus::Terminated {
            return Ok(ContractStatus::Terminated);
        }
        let as_of = as_of.map_or_else(today, |d| d.0);
        Ok(
            match self.term().status(&self.term_options(ctx).await?, as_of) {
                domain::ContractStatus::NotStarted => ContractStatus::NotStarted,
                domain::ContractStatus::Active => ContractStatus::Active,
                domain::ContractStatus::InExtension => ContractStatus::InExtension,
                domain::ContractStatus::Expired => ContractStatus::Expired,
            },
        )
    }
    /// The value per contract year, as reported.
    async fn annual_value(&self) -> Option<ReportedAmount> {
        let c = &self.0;
        ReportedAmount::from_columns(
            c.annual_value_pence,
            c.annual_value_qualifier,
            c.annual_value_wording.as_ref(),
        )
    }
    /// The total value over the contract (or the funding committed to it), as reported.
    async fn total_value(&self) -> Option<ReportedAmount> {
        let c = &self.0;
        ReportedAmount::from_columns(
            c.total_value_pence,
            c.total_value_qualifier,
            c.total_value_wording.as_ref(),
        )
    }
    /// How it was procured.
    async fn procurement_route(&self) -> ProcurementRoute {
        self.0.procurement_route.into()
    }
    /// Its Equality Impact Assessment: every funded service requires one.
    async fn equality_impact_assessment(&self) -> EqualityImpactAssessment {
        EqualityImpactAssessment {
            status: self.0.eia_status.into(),
            review_date: self.0.eia_review_date.map(Date),
        }
    }
    /// The agreement under which commissioners share its cost, e.g. "Collaboration agreement".
    async fn cost_share_agreement(&self) -> Option<&str> {
        self.0.cost_share_agreement.as_deref()
    }
    /// Who pays what share of its cost: the top level of the split, each share
    /// possibly split further (see `CostShare.shares`).
    async fn cost_shares(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<CostShare>> {
        let all = load_children(ctx, |l| &l.shares_by_contract, self.0.id).await?;
        Ok(CostShare::level(&all, None))
    }
    /// Its extension options, in the order they would extend the term.
    async fn extension_options(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<ExtensionOption>> {
        let options = load_children(ctx, |l| &l.options_by_contract, self.0.id).await?;
        Ok(options.iter().cloned().map(ExtensionOption).collect())
    }
    /// Reach and outcome indicators reported for this contract.
    async fn indicators(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Indicator>> {
        let rows = load_children(ctx, |l| &l.indicators_by_contract, self.0.id).await?;
        Ok(rows.iter().cloned().map(Indicator).collect())
    }
    /// Free-text notes.
    async fn notes(&self) -> Option<&str> {
        self.0.notes.as_deref()
    }
    /// Where the facts come from, and which are illustrative.
    async fn provenance(&self) -> Provenance {
        Provenance::from_columns(
            &self.0.source,
            self.0.is_illustrative,
            &self.0.illustrative_fields,
        )
    }
}

/// The fields of a contract that read its extension options.
const READS_OPTIONS: &[&str] = &[
    "extensionOptions",
    "currentEndDate",
    "maximumEndDate",
    "contractualMaximumEndDate",
    "nextDecisionDate",
    "status",
];

/// Whether a selection of cost shares selects `party` at any level of the split.
fn shares_select_party(shares: &Lookahead<'_>) -> bool {
    let mut level = shares.field("shares");
    if shares.field("party").exists() {
        return true;
    }
    // The split is at most a few levels deep; the query depth limit bounds it too.
    for _ in 0..crate::graphql::QUERY_LIMITS.max_depth {
        if !level.exists() {
            return false;
        }
        if level.field("party").exists() {
            return true;
        }
        level = level.field("shares");
    }
    false
}

/// A page of contracts loads, one call per relation: their options (for the
/// dates, status and options), their cost shares, their services (and what
/// the query selects of those), their indicators (and their observations),
/// and every organisation
/// selected as provider, lead commissioner or paying party, together.
impl Prepare for Contract {
    type Entity = contract::Entity;

    fn prepare<'a, 's: 'a>(
        with: Preparer<'a>,
        rows: &'a [Row<contract::Entity>],
        selection: &'a Lookahead<'s>,
    ) -> BoxFuture<'a, AppResult<()>> {
        Box::pin(async move {
            let l = with.loaders;
            let ids = || rows.iter().map(|c| c.id);
            let options = async {
                if selects(selection, READS_OPTIONS) {
                    with.children(&l.options_by_contract, ids()).await?;
                }
                AppResult::Ok(())
            };
            let share_selection = selection.field("costShares");
            let shares = async {
                if share_selection.exists() {
                    return with.children(&l.shares_by_contract, ids()).await;
                }
                Ok(Vec::new())
            };
            let service_selection = selection.field("service");
            let services = async {
                if service_selection.exists() {
                    let services = with
                        .rows(&l.services, rows.iter().map(|c| c.service_id))
                        .await?;
                    Service::prepare(with, &services, &service_selection).await?;
                }
                AppResult::Ok(())
            };
            let indicator_selection = selection.field("indicators");
            let indicators = async {
                if indicator_selection.exists() {
                    let indicators = with.children(&l.indicators_by_contract, ids()).await?;
                    Indicator::prepare(with, &indicators, &indicator_selection).await?;
                }
                AppResult::Ok(())
            };
            let ((), shares, (), ()) = futures::try_join!(options, shares, services, indicators)?;
            let mut organisations = Vec::new();
            if selection.field("provider").exists() {
                organisations.extend(rows.iter().map(|c| c.provider_id));
            }
            if selection.field("leadCommissioner").exists() {
                organisations.extend(rows.iter().map(|c| c.lead_commissioner_id));
            }
            if shares_select_party(&share_selection) {
                organisations.extend(shares.iter().map(|s| s.organisation_id));
            }
            with.rows(&l.organisations, organisations).await?;
            Ok(())
        })
    }
}

/// An optional extension of a contract's term.
#[Object]
impl ExtensionOption {
    /// The opaque global id.
    pub async fn id(&self) -> ID {
        global_id("ExtensionOption", self.0.id)
    }
    /// The record's version: raised by one on every change. Send it as
    /// `expectedVersion` when changing the record.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// The contract it extends.
    async fn contract(&self, ctx: &Context<'_>) -> async_graphql::Result<Contract> {
        Ok(Contract(
            load_required(ctx, |l| &l.contracts, self.0.contract_id).await?,
        ))
    }
    /// Its place in the order of options (1 extends the initial term).
    async fn sequence(&self) -> i32 {
        self.0.sequence
    }
    /// How many months it adds to the term.
    async fn length_months(&self) -> i32 {
        self.0.length_months
    }
    /// The last day on which it can be exercised or declined.
    async fn decide_by(&self) -> Date {
        Date(self.0.decide_by)
    }
    /// Its state on `asOf`: an option still available after its decide-by date has lapsed.
    async fn state(
        &self,
        #[graphql(desc = "The day to evaluate on (default: today in Europe/London).")]
        as_of: Option<Date>,
    ) -> OptionState {
        let as_of: NaiveDate = as_of.map_or_else(today, |d| d.0);
        domain::effective_state(recorded_state(self.0.state), self.0.decide_by, as_of).into()
    }
    /// Its state as recorded, before deriving lapses.
    async fn recorded_state(&self) -> OptionState {
        recorded_state(self.0.state).into()
    }
    /// The day it was exercised or declined.
    async fn decided_on(&self) -> Option<Date> {
        self.0.decided_on.map(Date)
    }
    /// A note on the decision.
    async fn decision_note(&self) -> Option<&str> {
        self.0.decision_note.as_deref()
    }
    /// Where the facts come from, and which are illustrative.
    async fn provenance(&self) -> Provenance {
        Provenance::from_columns(
            &self.0.source,
            self.0.is_illustrative,
            &self.0.illustrative_fields,
        )
    }
}

impl CostShare {
    /// The shares of one level of a contract's split: the top level when
    /// `parent` is `None`, else the sub-shares of `parent`.
    fn level(all: &Rows<cost_share::Entity>, parent: Option<i64>) -> Vec<CostShare> {
        all.iter()
            .filter(|s| s.parent_id == parent)
            .map(|row| CostShare {
                row: row.clone(),
                all: Some(all.clone()),
            })
            .collect()
    }

    async fn contract_shares(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Rows<cost_share::Entity>> {
        Ok(match &self.all {
            Some(all) => all.clone(),
            None => load_children(ctx, |l| &l.shares_by_contract, self.row.contract_id).await?,
        })
    }
}

/// One party's share of a contract's cost. Shares are percentages of their
/// parent: the shares at every level sum to exactly 100.
#[Object]
impl CostShare {
    /// The opaque global id.
    pub async fn id(&self) -> ID {
        global_id("CostShare", self.row.id)
    }
    /// The contract whose cost is shared.
    async fn contract(&self, ctx: &Context<'_>) -> async_graphql::Result<Contract> {
        Ok(Contract(
            load_required(ctx, |l| &l.contracts, self.row.contract_id).await?,
        ))
    }
    /// The party that pays this share (or splits it further among `shares`).
    async fn party(&self, ctx: &Context<'_>) -> async_graphql::Result<Organisation> {
        Ok(Organisation(
            load_required(ctx, |l| &l.organisations, self.row.organisation_id).await?,
        ))
    }
    /// The share as a percentage of its parent share (of the whole contract at
    /// the top level), exact, e.g. `"50"` or `"17.5"`.
    async fn percentage(&self) -> async_graphql::Result<DecimalScalar> {
        Ok(DecimalScalar(share_of(&self.row)?.percentage()))
    }
    /// The share as a percentage of the whole contract: the product of this
    /// share and its ancestors' shares (e.g. 50% of 40% is `"20"`).
    async fn percentage_of_contract(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<DecimalScalar> {
        let all = self.contract_shares(ctx).await?;
        let mut percentage = share_of(&self.row)?.percentage();
        let mut parent = self.row.parent_id;
        while let Some(id) = parent {
            let Some(ancestor) = all.iter().find(|s| s.id == id) else {
                break;
            };
            percentage = percentage * share_of(ancestor)?.percentage() / Decimal::ONE_HUNDRED;
            parent = ancestor.parent_id;
        }
        Ok(DecimalScalar(percentage.normalize()))
    }
    /// How this share is split further among other parties (empty when this party pays it all).
    async fn shares(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<CostShare>> {
        let all = self.contract_shares(ctx).await?;
        Ok(CostShare::level(&all, Some(self.row.id)))
    }
    /// Where the facts come from, and which are illustrative.
    async fn provenance(&self) -> Provenance {
        Provenance::from_columns(
            &self.row.source,
            self.row.is_illustrative,
            &self.row.illustrative_fields,
        )
    }
}

fn share_of(row: &cost_share::Model) -> Result<SharePpm, crate::error::AppError> {
    SharePpm::from_ppm(row.share_ppm.max(0) as u32).map_err(|err| {
        crate::error::AppError::internal(format!("stored cost share {} is invalid: {err}", row.id))
    })
}

/// Queries about contracts.
#[derive(Default)]
pub struct ContractQuery;

/// Queries about contracts.
#[Object]
impl ContractQuery {
    /// The contract with this reference (e.g. "WYCA-SARC-2023"), if any.
    async fn contract(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The contract's reference.")] reference: String,
    ) -> async_graphql::Result<Option<Contract>> {
        Ok(
            one_where::<contract::Entity>(
                database(ctx)?,
                contract::Column::Reference.eq(reference),
            )
            .await?
            .map(Contract::from),
        )
    }
}
