//! commtrack: commissioned-service contracts, grants, spend, budgets and
//! reach/outcome figures, served over GraphQL.
//!
//! - [`domain`]: the rules, as pure code (financial years, money, terms, splits).
//! - [`store`]: database access and transactions.
//! - [`graphql`]: the schema: types, scalars, loaders, pagination.
//! - [`http`]: the axum router and its middleware.
//! - [`feed`]: the renewal calendar as an iCalendar feed.
//! - [`seed`]: the demo dataset.
//! - [`dashboard`] and [`graphiql`]: the pages served to browsers.
//! - [`export`]: open-data exports (OCDS, 360Giving).
//! - [`cli`] and [`config`]: the `commtrack` command.

pub mod auth;
pub mod cli;
pub mod config;
pub mod dashboard;
pub mod domain;
pub mod error;
pub mod export;
pub mod feed;
pub mod graphiql;
pub mod graphql;
pub mod http;
pub mod import;
pub mod seed;
pub mod store;
