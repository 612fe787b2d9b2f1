# shellcheck shell=bash
# shellcheck disable=SC2034 # the paths below are used by the scripts that source this file
# Shared paths, logging and process helpers for e2e/bin/*.sh. Sourced, never executed.
# Everything here binds or talks to 127.0.0.1 only: the machines have no other reachable address.

E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPO_ROOT="$(cd "${E2E_DIR}/.." && pwd)"
# Per-checkout runtime state (git-ignored); PULSE_STATE_DIR lets tests use a throw-away one.
STATE_DIR="${PULSE_STATE_DIR:-${REPO_ROOT}/.pulse}"
LOG_DIR="${STATE_DIR}/logs"
PID_DIR="${STATE_DIR}/pids"
PKI_DIR="${STATE_DIR}/pki"
KUBECONFIG_FILE="${STATE_DIR}/kubeconfig"
PORTS_FILE="${STATE_DIR}/ports.env"
# Machine-wide cache of built binaries, shared by every checkout.
PULSE_CACHE="${PULSE_CACHE:-${HOME}/.cache/pulse}"

# shellcheck source-path=SCRIPTDIR source=../versions.env
source "${E2E_DIR}/versions.env"

# A running cluster's ports win over the environment: later commands must find it.
if [[ -f "${PORTS_FILE}" ]]; then
  # shellcheck source=/dev/null
  source "${PORTS_FILE}"
fi
# Fixed high ports below the Linux ephemeral range (32768+), so outgoing connections never
# take them; each can be overridden from the environment and is checked before use.
: "${PULSE_ETCD_PORT:=22379}"
: "${PULSE_ETCD_PEER_PORT:=22380}"
: "${PULSE_APISERVER_PORT:=26443}"
: "${PULSE_KCM_PORT:=20257}"
: "${PULSE_SCHEDULER_PORT:=20259}"
: "${PULSE_KWOK_PORT:=20250}"
: "${PULSE_AGGREGATOR_PORT:=24443}"
: "${PULSE_METRICS_SERVER_PORT:=24444}"
: "${PULSE_OPERATOR_PORT:=28080}"

# What cluster-up.sh starts, in start order (cluster-down.sh stops them in reverse).
CLUSTER_COMPONENTS=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok)

# Records the ports in use, for every later command (and other tools) to read.
write_ports_file() {
  mkdir -p "${STATE_DIR}"
  local v
  for v in ETCD ETCD_PEER APISERVER KCM SCHEDULER KWOK AGGREGATOR METRICS_SERVER OPERATOR; do
    v="PULSE_${v}_PORT"
    printf '%s=%s\n' "${v}" "${!v}"
  done >"${PORTS_FILE}"
}

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*"; }
warn() { printf '[%s] WARNING: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() {
  printf '[%s] ERROR: %s\n' "$(date +%H:%M:%S)" "$*" >&2
  exit 1
}

# "1m05s" style, for progress lines.
fmt_duration() {
  local s=$1
  if ((s >= 60)); then printf '%dm%02ds' $((s / 60)) $((s % 60)); else printf '%ds' "${s}"; fi
}

# Separates the peers' pins in versions.env from the tools' (operator-sdk, helm) below it.
TOOLS_MARKER='# ---- tools:'

# The build key: a digest of versions.env above the tools marker, so changing any peer's pin
# builds into a fresh directory, and a tool's pin never rebuilds Kubernetes.
peers_dir() {
  local key
  key="$(sed "/^${TOOLS_MARKER}/,\$d" "${E2E_DIR}/versions.env" | sha256sum | cut -c1-12)"
  printf '%s/k8s/%s-%s' "${PULSE_CACHE}" "${KUBE_VERSION}" "${key}"
}

