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
