#!/usr/bin/env bash
# ClickHouse + Kafka (+ chDB) for the test command: install and start in parallel, with timings.
#
#   deploy/dev/services.sh install [--no-chdb]  install ClickHouse (+ Chromium for the UI tests), Kafka and chDB in parallel (idempotent)
#   deploy/dev/services.sh up [--no-chdb]       install (as above), then start ClickHouse and Kafka in parallel
#   deploy/dev/services.sh down                 stop both (in parallel)
#   deploy/dev/services.sh status               status of both; exit 0 only if both are up
#
# Every env override of clickhouse.sh / kafka.sh / chdb.sh applies (ports, run dir, cache dir).
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
LOG_TAG=services

# parallel NAME=COMMAND ...: run each in the background, prefix its output with [NAME],
# print how long each took, and fail if any failed.
parallel() {
  local names=() pids=() starts=() spec name cmd i rc failed=()
  for spec in "$@"; do
    name="${spec%%=*}"; cmd="${spec#*=}"
    (
      set -o pipefail
      bash -c "$cmd" 2>&1 | sed -u "s/^/[$name] /"
    ) &
    names+=("$name"); pids+=("$!"); starts+=("$(now_ms)")
  done
  for i in "${!pids[@]}"; do
    rc=0; wait "${pids[$i]}" || rc=$?
    if [ "$rc" = 0 ]; then
      log "${names[$i]}: ok ($(elapsed "${starts[$i]}") since launch)"
    else
      log "${names[$i]}: FAILED (exit $rc)"; failed+=("${names[$i]}")
    fi
  done
  [ "${#failed[@]}" = 0 ] || { log "failed: ${failed[*]}"; return 1; }
}

D="$DEV_DIR"
with_chdb=1
for a in "${@:2}"; do
  case "$a" in --no-chdb) with_chdb=0 ;; *) die "unknown option $a" ;; esac
done

do_install() {
  local t0; t0="$(now_ms)"
  # Chromium (UI end-to-end tests) after ClickHouse in one job: both use apt-get, which takes a lock.
  local jobs=("clickhouse=$D/clickhouse.sh install && $D/chromium.sh install" "kafka=$D/kafka.sh install")
  [ "$with_chdb" = 1 ] && jobs+=("chdb=$D/chdb.sh install")
  parallel "${jobs[@]}"
  log "install done in $(elapsed "$t0")"
}

do_up() {
  local t0; t0="$(now_ms)"
  do_install
  local t1; t1="$(now_ms)"
  parallel "clickhouse=$D/clickhouse.sh start" "kafka=$D/kafka.sh start"
  log "start done in $(elapsed "$t1"); up in $(elapsed "$t0") total"
  "$D/clickhouse.sh" status; "$D/kafka.sh" status
}

do_down() {
  local t0; t0="$(now_ms)"
  parallel "clickhouse=$D/clickhouse.sh stop" "kafka=$D/kafka.sh stop"
  log "down in $(elapsed "$t0")"
}

do_status() {
  local rc=0
  "$D/clickhouse.sh" status || rc=1
  "$D/kafka.sh" status || rc=1
  if [ "$with_chdb" = 1 ]; then "$D/chdb.sh" status || true; fi
  return "$rc"
}

case "${1:-}" in
  install) do_install ;;
  up) do_up ;;
  down) do_down ;;
  status) do_status ;;
  *) usage; exit 2 ;;
esac
