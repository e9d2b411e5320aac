//! Self-hosted GraphiQL: the in-browser GraphQL IDE served at `GET /graphql`.
//!
//! The stock async-graphql GraphiQL page loads React and GraphiQL from a
//! public CDN, so it shows a blank page on a machine without internet access.
//! This module serves the same IDE entirely from the binary instead:
//!
//! * [`page`] renders the HTML shell. It loads its scripts and stylesheet from
//!   `/graphiql/assets/…` on this server (root-relative URLs, no host) and
//!   talks to the GraphQL endpoint with plain `POST` JSON requests, forwarding
//!   whatever the user types into GraphiQL's header editor (e.g.
//!   `{"Authorization": "Bearer …"}`).
//! * [`assets_router`] serves those files, embedded at build time from
//!   `api/assets/graphiql/` with `include_bytes!`.
//!
//! The embedded files are GraphiQL 4.1.2's UMD bundle and stylesheet (the
//! stylesheet carries its fonts as `data:` URIs, so nothing else is fetched)
//! plus the React 18.3.1 / ReactDOM 18.3.1 UMD production builds, copied
//! verbatim from the npm packages. `api/assets/graphiql/fetch.sh` re-fetches
//! exactly those versions and checks them against `SHA256SUMS`; upgrading
//! means running it with new versions and updating the file names below.
//!
//! Every served file name contains its version, so the assets can be cached
//! forever (`immutable`) and an upgrade still reaches browsers: the new page
//! simply refers to new URLs.
//!
//! Wiring (done by the caller, shown for reference):
//!
//! ```text
//! let app = Router::new()
//!     .route("/graphql", get(|| async { graphiql::page("/graphql") }).post(graphql_handler))
//!     .merge(graphiql::assets_router());
//! ```
//!
//! Subscriptions are not wired into the page: its fetcher only does
//! request/response over HTTP `POST`.

use axum::{
    extract::Path,
    http::{header, HeaderValue, StatusCode},
    response::{Html, IntoResponse, Response},
    routing::get,
    Router,
};

/// URL prefix the page loads its files from; must match the route in
/// [`assets_router`].
const ASSETS_PREFIX: &str = "/graphiql/assets";

/// Sent with every asset. Safe to cache for a year without revalidation
/// because a file's URL changes whenever its contents do (versioned names).
const CACHE_FOREVER: &str = "public, max-age=31536000, immutable";

/// RFC 9239 names `text/javascript` as the JavaScript media type; the
/// charset matters because the bundles contain non-ASCII string literals.
const JS: &str = "text/javascript; charset=utf-8";
/// Content type of the stylesheet.
const CSS: &str = "text/css; charset=utf-8";

/// One file compiled into the binary.
struct Asset {
    /// Name under [`ASSETS_PREFIX`]; also the file name in `api/assets/graphiql/`.
    file: &'static str,
    content_type: &'static str,
    body: &'static [u8],
}

/// Builds an [`Asset`] whose served name and on-disk name are the same
/// literal, so the two cannot drift apart.
macro_rules! embedded {
    ($file:literal, $content_type:expr) => {
        Asset {
            file: $file,
            content_type: $content_type,
            body: include_bytes!(concat!("../assets/graphiql/", $file)),
        }
    };
}

// `static` rather than `const`: a const would be inlined at every use site,
// and these hold about 1.6 MB of data that should exist once in the binary.
static REACT: Asset = embedded!("react-18.3.1.production.min.js", JS);
static REACT_DOM: Asset = embedded!("react-dom-18.3.1.production.min.js", JS);
static GRAPHIQL_JS: Asset = embedded!("graphiql-4.1.2.min.js", JS);
static GRAPHIQL_CSS: Asset = embedded!("graphiql-4.1.2.min.css", CSS);

/// Everything [`assets_router`] serves; any other name is a 404.
static ASSETS: [&Asset; 4] = [&REACT, &REACT_DOM, &GRAPHIQL_JS, &GRAPHIQL_CSS];

