#!/usr/bin/env bash
# `npm start`: installs what is missing, builds the extension for Chrome and Firefox and the API
# (server/dist, plain JavaScript), migrates the database (embedded SQLite in ./data unless
# DATABASE_URL is set) and starts the API. The last step is `exec node`: the API process replaces
# this shell, so SIGTERM/SIGINT (to npm, to this process or to the whole group) reach it directly
# and it drains in-flight requests before exiting (docs/operations.md).
source "$(dirname "$0")/lib.sh"
cd "$repo_root"

# API_HEAP_MIB (optional, whole MiB): caps V8's old generation of the API process only, not of the
# install and build steps. Unset, Node's default applies. 96–192 all gave ~170 MiB RSS under the
# benches' load instead of ~280, at ~9 % of the full vault list's throughput; 64 is too small
# (docs/performance.md, session 6).
api_node_flags=()
if [ -n "${API_HEAP_MIB:-}" ]; then
  [[ "$API_HEAP_MIB" =~ ^[1-9][0-9]*$ ]] || { log "API_HEAP_MIB must be a whole number of MiB, not '$API_HEAP_MIB'"; exit 2; }
  api_node_flags=(--max-old-space-size="$API_HEAP_MIB")
fi
install_deps

log "building the extension (Chrome MV3 and Firefox)"
(cd extension && pnpm_run run build >/dev/null && pnpm_run run build:firefox >/dev/null)

log "building the API (server/dist)"
ensure_server_build

log "migrating the database"
(cd server && node --enable-source-maps dist/cli.js migrate)

cat >&2 <<MSG

  Load the extension unpacked:
    Chrome:  chrome://extensions → Developer mode → Load unpacked → $repo_root/extension/.output/chrome-mv3
    Firefox: about:debugging → Load Temporary Add-on → $repo_root/extension/.output/firefox-mv2/manifest.json

MSG
cd server && exec node --enable-source-maps "${api_node_flags[@]}" dist/main.js
