//! commtrack: commissioned-service contracts, grants, spend, budgets and
//! reach/outcome figures, served over GraphQL.
//!
//! - [`domain`]: the rules, as pure code (financial years, money, terms, splits).
//! - [`store`]: database access and transactions.
//! - [`graphql`]: the schema: types, scalars, loaders, pagination.
//! - [`http`]: the axum router and its middleware.
//! - [`seed`]: the demo dataset.
//! - [`export`]: open-data exports (OCDS, 360Giving).
//! - [`cli`] and [`config`]: the `commtrack` command.

pub mod auth;
pub mod cli;
pub mod config;
pub mod domain;
pub mod error;
pub mod export;
pub mod graphiql;
pub mod graphql;
pub mod http;
pub mod seed;
pub mod store;
