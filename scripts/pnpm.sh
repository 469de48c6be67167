#!/usr/bin/env bash
# Runs the pinned pnpm (installed into .tools/ on first use) with the given arguments,
# in the caller's directory.
source "$(dirname "$0")/lib.sh"
[ -d "$repo_root/node_modules/.pnpm" ] || install_deps
pnpm_run "$@"
