#!/usr/bin/env bash
# Proves the README's first command: `npm start` on a fresh embedded SQLite database builds both
# extensions, migrates, and brings the API up until /readyz answers 200. Then sends SIGTERM to the
# `npm start` process alone (as a container runtime does): npm, the script and the API must all
# exit, with code 0, leaving no process of the group behind.
source "$(dirname "$0")/lib.sh"
cd "$repo_root"

smoke_dir="$(mktemp -d)"
port="$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
DATA_DIR="$smoke_dir/data" PORT="$port" setsid npm start >"$smoke_dir/start.log" 2>&1 &
start_pid=$!
stop() { kill -TERM -- "-$start_pid" 2>/dev/null || true; wait "$start_pid" 2>/dev/null || true; }
trap stop EXIT

ready=""
for _ in $(seq 1 120); do
  if node -e "fetch('http://127.0.0.1:$port/readyz').then(r=>process.exit(r.status===200?0:1),()=>process.exit(1))"; then
    ready=yes; break
  fi
  kill -0 "$start_pid" 2>/dev/null || break
  sleep 1
done
if [ -z "$ready" ]; then
  log "npm start did not bring the API up; its output:"; cat "$smoke_dir/start.log" >&2; exit 1
fi
for expected in "listening on http://127.0.0.1:$port" "extension/.output/chrome-mv3" "extension/.output/firefox-mv2"; do
  grep -qF "$expected" "$smoke_dir/start.log" || { log "npm start did not print '$expected'"; cat "$smoke_dir/start.log" >&2; exit 1; }
done
[ -f "$smoke_dir/data/secureaccess.sqlite" ] || { log "no SQLite database in DATA_DIR"; exit 1; }
[ -f extension/.output/chrome-mv3/manifest.json ] && [ -f extension/.output/firefox-mv2/manifest.json ] \
  || { log "npm start did not build both extensions"; exit 1; }
log "npm start: API ready on port $port with a fresh SQLite database, both extensions built"
# Production logging is buffered and flushed at least once a second (server/src/logger.ts), so the
# request lines may follow the 200 by up to a second: give them a few.
logged=""
for _ in $(seq 1 10); do
  grep -qF '"url":"/readyz"' "$smoke_dir/start.log" && { logged=yes; break; }
  sleep 0.5
done
[ -n "$logged" ] || { log "the API did not log its requests within 5 s"; cat "$smoke_dir/start.log" >&2; exit 1; }
kill -TERM "$start_pid"
code=0
wait "$start_pid" || code=$?
trap - EXIT
sleep 1
left="$(pgrep -g "$start_pid" || true)"
if [ "$code" != 0 ] || [ -n "$left" ]; then
  log "SIGTERM to npm start: exit code $code, processes left in its group: ${left:-none}"
  cat "$smoke_dir/start.log" >&2
  [ -n "$left" ] && kill -KILL -- "-$start_pid" 2>/dev/null
  exit 1
fi
grep -qF '"msg":"stopped"' "$smoke_dir/start.log" || { log "the API did not drain and stop on SIGTERM"; cat "$smoke_dir/start.log" >&2; exit 1; }
log "npm start: SIGTERM to the npm process alone drained the API and exited 0, nothing left running"

rm -rf "$smoke_dir"