# tool_dir <name> <version> <pin prefix>: where a tool is built, keyed by its own pins (the
# versions.env lines starting with the prefix), so one tool's pin never rebuilds another.
tool_dir() {
  local key
  key="$(grep -E "^$3" "${E2E_DIR}/versions.env" | sha256sum | cut -c1-12)"
  printf '%s/tools/%s-%s-%s' "${PULSE_CACHE}" "$1" "$2" "${key}"
}

operator_sdk_dir() { tool_dir operator-sdk "${OPERATOR_SDK_VERSION}" OPERATOR_SDK_; }
helm_dir() { tool_dir helm "${HELM_VERSION}" HELM_; }
PEERS_BIN="$(peers_dir)/bin"

# Where promtool is built (e2e/bin/build-promtool.sh).
promtool_dir() {
  printf '%s/tools/promtool-%s' "${PULSE_CACHE}" "${PROMTOOL_MODULE_VERSION}"
}

# Where the Prometheus Operator's CRDs are kept (e2e/bin/fetch-prometheus-crds.sh).
prometheus_crds_dir() {
  printf '%s/tools/prometheus-operator-crds-%s' "${PULSE_CACHE}" "${PROMETHEUS_OPERATOR_VERSION}"
}

# kubectl of the server's minor version; the GCloud dispatcher in PATH may pick another one.
resolve_kubectl() {
  if [[ -n "${KUBECTL:-}" ]]; then
    printf '%s' "${KUBECTL}"
  elif [[ -x "${KUBECTL_DEFAULT}" ]]; then
    printf '%s' "${KUBECTL_DEFAULT}"
  elif command -v kubectl >/dev/null 2>&1; then
    command -v kubectl
  else
    die "kubectl not found: set KUBECTL=/path/to/kubectl (1.33 recommended)"
  fi
}

kc() { "$(resolve_kubectl)" --kubeconfig "${KUBECONFIG_FILE}" "$@"; }

# True when something accepts TCP connections on 127.0.0.1:$1.
port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

require_free_port() {
  local name=$1 port=$2
  if port_in_use "${port}"; then
    die "port ${port} (${name}) on 127.0.0.1 is already taken by another process; set PULSE_${name^^}_PORT to another port"
  fi
}

pid_file() { printf '%s/%s.pid' "${PID_DIR}" "$1"; }

# A supervised component (start_supervised) has two pids: the process, in pid_file, which a test
# kills like a container, and its supervisor, the local kubelet, in this file. Kept out of
# PID_DIR's top level, which lists the components.
supervisor_pid_file() { printf '%s/supervisors/%s.pid' "${PID_DIR}" "$1"; }

# True while the process runs. An exited daemon stays a zombie until init reaps it (here
# that takes a second or more), and kill -0 succeeds on zombies: look at its state too.
pid_alive() {
  local state=""
  kill -0 "$1" 2>/dev/null || return 1
  [[ -r "/proc/$1/stat" ]] && state="$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null)"
  [[ "${state}" != Z ]]
}

# The pid recorded in a pid file, if that process still runs; fails otherwise (stale files are ignored).
live_pid_in() {
  local file=$1 pid
  [[ -f "${file}" ]] || return 1
  pid="$(<"${file}")"
  [[ "${pid}" =~ ^[0-9]+$ ]] && pid_alive "${pid}" || return 1
  printf '%s' "${pid}"
}

# Pid of a component we started, if it still runs.
running_pid() { live_pid_in "$(pid_file "$1")"; }

# Pid of the supervisor of a component, if it still runs.
supervisor_pid() { live_pid_in "$(supervisor_pid_file "$1")"; }

# True while a component runs or, supervised, will be restarted: a process in its back-off after
# a crash counts, as a pod in CrashLoopBackOff still exists. What "already running" checks.
component_alive() {
  running_pid "$1" >/dev/null || supervisor_pid "$1" >/dev/null
}

