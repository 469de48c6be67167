#!/usr/bin/env bash
# `npm run bench`: runs every benchmark in tests/bench. Each prints ratios against a floor
# measured in the same run; none asserts on wall-clock time.
source "$(dirname "$0")/lib.sh"
cd "$repo_root"
install_deps
shopt -s nullglob
for bench in tests/bench/*.bench.ts; do
  log "bench: $bench"
  "$repo_root/server/node_modules/.bin/tsx" "$bench"
done
