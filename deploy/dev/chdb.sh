#!/usr/bin/env bash
# chDB (in-process ClickHouse 26.x engine, PyPI `chdb`) in a project-local virtualenv, so tests can
# prove that the modern ClickHouse DDL and query texts run on a current ClickHouse.
#
#   deploy/dev/chdb.sh install        create the venv and pip-install the pinned chdb (skipped when present)
#   deploy/dev/chdb.sh python         print the venv's python path (for callers that spawn it)
#   deploy/dev/chdb.sh run [ARGS]     deploy/dev/chdb-run.py with the venv's python (SQL in, JSON lines out)
#   deploy/dev/chdb.sh version        print chdb's package version and the engine's SELECT version()
#   deploy/dev/chdb.sh status         exit 0 if the pinned chdb is installed
#
# Env: ORDERTRACE_CACHE_DIR (default ~/.cache/ordertrace), CHDB_VENV (default $ORDERTRACE_CACHE_DIR/chdb-venv),
#      CHDB_PYTHON (interpreter used to create the venv; default python3).
# Pinned versions: deploy/dev/chdb-requirements.txt.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
LOG_TAG=chdb

CHDB_REQ="$DEV_DIR/chdb-requirements.txt"
CHDB_VERSION="$(sed -n 's/^chdb==\([^ ;#]*\).*/\1/p' "$CHDB_REQ")"
CHDB_VENV="${CHDB_VENV:-$CACHE_BASE/chdb-venv}"
VPY="$CHDB_VENV/bin/python"
STAMP="$CHDB_VENV/.ordertrace-requirements.sha256"

req_hash() { sha256sum "$CHDB_REQ" | cut -d' ' -f1; }
# Cheap check (no import of the 100+ MB engine): stamp matches and the dist metadata says the pin.
installed() {
  [ -x "$VPY" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$(req_hash)" ] &&
    [ "$("$VPY" -c 'import importlib.metadata as m; print(m.version("chdb"))' 2>/dev/null)" = "$CHDB_VERSION" ]
}

cmd_install() {
  local t0 py; t0="$(now_ms)"
  if installed; then log "already installed: chdb $CHDB_VERSION in $CHDB_VENV"; return 0; fi
  py="${CHDB_PYTHON:-python3}"
  need_cmd "$py" "Python >= 3.9"
  "$py" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 9) else 1)' || die "$py is older than 3.9"
  if [ ! -x "$VPY" ]; then
    log "creating venv $CHDB_VENV ($("$py" --version 2>&1))"
    mkdir -p "$(dirname "$CHDB_VENV")"
    if ! "$py" -m venv "$CHDB_VENV" 2>/dev/null; then
      # Debian's system python3 needs python3-venv for ensurepip.
      rm -rf "$CHDB_VENV"
      if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        log "python3 -m venv failed: apt-get install python3-venv"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends python3-venv >/dev/null ||
          { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends python3-venv >/dev/null; }
        "$py" -m venv "$CHDB_VENV"
      else
        die "'$py -m venv' failed (install python3-venv)"
      fi
    fi
  fi
  log "pip install -r $(basename "$CHDB_REQ") (chdb $CHDB_VERSION)"
  local out="$CHDB_VENV/pip-install.log"
  if ! "$VPY" -m pip install --disable-pip-version-check --no-input -q -r "$CHDB_REQ" >"$out" 2>&1; then
    tail_log "$out" 40; die "pip install failed (full output: $out)"
  fi
  req_hash >"$STAMP"
  installed || die "chdb $CHDB_VERSION not importable after install"
  log "installed chdb $CHDB_VERSION in $(elapsed "$t0") ($(du -sh "$CHDB_VENV" | cut -f1))"
}

case "${1:-}" in
  install) cmd_install ;;
  python) installed || die "not installed: run deploy/dev/chdb.sh install"; echo "$VPY" ;;
  run) shift; installed || die "not installed: run deploy/dev/chdb.sh install"; exec "$VPY" "$DEV_DIR/chdb-run.py" "$@" ;;
  version)
    installed || die "not installed: run deploy/dev/chdb.sh install"
    "$VPY" -c 'import chdb; print("chdb", chdb.__version__, "engine", chdb.query("SELECT version()", "TabSeparated").bytes().decode().strip())' ;;
  status) if installed; then echo "chdb: installed $CHDB_VERSION ($VPY)"; else echo "chdb: not installed"; exit 1; fi ;;
  *) usage; exit 2 ;;
esac
