//! One error type for the whole API, with machine-readable codes.
//!
//! Clients see a code in `extensions.code` and a message written for them.
//! Internal failures (database, driver, bugs) are logged with their detail and
//! reach the client only as "internal error" plus the request id (added by the
//! HTTP layer), so no SQL or driver text ever leaves the server.

use std::sync::Arc;

use async_graphql::ErrorExtensions;

/// Every failure a resolver or the store can report.
///
/// Deliberately not `Display`: async-graphql converts any `Display` error into a
/// client-visible message, and an internal error's detail must never take that road.
#[derive(Clone, Debug)]
pub enum AppError {
    /// The named object does not exist.
    NotFound(String),
    /// The request is malformed or breaks a rule; the message names the field and the rule.
    BadInput {
        /// The machine-readable rule code, e.g. `FINANCIAL_YEAR_MALFORMED`.
        code: &'static str,
        /// What is wrong, naming the field.
        message: String,
    },
    /// No valid credentials were presented.
    Unauthenticated(String),
    /// The caller's role or organisation does not allow this.
    Forbidden(String),
    /// Something failed inside the server; the detail is for the log only.
    Internal(Arc<str>),
}

impl AppError {
    /// The code clients see in `extensions.code`.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::NotFound(_) => "NOT_FOUND",
            AppError::BadInput { .. } => "BAD_USER_INPUT",
            AppError::Unauthenticated(_) => "UNAUTHENTICATED",
            AppError::Forbidden(_) => "FORBIDDEN",
            AppError::Internal(_) => "INTERNAL",
        }
    }

    /// The message a client may see.
    pub fn message(&self) -> &str {
        match self {
            AppError::NotFound(message) => message,
            AppError::BadInput { message, .. } => message,
            AppError::Unauthenticated(message) | AppError::Forbidden(message) => message,
            AppError::Internal(_) => "internal error",
        }
    }

    /// A bad-input error with a rule code.
    pub fn bad_input(code: &'static str, message: impl Into<String>) -> Self {
        AppError::BadInput {
            code,
            message: message.into(),
        }
    }

    /// An internal error; `detail` is logged, never shown.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        AppError::Internal(detail.to_string().into())
    }
}

impl From<sea_orm::DbErr> for AppError {
    fn from(err: sea_orm::DbErr) -> Self {
        AppError::internal(err)
    }
}

/// A calendar request the domain refused, as a bad input naming the
/// argument at fault (the same words for GraphQL and the iCalendar feed).
impl From<crate::domain::calendar::CalendarError> for AppError {
    fn from(err: crate::domain::calendar::CalendarError) -> Self {
        AppError::bad_input(err.code(), format!("{}: {err}", err.field()))
    }
}

impl From<AppError> for async_graphql::Error {
    fn from(err: AppError) -> Self {
        let code = err.code();
        match &err {
            AppError::Internal(detail) => {
                // The request span (see `http`) carries the request id into this line.
                tracing::error!(detail = %detail, "internal error");
                async_graphql::Error::new("internal error")
                    .extend_with(|_, ext| ext.set("code", code))
            }
            AppError::BadInput { code: rule, .. } => async_graphql::Error::new(err.message())
                .extend_with(|_, ext| {
                    ext.set("code", code);
                    ext.set("rule", *rule);
                }),
            AppError::NotFound(_) | AppError::Unauthenticated(_) | AppError::Forbidden(_) => {
                async_graphql::Error::new(err.message()).extend_with(|_, ext| ext.set("code", code))
            }
        }
    }
}

/// Shorthand for results carrying an [`AppError`].
pub type AppResult<T> = Result<T, AppError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_hide_their_detail() {
        let err: async_graphql::Error =
            AppError::internal("SELECT * FROM contracts: syntax error").into();
        assert_eq!(err.message, "internal error");
        let ext = format!("{:?}", err.extensions);
        assert!(ext.contains("INTERNAL"));
        assert!(!ext.contains("SELECT"));
    }

    #[test]
    fn bad_input_carries_code_and_rule() {
        let err: async_graphql::Error = AppError::bad_input(
            "FINANCIAL_YEAR_MALFORMED",
            "financialYear: expected 2023-24",
        )
        .into();
        assert_eq!(err.message, "financialYear: expected 2023-24");
        let ext = format!("{:?}", err.extensions);
        assert!(ext.contains("BAD_USER_INPUT") && ext.contains("FINANCIAL_YEAR_MALFORMED"));
    }
}
