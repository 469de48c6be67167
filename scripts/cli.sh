#!/usr/bin/env bash
# `npm run db:migrate` and the other operator commands: the compiled CLI (server/dist/cli.js) run
# by node directly, so a failure prints the command's own message and exit code, nothing around it.
# Usage: bash scripts/cli.sh <migrate | rollback [--all] | cleanup | ddl | rotate-jwt-key | audit-verify>
source "$(dirname "$0")/lib.sh"
ensure_server_build
cd "$repo_root/server"
exec node --enable-source-maps dist/cli.js "$@"
