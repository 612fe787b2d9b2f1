#!/usr/bin/env bash
# Stops every process the e2e scripts started (by the pids recorded in .pulse/pids, never by
# name) and removes the .pulse/ state: etcd data, PKI, kubeconfigs and logs.
# PULSE_KEEP_LOGS=1 keeps .pulse/logs for a post-mortem.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=../lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

# Clients first (the aggregator, a baseline metrics-server, anything else with a pid file),
# then the cluster in reverse start order, etcd last so the apiserver shuts down cleanly.
stop_all() {
  local i name file known=" ${CLUSTER_COMPONENTS[*]} "
  if [[ -d "${PID_DIR}" ]]; then
    for file in "${PID_DIR}"/*.pid; do
      [[ -e "${file}" ]] || continue
      name="$(basename "${file}" .pid)"
      [[ "${known}" == *" ${name} "* ]] || stop_daemon "${name}"
    done
  fi
  for ((i = ${#CLUSTER_COMPONENTS[@]} - 1; i >= 0; i--)); do
    stop_daemon "${CLUSTER_COMPONENTS[i]}"
  done
}

remove_state() {
  # Guard against a bad PULSE_STATE_DIR turning this into `rm -rf /`.
  [[ -n "${STATE_DIR}" && "${STATE_DIR}" != / && -d "${STATE_DIR}" ]] || return 0
  if [[ "${PULSE_KEEP_LOGS:-0}" == 1 ]]; then
    find "${STATE_DIR}" -mindepth 1 -maxdepth 1 ! -name logs -exec rm -rf {} +
    log "removed ${STATE_DIR} (logs kept in ${LOG_DIR})"
  else
    rm -rf "${STATE_DIR}"
    log "removed ${STATE_DIR}"
  fi
}

main() {
  if [[ ! -d "${STATE_DIR}" ]]; then
    log "nothing to stop: ${STATE_DIR} does not exist"
    return 0
  fi
  stop_all
  remove_state
}

main "$@"
