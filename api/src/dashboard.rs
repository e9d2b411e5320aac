//! The dashboard page served at `GET /`: the renewal calendar, spend by
//! funding stream and year, reach and cost per person, and grant rounds.
//!
//! The page is a static HTML shell plus two scripts and a stylesheet from
//! `api/assets/dashboard/`, embedded at build time so that it works with no
//! internet access, like GraphiQL. The scripts read everything through the
//! public GraphQL API at `/graphql` (with the user's API key when the server
//! needs one), so the page holds no data and no rule of its own and needs no
//! key to be served.
//!
//! The scripts and stylesheet are served under names that carry a hash of
//! their contents (`/dashboard/assets/dashboard.3f2a….js`), so they are cached
//! for a year and an upgrade still reaches browsers; the page itself is
//! revalidated on every visit (`no-cache` with an `ETag`). Every response
//! carries a Content-Security-Policy that lets the page load and call only
//! this server, and run no inline script.

use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use sha2::{Digest, Sha256};

/// URL prefix of the embedded scripts and stylesheet; must match the route
/// in [`router`].
const ASSETS_PREFIX: &str = "/dashboard/assets";

/// Only this origin, no inline script or style, no framing. `data:` images
/// only for the empty favicon the page declares (so that the browser does not
/// ask for `/favicon.ico`).
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; \
     form-action 'self'; frame-ancestors 'none'";

/// Assets are named by their contents' hash, so a year without revalidation
/// never serves a stale copy.
const CACHE_FOREVER: &str = "public, max-age=31536000, immutable";
/// The page's URL never changes, so browsers must ask every time (cheaply,
/// with `If-None-Match`).
const REVALIDATE: &str = "no-cache";

/// One embedded file and the hashed name it is served under.
struct Asset {
    /// `dashboard.<hash>.js`.
    name: String,
    /// What the HTML shell writes where this asset's URL goes.
    placeholder: &'static str,
    content_type: &'static str,
    body: &'static [u8],
}

impl Asset {
    /// Names `body` `{stem}.{first 16 hex digits of its SHA-256}.{extension}`.
    fn new(
        stem: &str,
        extension: &str,
        placeholder: &'static str,
        content_type: &'static str,
        body: &'static [u8],
    ) -> Asset {
        let hash = hex::encode(&Sha256::digest(body)[..8]);
        Asset {
            name: format!("{stem}.{hash}.{extension}"),
            placeholder,
            content_type,
            body,
        }
    }

    /// Root-relative URL of the asset, as the page refers to it.
    fn url(&self) -> String {
        format!("{ASSETS_PREFIX}/{}", self.name)
    }
}

/// The scripts and the stylesheet.
static ASSETS: LazyLock<[Asset; 3]> = LazyLock::new(|| {
    [
        Asset::new(
            "basics",
            "js",
            "{{basics.js}}",
            "text/javascript; charset=utf-8",
            include_bytes!("../assets/dashboard/basics.js"),
        ),
        Asset::new(
            "dashboard",
            "js",
            "{{dashboard.js}}",
            "text/javascript; charset=utf-8",
            include_bytes!("../assets/dashboard/dashboard.js"),
        ),
        Asset::new(
            "dashboard",
            "css",
            "{{dashboard.css}}",
            "text/css; charset=utf-8",
            include_bytes!("../assets/dashboard/dashboard.css"),
        ),
    ]
});

/// The HTML shell with the assets' hashed URLs filled in, and its `ETag`.
static PAGE: LazyLock<(String, String)> = LazyLock::new(|| {
    let mut html = include_str!("../assets/dashboard/index.html").to_owned();
    for asset in ASSETS.iter() {
        html = html.replace(asset.placeholder, &asset.url());
    }
    let etag = format!("\"{}\"", hex::encode(&Sha256::digest(html.as_bytes())[..8]));
    (html, etag)
});

/// Routes `GET /` to the page and `GET /dashboard/assets/{file}` to its
/// scripts and stylesheet (any other file is a 404). The routes need no
/// credentials; the page asks for an API key itself when `/graphql` wants
/// one. The router holds no state, so it merges into a router of any state.
pub fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    Router::new()
        .route("/", get(page))
        .route(&format!("{ASSETS_PREFIX}/{{file}}"), get(asset))
}

/// Headers every dashboard response carries.
fn common_headers(content_type: &'static str, cache: &'static str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers
}

/// `GET /`: the HTML shell, or 304 when the browser's copy is current.
async fn page(request_headers: HeaderMap) -> Response {
    let (html, etag) = &*PAGE;
    let mut headers = common_headers("text/html; charset=utf-8", REVALIDATE);
    headers.insert(
        header::ETAG,
        HeaderValue::from_str(etag).expect("a hex ETag is a valid header value"),
    );
    let current = request_headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|tag| {
            let tag = tag.trim();
            tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == etag
        });
    if current {
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    (headers, html.clone()).into_response()
}

/// Looks the requested name up in the fixed [`ASSETS`] table; nothing is
/// read from the file system, so no path can escape it.
async fn asset(Path(file): Path<String>) -> Response {
    match ASSETS.iter().find(|asset| asset.name == file) {
        Some(asset) => (
            common_headers(asset.content_type, CACHE_FOREVER),
            asset.body,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

#[cfg(test)]
mod tests;
