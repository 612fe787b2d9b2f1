#!/usr/bin/env bash
# supervise.sh <name> <pid-file> <log-file> <command...>
# What the kubelet does for a container with restartPolicy: Always, for a process of the
# development mode (lib/pulse.sh): runs the command, and whenever it exits, runs it again after
# the kubelet's CrashLoopBackOff delay. In a cluster the operator exits on purpose when it loses
# its Lease and relies on this; without it a paused kube-apiserver would leave it dead.
# The pid file holds the supervised process, what a test kills like a container; this script
# is the kubelet, stopped with SIGTERM (stop_daemon), which it passes on before exiting.
# Started detached by start_supervised (common.sh), its output and the command's in <log-file>.
set -euo pipefail

# The kubelet's back-off (pkg/kubelet/kuberuntime doBackOff, flowcontrol.Backoff): the first
# restart is immediate, the next ones wait 10 s, doubling up to 5 min; a process that ran for
# 10 min starts the sequence over.
INITIAL_BACKOFF=10
MAX_BACKOFF=300
RESET_AFTER=600

NAME=$1
PID_FILE=$2
LOG_FILE=$3
shift 3

child=""
exit_code=0
sleeper=""
stopping=0

note() { printf '\n=== %s supervisor: %s\n' "$(date -u +%FT%TZ)" "$*" >>"${LOG_FILE}"; }

# SIGTERM is a pod deletion: no restart; the process gets the TERM and its own grace period.
on_stop() {
  stopping=1
  [[ -n "${sleeper}" ]] && kill -TERM "${sleeper}" 2>/dev/null
  [[ -n "${child}" ]] && kill -TERM "${child}" 2>/dev/null
  return 0
}
trap on_stop TERM INT HUP

# Starts the command and records its pid (written then renamed: readers never see half a pid).
start_child() {
  "$@" >>"${LOG_FILE}" 2>&1 </dev/null &
  child=$!
  printf '%s\n' "${child}" >"${PID_FILE}.tmp"
  mv -f "${PID_FILE}.tmp" "${PID_FILE}"
}

# Waits for the command's end and sets exit_code (128+n after signal n, as the kubelet reports
# it). A trapped signal interrupts `wait` early, so wait until the process is gone. Not run in
# $(...): a subshell cannot wait for its parent's child.
wait_child() {
  while :; do
    exit_code=0
    wait "${child}" || exit_code=$?
    kill -0 "${child}" 2>/dev/null || break
  done
  child=""
}

# Sleeps in the background so that a SIGTERM during the back-off ends it at once.
back_off() {
  sleep "$1" &
  sleeper=$!
  wait "${sleeper}" || true
  sleeper=""
}

main() {
  local backoff=0 delay restarts=0 started ran
  while :; do
    started=${SECONDS}
    start_child "$@"
    wait_child
    ran=$((SECONDS - started))
    if ((stopping)); then
      note "${NAME} stopped (exit code ${exit_code})"
      break
    fi
    ((ran >= RESET_AFTER)) && backoff=0
    if ((backoff == 0)); then
      delay=0
      backoff=${INITIAL_BACKOFF}
    else
      delay=${backoff}
      backoff=$((backoff * 2 > MAX_BACKOFF ? MAX_BACKOFF : backoff * 2))
    fi
    restarts=$((restarts + 1))
    note "${NAME} exited with code ${exit_code} after ${ran}s; restart ${restarts} in ${delay}s (back-off)"
    ((delay == 0)) || back_off "${delay}"
    if ((stopping)); then
      note "${NAME} stopped during its back-off"
      break
    fi
  done
  rm -f "${PID_FILE}"
}

main "$@"
