#!/bin/sh
# Installs what the browser tests need (test/web/package-lock.json:
# playwright-core and axe-core) when test/web/node_modules is missing.
# Chromium, node and npm come from Debian (mk/deps.sh test).
set -eu
dir=$(dirname "$0")/../test/web
[ -d "$dir/node_modules/playwright-core" ] && [ -d "$dir/node_modules/axe-core" ] && exit 0
echo "web: installing test/web dependencies (npm ci)"
npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error
