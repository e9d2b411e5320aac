//! Who is calling, and how often: the middleware in front of `/graphql`.
//!
//! It reads `Authorization: Bearer <key>`, resolves the caller to a
//! [`Principal`] (one indexed lookup; a revoked key stops working at once)
//! and hands it to the GraphQL handler in the request's extensions. Without a
//! key, a public-read server lets the request in as an anonymous viewer;
//! otherwise, and always for a malformed, unknown or revoked key, the answer
//! is 401 `UNAUTHENTICATED`. Then the caller's rate limit is charged: per key,
//! or per peer address for anonymous and refused callers (so guessing keys is
//! throttled too); over it, 429 `RATE_LIMITED` with `Retry-After`.
//! Refusals are logged with their reason, which the client is not told.
//! GraphiQL's page needs no key: it asks for one in its header editor.

use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use governor::clock::Clock;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use sea_orm::DatabaseConnection;

use super::reply::{self, Media};
use super::SecurityOptions;
use crate::auth::keys::{self, KeyUse, Refusal};
use crate::auth::Principal;

/// How often (in checks) idle rate-limit entries are dropped, so that a
/// stream of new addresses cannot grow the table without bound.
const PRUNE_EVERY: u64 = 4096;

/// Who a rate limit is kept for.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Caller {
    Key(i64),
    Address(IpAddr),
    /// No peer address known (a router driven without a socket, in tests).
    Unknown,
}

/// The state of the access middleware.
pub struct Access {
    db: DatabaseConnection,
    public_read: bool,
    limiter: Option<DefaultKeyedRateLimiter<Caller>>,
    checks: AtomicU64,
}

impl Access {
    /// Access control over the keys in `db`, as `security` says.
    pub fn new(db: DatabaseConnection, security: &SecurityOptions) -> Access {
        Access {
            db,
            public_read: security.public_read,
            limiter: security
                .rate_limit_per_minute
                .map(|n| RateLimiter::keyed(Quota::per_minute(n))),
            checks: AtomicU64::new(0),
        }
    }

