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

log "the production build of the API (server/dist)"
ensure_server_build

# Hardening suites inside tests/api (measured on a 2-core machine at load average ~28, so slow):
# contract fuzz (tests/api/fuzz, 2 000 cases, FUZZ_RUNS for more) 3.5 min on MariaDB, 4.7 min on SQLite;
# shutdown (foundation/shutdown, 5 server starts) ~30-120 s; bad input ~15-30 s; the fault suite
# (foundation/database-faults: a private MariaDB on a free loopback port) ~45 s, MariaDB pass only.
log "unit suites and API suites on SQLite"
TEST_DB=sqlite jest tests/unit tests/api

log "API suites on MariaDB"
TEST_DB=mysql jest tests/api

log "scale-out: three API processes behind nginx on a three-node MariaDB Galera cluster"
run_cluster_suite

log "extension: Chrome and Firefox builds, web-ext lint of the Firefox build"
pnpm_run --filter @secureaccess/extension run build
pnpm_run --filter @secureaccess/extension run build:firefox
"$repo_root/node_modules/.bin/web-ext" lint --source-dir "$repo_root/extension/.output/firefox-mv2" --self-hosted

# The same e2e files once per browser; each leg ends with a "<browser>: N passed" line.
e2e_leg() {
  local browser="$1" report="$repo_root/test-artifacts/e2e-$1.json" started=$SECONDS status=0
  mkdir -p "$repo_root/test-artifacts"
  # --forceExit: a browser a failed suite left open must not keep the leg from ending (a retried
  # test that launched its own browser once hung the whole run after every test had finished).
  E2E_BROWSER="$browser" "$repo_root/node_modules/.bin/jest" -c tests/e2e/jest.config.js --ci --forceExit \
    --json --outputFile="$report" || status=$?
  node -e 'const r = require(process.argv[1]); console.error(`[secureaccess] e2e ${process.argv[2]}: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped (${process.argv[3]} s)`)' \
    "$report" "$browser" "$((SECONDS - started))" || true
  return "$status"
}

# Both legs run even when the first fails, so each browser's count is reported.
e2e_status=0
log "browser end-to-end suite in real Chromium (the Chrome build, the real API on SQLite)"
ensure_chromium
e2e_leg chromium || e2e_status=1

# Measured on a clean clone of a quiet machine, 2026-12-06: the whole of npm test 34 min (Chromium leg
# 124 tests in 407 s; Firefox leg 119 passed + 5 skipped in 1 219 s, every file now: each probe of
# an extension page is a Marionette round trip, so the long options-page files cost most there).
log "browser end-to-end suite in real Firefox ESR (the Firefox build; every file, chromiumOnly tests counted as skipped)"
ensure_firefox
e2e_leg firefox || e2e_status=1
[ "$e2e_status" = 0 ] || { log "the browser end-to-end suite failed"; exit 1; }

log "npm start on a fresh machine's data directory"
bash "$repo_root/scripts/smoke-start.sh"

log "all suites passed"
