#!/usr/bin/env bash
# Re-fetch the vendored GraphiQL browser assets from the npm registry and
# verify them against SHA256SUMS.
#
# Why these files are committed at all: the GraphiQL page served at
# `GET /graphql` must work with no internet access, so api/src/graphiql.rs
# embeds these files into the binary with include_bytes!/include_str! instead
# of pointing the browser at a public CDN. This script is how they were
# obtained, and how to check that nobody altered them.
#
# Versions (bump here, in SHA256SUMS and in api/src/graphiql.rs together; the
# version is part of each served file name so browsers never keep a stale
# copy cached under the `immutable` Cache-Control header):
#   graphiql  4.1.2  last major that still ships a self-contained UMD bundle
#                    (graphiql 5 dropped it); the same major the stock
#                    async-graphql 7.2 GraphiQL page loads from the CDN.
#                    Its graphiql.min.css embeds its fonts as data: URIs, so
#                    nothing else is fetched at run time.
#   react     18.3.1 UMD production build (graphiql 4 needs react ^18 || ^19;
#   react-dom 18.3.1 React 19 ships no UMD build).
# Source maps (*.map) are deliberately not vendored: they are several MB and
# are only fetched by an open developer console.
#
# Usage:
#   api/assets/graphiql/fetch.sh           re-download with `npm pack`, verify, install
#   api/assets/graphiql/fetch.sh --check   only verify the committed files
#
# How to check it in a browser (offline; what was done when vendoring):
#   Build a throwaway server in a scratch crate under /tmp (axum 0.8,
#   async-graphql 7.2.1, async-graphql-axum 7, tokio; CARGO_TARGET_DIR=/tmp/graphiql-target)
#   that pulls the module in with `#[path = "/work/main/api/src/graphiql.rs"] mod graphiql;`,
#   routes `GET /graphql` to `graphiql::page("/graphql")` and `POST /graphql` to a tiny
#   schema, merges `graphiql::assets_router()`, and listens on 127.0.0.1:18080.
#   Run server and browser inside `unshare -n` (after `ip link set lo up`) so
#   that only loopback exists, then with Debian's chromium (`apt-get install -y chromium`):
#     chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
#       --disable-background-networking --disable-component-update --disable-sync \
#       --user-data-dir=$(mktemp -d) --virtual-time-budget=10000 \
#       --dump-dom http://127.0.0.1:18080/graphql > /tmp/dom.html
#     grep -c graphiql-container /tmp/dom.html   # 1: the React UI rendered
#   and the same command with `--window-size=1400,900 --screenshot=/tmp/graphiql.png`
#   in place of `--dump-dom ...`, then look at the PNG (query editor, Variables/
#   Headers tabs, sidebar). The server log shows GET /graphql, the four
#   GET /graphiql/assets/... (200) and POST /graphql of "IntrospectionQuery".
#   Going further, drive it over the DevTools protocol (`--remote-debugging-port=9222`
#   and `node --experimental-websocket`): put {"Authorization": "Bearer t"} in the
#   Headers editor, run a query, and the server sees the header; opening the
#   documentation explorer lists the schema's types.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

GRAPHIQL_VERSION=4.1.2
REACT_VERSION=18.3.1
REACT_DOM_VERSION=18.3.1

check() {
    # sha256sum -c resolves the names in SHA256SUMS relative to the cwd.
    (cd "$1" && sha256sum --strict -c "$here/SHA256SUMS")
}

if [[ "${1:-}" == "--check" ]]; then
    check "$here"
    exit 0
fi

command -v npm >/dev/null || { echo "fetch.sh: npm is required" >&2; exit 1; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# npm pack downloads the published tarball exactly as on the registry (it also
# checks the registry's integrity hash) without running any install scripts.
(cd "$tmp" && npm pack --silent \
    "graphiql@$GRAPHIQL_VERSION" \
    "react@$REACT_VERSION" \
    "react-dom@$REACT_DOM_VERSION" >/dev/null)

for pkg in "graphiql-$GRAPHIQL_VERSION" "react-$REACT_VERSION" "react-dom-$REACT_DOM_VERSION"; do
    mkdir -p "$tmp/x/$pkg"
    tar -xzf "$tmp/$pkg.tgz" -C "$tmp/x/$pkg"
done

out="$tmp/out"
mkdir -p "$out"
g="$tmp/x/graphiql-$GRAPHIQL_VERSION/package"
r="$tmp/x/react-$REACT_VERSION/package"
d="$tmp/x/react-dom-$REACT_DOM_VERSION/package"
# Served file names carry the version (cache busting, see above).
cp "$g/graphiql.min.js"                 "$out/graphiql-$GRAPHIQL_VERSION.min.js"
cp "$g/graphiql.min.css"                "$out/graphiql-$GRAPHIQL_VERSION.min.css"
cp "$r/umd/react.production.min.js"     "$out/react-$REACT_VERSION.production.min.js"
cp "$d/umd/react-dom.production.min.js" "$out/react-dom-$REACT_DOM_VERSION.production.min.js"
cp "$g/LICENSE" "$out/LICENSE-graphiql"
cp "$r/LICENSE" "$out/LICENSE-react"
cp "$d/LICENSE" "$out/LICENSE-react-dom"

# Verify before touching the committed copies, so a mismatch leaves them as they were.
check "$out"
cp "$out"/* "$here/"
echo "fetch.sh: graphiql $GRAPHIQL_VERSION, react $REACT_VERSION, react-dom $REACT_DOM_VERSION fetched and verified"