    /// `Err(seconds to wait)` when `caller` is over its rate limit.
    fn charge(&self, caller: &Caller) -> Result<(), u64> {
        let Some(limiter) = &self.limiter else {
            return Ok(());
        };
        if self.checks.fetch_add(1, Ordering::Relaxed) % PRUNE_EVERY == PRUNE_EVERY - 1 {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
        limiter.check_key(caller).map_err(|not_until| {
            let wait = not_until.wait_time_from(limiter.clock().now());
            wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
        })
    }
}

/// What the middleware concluded about a request's credentials.
enum Verdict {
    Caller(Principal),
    Refused(&'static str),
}

/// Which way a request comes in, which decides where its key may be and
/// which keys may pass.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Door {
    /// The API: the key in `Authorization` only; calendar keys stay out.
    Api,
    /// The iCalendar feed: calendar clients cannot send headers, so the key
    /// may also come as the `key` query parameter; calendar keys pass.
    CalendarFeed,
}

/// Middleware for the API: authenticate, rate-limit, and pass the
/// [`Principal`] on.
pub async fn authenticate(
    State(access): State<std::sync::Arc<Access>>,
    request: Request,
    next: Next,
) -> Response {
    // Only GraphiQL's page skips the key: other routes behind this
    // middleware (the exports) need a caller even when a browser asks.
    if request.method() == Method::GET
        && request.uri().path() == "/graphql"
        && super::graphql::wants_graphiql(request.headers(), request.uri())
    {
        return next.run(request).await;
    }
    admit(&access, request, next, Door::Api).await
}

/// Middleware for the iCalendar feed: like [`authenticate`], but the key may
/// be the `key` query parameter, and calendar keys are accepted.
pub async fn authenticate_feed(
    State(access): State<std::sync::Arc<Access>>,
    request: Request,
    next: Next,
) -> Response {
    admit(&access, request, next, Door::CalendarFeed).await
}

async fn admit(access: &Access, mut request: Request, next: Next, door: Door) -> Response {
    let media = Media::accepted(request.headers());
    let request_id = reply::request_id(request.headers());
    let address = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(address)| address.ip());
    let verdict = match credentials(&request, door) {
        Credentials::Missing if access.public_read => Verdict::Caller(Principal::anonymous()),
        Credentials::Missing => Verdict::Refused("no key"),
        Credentials::OtherScheme => Verdict::Refused("Authorization is not a Bearer key"),
        Credentials::Key(key) => match keys::authenticate(&access.db, &key).await {
            Ok(Ok(principal)) => Verdict::Caller(principal),
            Ok(Err(refusal)) => Verdict::Refused(match refusal {
                Refusal::Malformed => "malformed key",
                Refusal::UnknownPrefix => "unknown key",
                Refusal::WrongSecret => "wrong secret",
                Refusal::Revoked => "revoked key",
            }),
            Err(error) => {
                if let crate::error::AppError::Internal(detail) = &error {
                    tracing::error!(%detail, "cannot look the API key up");
                }
                return reply::error(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "INTERNAL",
                    "internal error",
                    Some(&request_id),
                    media,
                );
            }
        },
    };
    let caller = match (&verdict, address) {
        (
            Verdict::Caller(Principal {
                key_id: Some(id), ..
            }),
            _,
        ) => Caller::Key(*id),
        (_, Some(address)) => Caller::Address(address),
        (_, None) => Caller::Unknown,
    };
    if let Err(wait) = access.charge(&caller) {
        tracing::warn!(?caller, retry_after = wait, "request refused: rate limited");
        let mut response = reply::error(
            StatusCode::TOO_MANY_REQUESTS,
            "RATE_LIMITED",
            &format!("too many requests: try again in {wait} s"),
            None,
            media,
        );
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(wait.max(1)));
        return response;
    }
    match verdict {
        Verdict::Caller(principal)
            if door == Door::Api && principal.key_use == KeyUse::CalendarFeed =>
        {
            tracing::warn!(caller = %principal.name, "request refused: calendar key");
            reply::error(
                StatusCode::FORBIDDEN,
                "FORBIDDEN",
                "this is a calendar key: it opens only GET /calendar.ics",
                None,
                media,
            )
        }
        Verdict::Caller(principal) => {
            request.extensions_mut().insert(principal);
            next.run(request).await
        }
        Verdict::Refused(reason) => {
            tracing::warn!(reason, ?caller, "request refused: unauthenticated");
            let mut response = reply::error(
                StatusCode::UNAUTHORIZED,
                "UNAUTHENTICATED",
                "a valid API key is required: send Authorization: Bearer <key>",
                None,
                media,
            );
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            response
        }
    }
}

/// What the `Authorization` header holds.
enum Credentials {
    Missing,
    OtherScheme,
    Key(String),
}

fn credentials(request: &Request, door: Door) -> Credentials {
    let Some(value) = request.headers().get(header::AUTHORIZATION) else {
        return match door {
            Door::CalendarFeed => query_key(request.uri().query().unwrap_or_default()),
            Door::Api => Credentials::Missing,
        };
    };
    let Ok(value) = value.to_str() else {
        return Credentials::OtherScheme;
    };
    match value.split_once(' ') {
        // The scheme is case-insensitive (RFC 9110); the key is not.
        Some((scheme, key)) if scheme.eq_ignore_ascii_case("bearer") => {
            Credentials::Key(key.trim().to_owned())
        }
        _ => Credentials::OtherScheme,
    }
}

/// The `key` query parameter of a feed URL. Given twice, the request is
/// refused rather than one of them picked.
fn query_key(query: &str) -> Credentials {
    let mut keys = form_urlencoded::parse(query.as_bytes()).filter(|(name, _)| name == "key");
    match (keys.next(), keys.next()) {
        (None, _) => Credentials::Missing,
        (Some((_, key)), None) => Credentials::Key(key.trim().to_owned()),
        (Some(_), Some(_)) => Credentials::OtherScheme,
    }
}
