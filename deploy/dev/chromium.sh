#!/usr/bin/env bash
# Debian's Chromium for the UI's end-to-end tests and bench (driven by playwright-core; no browser
# download from outside the Debian mirror).
#
#   deploy/dev/chromium.sh install   apt-get install chromium (idempotent)
#   deploy/dev/chromium.sh status    print the binary and version; exit 0 only if installed
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
LOG_TAG=chromium

installed() { command -v chromium >/dev/null 2>&1; }

cmd_install() {
  local t0; t0="$(now_ms)"
  if installed; then
    log "already installed: $(chromium --version 2>/dev/null || command -v chromium)"
    return 0
  fi
  [ "$(id -u)" = 0 ] || die "install needs root (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-cache policy chromium 2>/dev/null | grep -q 'Candidate: [0-9]'; then
    log "apt-get update"
    apt-get update -q >/dev/null
  fi
  log "apt-get install chromium"
  apt-get install -y -q --no-install-recommends chromium >/dev/null
  installed || die "install finished but no chromium binary is on PATH"
  log "installed $(chromium --version 2>/dev/null) in $(elapsed "$t0")"
}

case "${1:-}" in
  install) cmd_install ;;
  status) installed && { command -v chromium; chromium --version 2>/dev/null || true; } ;;
  *) die "usage: $0 install|status" ;;
esac
