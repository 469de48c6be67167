#!/usr/bin/env bash
# `npm run test:cluster`: the scale-out suite alone — three API processes behind nginx on a private
# three-node MariaDB Galera cluster (tests/cluster). `npm test` runs it too.
source "$(dirname "$0")/lib.sh"
cd "$repo_root"
[ -d "$repo_root/node_modules/.pnpm" ] || install_deps
run_cluster_suite "$@"