# Starts "$@" detached (own session, so a Ctrl-C in the calling shell does not reach it),
# logging to .pulse/logs/<name>.log and recording its pid.
start_daemon() {
  local name=$1
  shift
  mkdir -p "${LOG_DIR}" "${PID_DIR}"
  log "starting ${name} (log: ${LOG_DIR}/${name}.log)"
  printf '\n=== %s: %s\n' "$(date -u +%FT%TZ)" "$*" >>"${LOG_DIR}/${name}.log"
  setsid nohup "$@" >>"${LOG_DIR}/${name}.log" 2>&1 </dev/null &
  printf '%s\n' "$!" >"$(pid_file "${name}")"
}

# start_daemon under lib/supervise.sh, which restarts "$@" whenever it exits, with the kubelet's
# back-off, and logs each restart with the exit code in the same log. The process's pid file is
# written by the supervisor, at each start.
start_supervised() {
  local name=$1 log_file="${LOG_DIR}/$1.log"
  shift
  mkdir -p "${LOG_DIR}" "$(dirname "$(supervisor_pid_file "${name}")")"
  log "starting ${name}, supervised (log: ${log_file})"
  printf '\n=== %s: %s\n' "$(date -u +%FT%TZ)" "$*" >>"${log_file}"
  # shellcheck disable=SC2094 # the supervisor only appends to its log; it is handed the path for the process
  setsid nohup "${E2E_DIR}/lib/supervise.sh" "${name}" "$(pid_file "${name}")" "${log_file}" "$@" \
    >>"${log_file}" 2>&1 </dev/null &
  printf '%s\n' "$!" >"$(supervisor_pid_file "${name}")"
}

# Stops one component by its recorded pids: its supervisor first, if any, so that nothing
# restarts it (the supervisor passes the TERM on and waits for the process), then the process.
stop_daemon() {
  local name=$1 pid
  if pid="$(supervisor_pid "${name}")"; then
    log "stopping ${name}'s supervisor (pid ${pid})"
    terminate "${name} supervisor" "${pid}"
  fi
  if pid="$(running_pid "${name}")"; then
    log "stopping ${name} (pid ${pid})"
    terminate "${name}" "${pid}"
  fi
  rm -f "$(pid_file "${name}")" "$(supervisor_pid_file "${name}")"
}

# TERM, then KILL after a grace period of 20 s.
terminate() {
  local what=$1 pid=$2 i
  kill -TERM "${pid}" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    pid_alive "${pid}" || return 0
    sleep 0.2
  done
  warn "${what} ignored SIGTERM for 20s; sending SIGKILL"
  kill -KILL "${pid}" 2>/dev/null || true
}

# Last lines of a component's log, for error messages.
log_tail() {
  local file="${LOG_DIR}/$1.log"
  [[ -f "${file}" ]] || return 0
  printf -- '--- last lines of %s ---\n' "${file}" >&2
  tail -n "${2:-20}" "${file}" >&2
}

# wait_until <component> <timeout-s> <description> <command...>: polls the command once a
# second; fails with a pointer to the component's log when it dies (for good: a supervised one
# is given until the timeout to come back) or the time runs out.
wait_until() {
  local name=$1 timeout=$2 what=$3 start=${SECONDS}
  shift 3
  until "$@" >/dev/null 2>&1; do
    if ! component_alive "${name}"; then
      log_tail "${name}" 30
      die "${name} exited while waiting for ${what}; see ${LOG_DIR}/${name}.log"
    fi
    if ((SECONDS - start >= timeout)); then
      log_tail "${name}" 30
      die "${what} not reached after ${timeout}s; see ${LOG_DIR}/${name}.log"
    fi
    sleep 1
  done
  log "${what} after $(fmt_duration $((SECONDS - start)))"
}

# HTTPS GET against a loopback component, verifying it with the cluster CA (never -k)
# and authenticating as the cluster admin.
admin_curl() {
  curl -fsS --max-time 5 --cacert "${PKI_DIR}/ca.crt" \
    --cert "${PKI_DIR}/admin.crt" --key "${PKI_DIR}/admin.key" "$@"
}