/// Renders the GraphiQL HTML page for a GraphQL server reachable at `endpoint`.
///
/// `endpoint` is the URL the IDE sends its `POST` requests to, typically the
/// same path the page is served from (`"/graphql"`). It is embedded as a
/// JavaScript string literal and escaped for that, so any string is safe to
/// pass. The page needs the routes of [`assets_router`] on the same origin.
///
/// GraphiQL's header editor is enabled; the headers entered there (JSON, e.g.
/// `{"Authorization": "Bearer <token>"}`) are sent with every request,
/// including the schema introspection. They are not persisted to the
/// browser's local storage unless the user turns that on in GraphiQL's
/// settings, because they usually hold credentials.
pub fn page(endpoint: &str) -> Html<String> {
    let endpoint = js_string(endpoint);
    let react = asset_url(&REACT);
    let react_dom = asset_url(&REACT_DOM);
    let graphiql_js = asset_url(&GRAPHIQL_JS);
    let graphiql_css = asset_url(&GRAPHIQL_CSS);
    // Notes on the markup:
    // - `<link rel="icon" href="data:,">` stops the browser asking for
    //   /favicon.ico (the stock page points it at graphql.org).
    // - The fetcher is hand-written rather than `GraphiQL.createFetcher` so
    //   that what goes over the wire is obvious: one JSON POST, the user's
    //   headers layered over our defaults, and a readable GraphQL error when
    //   the reply is not JSON (a proxy's HTML error page, a 413 from the body
    //   limit, ...) instead of an opaque parse failure in the result pane.
    Html(format!(
        r##"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>GraphiQL</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{graphiql_css}">
<style>
  html, body {{ margin: 0; height: 100%; overflow: hidden; }}
  #graphiql {{ height: 100vh; }}
  .graphiql-boot {{ font-family: sans-serif; padding: 1rem; }}
</style>
</head>
<body>
<div id="graphiql"><p class="graphiql-boot">Loading GraphiQL&hellip;</p></div>
<noscript><p class="graphiql-boot">GraphiQL needs JavaScript.</p></noscript>
<script src="{react}"></script>
<script src="{react_dom}"></script>
<script src="{graphiql_js}"></script>
<script>
(function () {{
  "use strict";
  var endpoint = {endpoint};

  async function fetcher(graphQLParams, opts) {{
    var headers = Object.assign(
      {{ "Content-Type": "application/json", "Accept": "application/json" }},
      (opts && opts.headers) || {{}}
    );
    var response = await fetch(endpoint, {{
      method: "POST",
      headers: headers,
      body: JSON.stringify(graphQLParams),
      credentials: "same-origin"
    }});
    var text = await response.text();
    try {{
      return JSON.parse(text);
    }} catch (e) {{
      return {{ errors: [{{ message: "HTTP " + response.status + " " +
        response.statusText + ": " + text.slice(0, 2000) }}] }};
    }}
  }}

  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(React.createElement(GraphiQL, {{
    fetcher: fetcher,
    isHeadersEditorEnabled: true,
    shouldPersistHeaders: false
  }}));
}})();
</script>
</body>
</html>
"##
    ))
}

/// Routes `GET /graphiql/assets/{file}` to the embedded GraphiQL files that
/// [`page`] refers to.
///
/// Each file is answered with its `Content-Type`, `X-Content-Type-Options:
/// nosniff` and `Cache-Control: public, max-age=31536000, immutable` (file
/// names carry their version, so a long cache never serves a stale copy).
/// Any other file name is a `404 Not Found`. `HEAD` works too (axum answers
/// it from the `GET` route). The router holds no state, so it merges into a
/// router of any state type `S`.
pub fn assets_router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    Router::new().route(&format!("{ASSETS_PREFIX}/{{file}}"), get(serve_asset))
}

/// Looks the requested name up in the fixed [`ASSETS`] table; nothing is
/// read from the file system, so no path can escape it.
async fn serve_asset(Path(file): Path<String>) -> Response {
    match ASSETS.iter().find(|asset| asset.file == file) {
        Some(asset) => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static(asset.content_type),
                ),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static(CACHE_FOREVER),
                ),
                (
                    header::X_CONTENT_TYPE_OPTIONS,
                    HeaderValue::from_static("nosniff"),
                ),
            ],
            asset.body,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// Root-relative URL of `asset`, as the page refers to it.
fn asset_url(asset: &Asset) -> String {
    format!("{ASSETS_PREFIX}/{}", asset.file)
}

