#!/usr/bin/env bash
# `npm start`: installs what is missing, builds the extension for Chrome and Firefox,
# migrates the database (embedded SQLite in ./data unless DATABASE_URL is set) and starts the API.
source "$(dirname "$0")/lib.sh"
cd "$repo_root"
install_deps

log "building the extension (Chrome MV3 and Firefox)"
(cd extension && pnpm_run run build >/dev/null && pnpm_run run build:firefox >/dev/null)

log "migrating the database"
(cd server && pnpm_run run db:migrate)

cat >&2 <<MSG

  Load the extension unpacked:
    Chrome:  chrome://extensions → Developer mode → Load unpacked → $repo_root/extension/.output/chrome-mv3
    Firefox: about:debugging → Load Temporary Add-on → $repo_root/extension/.output/firefox-mv2/manifest.json

MSG
cd server && exec "$repo_root/server/node_modules/.bin/tsx" src/main.ts
