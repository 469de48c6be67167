#!/usr/bin/env bash
# `npm test`: installs what is missing, then runs every test — type checks, unit suites,
# API suites on SQLite and on MariaDB, the extension builds and the browser end-to-end suite.
source "$(dirname "$0")/lib.sh"
cd "$repo_root"
install_deps
ensure_mariadb

jest() { "$repo_root/node_modules/.bin/jest" --maxWorkers=2 --ci "$@"; }

log "type checks"
pnpm_run -r typecheck

log "unit suites and API suites on SQLite"
TEST_DB=sqlite jest tests/unit tests/api

log "API suites on MariaDB"
TEST_DB=mysql jest tests/api

log "extension: Chrome and Firefox builds, web-ext lint of the Firefox build"
pnpm_run --filter @secureaccess/extension run build
pnpm_run --filter @secureaccess/extension run build:firefox
"$repo_root/node_modules/.bin/web-ext" lint --source-dir "$repo_root/extension/.output/firefox-mv2" --self-hosted

log "browser end-to-end suite (real Chromium, the Chrome build, the real API on SQLite)"
ensure_chromium
"$repo_root/node_modules/.bin/jest" -c tests/e2e/jest.config.js --ci

log "npm start on a fresh machine's data directory"
bash "$repo_root/scripts/smoke-start.sh"

log "all suites passed"