/// Quotes `s` as a JavaScript string literal that is safe inside an inline
/// `<script>` element.
///
/// Besides quotes, backslashes and control characters, `<`, `>` and `&` are
/// escaped so the value can never close the script element (`</script>`) or
/// open an HTML comment, and U+2028/U+2029 because older engines treat them
/// as line breaks inside string literals. Only `\\`, `\"` and `\uXXXX` escapes
/// are used, so the result is also valid JSON.
fn js_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '<' | '>' | '&' | '\'' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c if c.is_control() => {
                // Control characters beyond the BMP do not exist, so one
                // \uXXXX unit always suffices.
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::{body::Body, http::Request};
    use tower::Service;

    /// Sends one request through the router the way a server would.
    async fn get_response(uri: &str) -> Response {
        let mut router: Router = assets_router();
        std::future::poll_fn(|cx| Service::<Request<Body>>::poll_ready(&mut router, cx))
            .await
            .unwrap();
        router
            .call(Request::get(uri).body(Body::empty()).unwrap())
            .await
            .unwrap()
    }

    /// Every `src="…"` / `href="…"` value in the page.
    fn references(html: &str) -> Vec<&str> {
        let mut refs = Vec::new();
        for attr in ["src=\"", "href=\""] {
            let mut rest = html;
            while let Some(i) = rest.find(attr) {
                rest = &rest[i + attr.len()..];
                let end = rest.find('"').unwrap();
                refs.push(&rest[..end]);
                rest = &rest[end..];
            }
        }
        refs
    }

    #[test]
    fn page_references_only_local_assets() {
        let Html(html) = page("/graphql");
        assert!(!html.contains("http://"), "page mentions an http:// URL");
        assert!(!html.contains("https://"), "page mentions an https:// URL");
        assert!(!html.contains("//unpkg") && !html.contains("cdn"));

        let refs = references(&html);
        for asset in ASSETS {
            let url = asset_url(asset);
            assert!(refs.contains(&url.as_str()), "page does not load {url}");
        }
        for r in refs {
            let local = r == "data:,"
                || r.strip_prefix("/graphiql/assets/")
                    .is_some_and(|file| ASSETS.iter().any(|a| a.file == file));
            assert!(local, "page refers to {r}, which is not an embedded asset");
        }
    }

    #[test]
    fn page_enables_header_editor_and_posts_to_endpoint() {
        let Html(html) = page("/api/graphql");
        assert!(html.contains(r#"var endpoint = "/api/graphql";"#));
        assert!(html.contains("isHeadersEditorEnabled: true"));
        assert!(html.contains(r#"method: "POST""#));
        assert!(html.contains("opts.headers"));
    }

    #[test]
    fn endpoint_cannot_break_out_of_the_script() {
        let hostile = "</script><script>alert('x')</script><!--\"\\\u{2028}\n";
        let Html(html) = page(hostile);
        assert!(!html.contains("alert('x')"));
        assert_eq!(
            html.matches("</script>").count(),
            4,
            "only the page's own script tags"
        );
        assert!(!html.contains("<!--"));
        assert!(!html.contains('\u{2028}'));
    }

    #[test]
    fn js_string_round_trips_as_json() {
        for s in [
            "/graphql",
            "",
            "a\"b\\c",
            "</script>",
            "<!-- & '' -->",
            "tab\tnl\ncr\rnul\0del\u{7f}",
            "\u{2028}\u{2029}",
            "ünïcödé ✓ 𝔾",
        ] {
            let literal = js_string(s);
            let back: String = serde_json::from_str(&literal).unwrap();
            assert_eq!(back, s);
            assert!(!literal.contains('<') && !literal.contains('>'));
            assert!(!literal.chars().any(|c| c.is_control()));
        }
    }

    #[tokio::test]
    async fn each_asset_is_served_with_content_type_and_long_cache() {
        for asset in ASSETS {
            let response = get_response(&asset_url(asset)).await;
            assert_eq!(response.status(), StatusCode::OK, "{}", asset.file);
            let headers = response.headers();
            assert_eq!(headers[header::CONTENT_TYPE], asset.content_type);
            assert_eq!(
                headers[header::CACHE_CONTROL],
                "public, max-age=31536000, immutable"
            );
            assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
            let body = axum::body::to_bytes(response.into_body(), usize::MAX)
                .await
                .unwrap();
            assert_eq!(&body[..], asset.body, "{}", asset.file);
        }
        assert!(GRAPHIQL_CSS.content_type.starts_with("text/css"));
        assert!(GRAPHIQL_JS.content_type.starts_with("text/javascript"));
    }

    #[test]
    fn asset_names_carry_versions() {
        // Cache busting relies on this: an upgraded file must get a new URL.
        for asset in ASSETS {
            assert!(
                asset
                    .file
                    .split(['-', '.'])
                    .any(|p| p.parse::<u32>().is_ok()),
                "{} has no version in its name",
                asset.file
            );
        }
    }

    #[tokio::test]
    async fn unknown_files_are_not_found() {
        for uri in [
            "/graphiql/assets/nope.js",
            "/graphiql/assets/graphiql.min.js",
            "/graphiql/assets/graphiql-4.1.2.min.js.map",
            "/graphiql/assets/LICENSE-react",
            "/graphiql/assets/..%2FCargo.toml",
            "/graphiql/assets/",
            "/graphiql/assets",
        ] {
            assert_eq!(
                get_response(uri).await.status(),
                StatusCode::NOT_FOUND,
                "{uri}"
            );
        }
    }
}
