use super::*;
use axum::body::Body;
use axum::http::Request;
use tower::Service;

/// Sends one request through the router the way a server would.
async fn send(request: Request<Body>) -> Response {
    let mut router: Router = router();
    std::future::poll_fn(|cx| Service::<Request<Body>>::poll_ready(&mut router, cx))
        .await
        .unwrap();
    router.call(request).await.unwrap()
}

async fn get_response(uri: &str) -> Response {
    send(Request::get(uri).body(Body::empty()).unwrap()).await
}

async fn body_text(response: Response) -> String {
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// Every `src="…"` / `href="…"` value in `html`.
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

#[tokio::test]
async fn the_page_loads_only_its_own_hashed_assets() {
    let response = get_response("/").await;
    assert_eq!(response.status(), StatusCode::OK);
    let html = body_text(response).await;
    assert!(!html.contains("{{"), "a placeholder was left in the page");
    assert!(!html.contains("http://") && !html.contains("https://"));
    let refs = references(&html);
    for asset in ASSETS.iter() {
        assert!(
            refs.contains(&asset.url().as_str()),
            "{} not loaded",
            asset.name
        );
    }
    for r in refs {
        let local = r == "data:,"
            || r == "/graphql"
            || r == "/calendar.ics"
            || r.strip_prefix("/dashboard/assets/")
                .is_some_and(|file| ASSETS.iter().any(|a| a.name == file));
        assert!(local, "the page refers to {r}");
    }
    // The policy forbids inline script: every script element has a src.
    assert_eq!(
        html.matches("<script").count(),
        html.matches("<script src=").count()
    );
    assert!(
        !html.contains(" style="),
        "inline styles are refused by the policy"
    );
}

#[tokio::test]
async fn the_page_is_revalidated_and_answers_304_when_unchanged() {
    let response = get_response("/").await;
    let headers = response.headers().clone();
    assert_eq!(headers[header::CONTENT_TYPE], "text/html; charset=utf-8");
    assert_eq!(headers[header::CACHE_CONTROL], "no-cache");
    assert_eq!(
        headers[header::CONTENT_SECURITY_POLICY],
        CONTENT_SECURITY_POLICY
    );
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    let etag = headers[header::ETAG].to_str().unwrap().to_owned();

    for tag in [etag.clone(), format!("W/{etag}"), format!("\"x\", {etag}")] {
        let again = send(
            Request::get("/")
                .header(header::IF_NONE_MATCH, tag.as_str())
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "{tag}");
        assert_eq!(again.headers()[header::ETAG], etag.as_str());
        assert!(body_text(again).await.is_empty());
    }
    let other = send(
        Request::get("/")
            .header(header::IF_NONE_MATCH, "\"0000\"")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(other.status(), StatusCode::OK);
}

#[test]
fn the_policy_allows_only_this_origin_and_no_inline_code() {
    for directive in [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "connect-src 'self'",
        "frame-ancestors 'none'",
    ] {
        assert!(CONTENT_SECURITY_POLICY.contains(directive), "{directive}");
    }
    assert!(!CONTENT_SECURITY_POLICY.contains("unsafe"));
    assert!(!CONTENT_SECURITY_POLICY.contains("http"));
}

#[tokio::test]
async fn assets_are_served_under_their_hash_and_cached_for_a_year() {
    for asset in ASSETS.iter() {
        let hash = hex::encode(&Sha256::digest(asset.body)[..8]);
        assert!(asset.name.contains(&hash), "{}", asset.name);
        let response = get_response(&asset.url()).await;
        assert_eq!(response.status(), StatusCode::OK, "{}", asset.name);
        let headers = response.headers();
        assert_eq!(headers[header::CONTENT_TYPE], asset.content_type);
        assert_eq!(headers[header::CACHE_CONTROL], CACHE_FOREVER);
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        assert_eq!(&body[..], asset.body);
    }
}

#[tokio::test]
async fn unknown_files_are_not_found() {
    for uri in [
        "/dashboard/assets/dashboard.js",
        "/dashboard/assets/dashboard.0000000000000000.js",
        "/dashboard/assets/index.html",
        "/dashboard/assets/..%2Findex.html",
        "/dashboard/assets/",
        "/index.html",
    ] {
        assert_eq!(
            get_response(uri).await.status(),
            StatusCode::NOT_FOUND,
            "{uri}"
        );
    }
}
