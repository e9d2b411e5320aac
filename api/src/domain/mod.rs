//! Pure domain rules for commtrack: no I/O, no database, no clock.
//!
//! Everything here is deterministic and takes "today" as an argument where it
//! matters, so the rules can be tested exhaustively and reused by the GraphQL
//! layer, the CLI and reports alike. Every error type has a `code()` giving a
//! stable SCREAMING_SNAKE machine code for API clients.
//!
//! - [`financial_year`]: UK financial years ("2023-24") and their quarters.
//! - [`money`]: exact amounts, parsed from strings and stored as pence.
//! - [`cost_share`]: nested cost-sharing splits and penny-exact allocation.
//! - [`extension_option`]: the states and decision rules of term options.
//! - [`contract_term`]: initial terms, extensions and contract status.

pub mod aggregates;
pub mod calendar;
pub mod contract_term;
pub mod cost_share;
pub mod date_order;
pub mod extension_option;
pub mod figure;
pub mod financial_year;
pub mod grant_pot;
pub mod input;
pub mod liabilities;
pub mod money;
mod plain_decimal;
pub mod term_changes;
pub mod text;

pub use contract_term::{
    add_months_to_end, validate_term, ContractStatus, ContractTerm, ContractTermError, EndDates,
    TermOption,
};
pub use cost_share::{
    allocate, allocate_tree, parse_percentage, validate_split, CostShareError, SharePpm, SplitNode,
    SplitViolation,
};
pub use extension_option::{
    check_decline, check_exercise, effective_state, ExtensionOptionError, OptionState,
};
pub use financial_year::{overlap_days, FinancialYear, FinancialYearError, Quarter};
pub use money::{
    decimal_to_pence, format_pounds, parse_amount, pence_to_decimal, MoneyError, MAX_PENCE,
};
