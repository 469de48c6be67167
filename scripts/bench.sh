#!/usr/bin/env bash
# `npm run bench`: runs every benchmark in tests/bench and collects what each prints — the project's
# figure, a floor measured in the same run and their ratio — into bench-results.json (BENCH_RESULTS
# names another file). None asserts on wall-clock time; none is part of `npm test` (whose type
# check does compile every bench file). The API benches need MariaDB on 127.0.0.1:3306 for their
# MariaDB legs (BENCH_DB=sqlite skips it). See docs/performance.md.
source "$(dirname "$0")/lib.sh"
cd "$repo_root"
install_deps
# The vault-open and heavy-page benches run in real Chromium (a fresh machine has none).
ensure_chromium
export BENCH_RESULTS="${BENCH_RESULTS:-$repo_root/bench-results.json}"
rm -f "$BENCH_RESULTS"
# The API benches run the compiled server (node server/dist/main.js), as npm start does.
log "building the server"
pnpm_run --filter @secureaccess/server run build >/dev/null
shopt -s nullglob
for bench in tests/bench/*.bench.ts; do
  log "bench: $bench"
  "$repo_root/server/node_modules/.bin/tsx" "$bench"
done
log "results: $BENCH_RESULTS"
