# shellcheck shell=bash
# shellcheck disable=SC2034  # variables are used by the scripts that source this file
# Shared helpers for deploy/dev/*.sh (sourced, not executed).
# Development/CI only: real ClickHouse, Kafka and chDB on this machine, no Docker.

DEV_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OT_ROOT="$(cd "$DEV_DIR/../.." && pwd)"

# Runtime state (configs, data, logs, pid files) of the running services.
# ORDERTRACE_DEV_RUN_DIR is the *base*; each service gets a sub-directory.
RUN_BASE="${ORDERTRACE_DEV_RUN_DIR:-$OT_ROOT/.deploy-run}"
# Downloaded artifacts that survive between runs (Kafka jars, chDB virtualenv).
CACHE_BASE="${ORDERTRACE_CACHE_DIR:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/ordertrace}"

_ts() { date +%H:%M:%S; }
log() { printf '[%s %s] %s\n' "$(_ts)" "${LOG_TAG:-dev}" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Seconds since the epoch with millisecond precision, for timings.
now_ms() { date +%s%3N; }
elapsed() { # elapsed START_MS -> "12.3s"
  local d=$(( $(now_ms) - $1 ))
  printf '%d.%01ds' $((d / 1000)) $(((d % 1000) / 100))
}

# port_open PORT [HOST]: true if something accepts TCP connections there.
port_open() {
  local port="$1" host="${2:-127.0.0.1}"
  (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null
}

# wait_port_closed PORT TIMEOUT_S
wait_port_closed() {
  local port="$1" timeout="$2" i=0
  while port_open "$port"; do
    i=$((i + 1))
    [ "$i" -gt $((timeout * 5)) ] && return 1
    sleep 0.2
  done
  return 0
}

# pid_alive PID: process exists and is not a zombie.
pid_alive() {
  local pid="$1" state
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  state="$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || true)"
  [ "$state" != "Z" ]
}

# read_pid FILE [PATTERN]: prints the pid if the file holds a live process whose command line
# contains PATTERN (guards against a stale pid file whose pid was reused after a reboot).
read_pid() {
  local f="$1" pat="${2:-}" pid
  [ -f "$f" ] || return 1
  pid="$(tr -dc '0-9' <"$f")"
  pid_alive "$pid" || return 1
  if [ -n "$pat" ]; then
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -F -- "$pat" >/dev/null || return 1
  fi
  printf '%s\n' "$pid"
}

# stop_pid PID NAME GRACE_S: SIGTERM, wait up to GRACE_S, then SIGKILL.
stop_pid() {
  local pid="$1" name="$2" grace="$3" i=0
  kill -TERM "$pid" 2>/dev/null || return 0
  while pid_alive "$pid"; do
    i=$((i + 1))
    if [ "$i" -gt $((grace * 5)) ]; then
      log "$name (pid $pid) still running after ${grace}s: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.5
      break
    fi
    sleep 0.2
  done
  # Reap if it is our child (no-op otherwise).
  wait "$pid" 2>/dev/null || true
}

# tail_log FILE [N]: show the end of a log on stderr (for failures).
tail_log() {
  local f="$1" n="${2:-60}"
  if [ -f "$f" ]; then
    echo "----- last $n lines of $f -----" >&2
    tail -n "$n" "$f" >&2
    echo "----- end of $f -----" >&2
  else
    echo "(no log file $f)" >&2
  fi
}

need_cmd() { command -v "$1" >/dev/null 2>&1 || die "'$1' not found on PATH${2:+ ($2)}"; }

# usage: print the calling script's header comment (lines 2.. up to the first non-comment line).
usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2; }
