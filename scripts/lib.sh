# Shared helpers for the root scripts: install what is missing, nothing more.
# Sourced, not executed. Works on a fresh machine with only Node 20 and npm.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools_dir="$repo_root/.tools"
pnpm_version="$(node -p "require('$repo_root/package.json').packageManager.split('@')[1]")"
pnpm_bin="$tools_dir/node_modules/.bin/pnpm"

# node-gyp would otherwise try to download Node headers (no internet here); pnpm 12
# ignores nodedir in .npmrc, so it has to come from the environment.
if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node.h ]; then
  export npm_config_nodedir=/usr
fi

log() { printf '\033[1m[secureaccess]\033[0m %s\n' "$*" >&2; }

ensure_pnpm() {
  if [ -x "$pnpm_bin" ] && [ "$("$pnpm_bin" --version 2>/dev/null)" = "$pnpm_version" ]; then
    return
  fi
  log "installing pnpm $pnpm_version into .tools/ (no global install)"
  mkdir -p "$tools_dir"
  [ -f "$tools_dir/package.json" ] || echo '{"private":true}' >"$tools_dir/package.json"
  npm install --prefix "$tools_dir" --no-save --no-audit --no-fund --loglevel=error \
    "pnpm@$pnpm_version" >&2
}

pnpm_run() { ensure_pnpm; "$pnpm_bin" "$@"; }

install_deps() {
  ensure_pnpm
  local frozen=()
  # CI installs exactly the lockfile; a developer's machine may update it.
  [ "${CI:-}" = "true" ] && frozen=(--frozen-lockfile)
  log "installing workspace dependencies"
  (cd "$repo_root" && "$pnpm_bin" install "${frozen[@]}" --reporter=append-only 2>&1 \
    | grep -vE '^(Progress|\s*$)' >&2 || true)
  # pnpm's exit code is lost in the pipe above; check the result instead.
  [ -d "$repo_root/node_modules/.pnpm" ] || { log "pnpm install failed"; exit 1; }
}

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    log "need root to run: $*"; return 1; fi
}

# MariaDB for the test suites (DESIGN §3): installs it from apt when absent, starts it when stopped.
ensure_mariadb() {
  if command -v mariadb-admin >/dev/null && mariadb-admin -h 127.0.0.1 -u root ping >/dev/null 2>&1; then
    return
  fi
  if [ ! -x /usr/sbin/mariadbd ]; then
    log "installing mariadb-server from apt"
    as_root apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq mariadb-server >&2
  fi
  log "starting MariaDB"
  as_root mkdir -p /run/mysqld && as_root chown mysql:mysql /run/mysqld 2>/dev/null || true
  as_root start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql
  for _ in $(seq 1 60); do
    mariadb-admin -h 127.0.0.1 -u root ping >/dev/null 2>&1 && return
    sleep 1
  done
  log "MariaDB did not answer on 127.0.0.1:3306 within 60 s"; exit 1
}

# Debian's Chromium for the extension end-to-end tests (playwright-core drives it).
ensure_chromium() {
  [ -x /usr/bin/chromium ] && return
  log "installing chromium from apt"
  as_root apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium >&2
}

# The scale-out suite's parts (tests/cluster): Galera (galera-4, shipped with mariadb-server),
# rsync for state transfer between nodes, and nginx as the load balancer.
ensure_cluster_tools() {
  local missing=()
  [ -f /usr/lib/galera/libgalera_smm.so ] || missing+=(galera-4)
  command -v rsync >/dev/null || missing+=(rsync)
  command -v nginx >/dev/null || missing+=(nginx)
  [ ${#missing[@]} -eq 0 ] && return
  log "installing ${missing[*]} from apt"
  as_root apt-get update -qq >&2
  # policy-rc.d keeps apt from starting the system nginx (the suite runs its own on a free port).
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >&2
}

run_cluster_suite() {
  ensure_mariadb
  ensure_cluster_tools
  "$repo_root/node_modules/.bin/jest" -c "$repo_root/tests/cluster/jest.config.js" --ci "$@"
}

# The production build of the API (server/dist/main.js and cli.js, see server/build.mjs), rebuilt
# when any source it bundles is newer than it (a bundle takes about a second).
ensure_server_build() {
  local bundle="$repo_root/server/dist/cli.js"
  if [ -f "$bundle" ] && [ -f "$repo_root/server/dist/main.js" ] && [ -z "$(find "$repo_root/server/src" \
    "$repo_root/server/build.mjs" "$repo_root/server/package.json" "$repo_root/shared/src" \
    "$repo_root/migrations/src" "$repo_root/migrations/index.ts" -newer "$bundle" -print -quit)" ]; then
    return
  fi
  node "$repo_root/server/build.mjs" || { log "building the server (server/build.mjs) failed"; exit 1; }
}

# Debian's Firefox ESR for the Firefox leg of the end-to-end tests (WebDriver BiDi + Marionette).
ensure_firefox() {
  [ -x "${FIREFOX_PATH:-/usr/bin/firefox-esr}" ] && return
  log "installing firefox-esr from apt"
  as_root apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq firefox-esr >&2
}
