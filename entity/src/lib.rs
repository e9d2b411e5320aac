//! SeaORM entities of commtrack: one module per table, and how their rows
//! are read (`model`).
//!
//! Money is integer pence (`*_pence`), shares integer parts per million
//! (`share_ppm`), observed values integers scaled by 10^4 (`*_e4`): exact and
//! summable on SQLite and PostgreSQL alike. API types live in the `api` crate.

pub mod api_key;
pub mod area;
pub mod audit_event;
pub mod budget;
pub mod contract;
pub mod cost_share;
pub mod enums;
pub mod extension_option;
pub mod funding_stream;
pub mod grant_award;
pub mod grant_award_area;
pub mod grant_award_theme;
pub mod grant_programme;
pub mod grant_round;
pub mod grant_round_theme;
pub mod indicator;
pub mod model;
pub mod observation;
pub mod organisation;
pub mod organisation_role;
pub mod reach_area_rollup;
pub mod reach_rollup;
pub mod service;
pub mod service_area;
pub mod service_partner;
pub mod service_theme;
pub mod spend_line;
pub mod spend_rollup;
pub mod theme;
