#!/usr/bin/env bash
# Pulse against metrics-server in the same run: both scrape the same simulated kubelets
# (default 1,000 nodes x 30 pods, from the benchmark's kubelet farm in a JVM of its own),
# registered as Node objects in the local cluster, for the same window. Reports CPU seconds
# and resident memory of each process, nodes served, and the time to list node metrics.
#   PULSE_BENCH_NODES, PULSE_BENCH_PODS, PULSE_BENCH_SECONDS (measured window, default 60)
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=../lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/pki.sh
source "${E2E_DIR}/lib/pki.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/pulse.sh
source "${E2E_DIR}/lib/pulse.sh"

NODES="${PULSE_BENCH_NODES:-1000}"
PODS="${PULSE_BENCH_PODS:-30}"
WINDOW="${PULSE_BENCH_SECONDS:-60}"
BENCH_DIR="${STATE_DIR}/bench"
FARM=kubelet-farm
NODE_LABEL=pulse.dev/bench-node

# The farm runs from metrics-core's test classes (KubeletFarm): Maven prints their classpath.
start_farm() {
  mkdir -p "${BENCH_DIR}"
  (cd "${REPO_ROOT}" && mvn -q -B -o -pl metrics-core test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile="${BENCH_DIR}/classpath.txt") ||
    die "cannot compile metrics-core's test classes for the kubelet farm"
  local cp="${REPO_ROOT}/metrics-core/target/test-classes:${REPO_ROOT}/metrics-core/target/classes:$(<"${BENCH_DIR}/classpath.txt")"
  # Its stdin must stay open (it serves until EOF): a fifo nobody writes to keeps it so.
  rm -f "${BENCH_DIR}/farm.in"
  mkfifo "${BENCH_DIR}/farm.in"
  sleep infinity >"${BENCH_DIR}/farm.in" &
  printf '%s\n' "$!" >"$(pid_file farm-stdin)"
  log "starting ${FARM}: ${NODES} nodes x ${PODS} pods (log: ${LOG_DIR}/${FARM}.log)"
  setsid nohup "${JAVA:-java}" -Xmx1g -cp "${cp}" dev.pulse.metrics.bench.KubeletFarm "${NODES}" "${PODS}" "${PKI_DIR}/ca.crt" \
    <"${BENCH_DIR}/farm.in" >"${LOG_DIR}/${FARM}.log" 2>&1 &
  printf '%s\n' "$!" >"$(pid_file "${FARM}")"
  wait_until "${FARM}" 120 "${FARM} ready" grep -q '^ready ' "${LOG_DIR}/${FARM}.log"
  read -r _ FARM_PORT FARM_CA <<<"$(grep '^ready ' "${LOG_DIR}/${FARM}.log")"
}

register_nodes() {
  local n name
  {
    for ((n = 0; n < NODES; n++)); do
      printf -v name 'node-%04d' "${n}"
      cat <<EOF
apiVersion: v1
kind: Node
metadata:
  name: ${name}
  labels: {${NODE_LABEL}: "true"}
  annotations: {metrics.k8s.io/resource-metrics-path: /metrics/nodes/${name}/metrics/resource}
status:
  addresses: [{type: InternalIP, address: 127.0.0.1}]
  daemonEndpoints: {kubeletEndpoint: {Port: ${FARM_PORT}}}
---
EOF
    done
  } >"${BENCH_DIR}/nodes.yaml"
  log "registering ${NODES} Node objects served by the farm on 127.0.0.1:${FARM_PORT}"
  kc create -f "${BENCH_DIR}/nodes.yaml" >/dev/null
}

# Both scrape the farm (its CA) and kwok's nodes (the cluster CA).
start_scrapers() {
  cat "${PKI_DIR}/ca.crt" "${FARM_CA}" >"${BENCH_DIR}/kubelet-cas.crt"
  export PULSE_KUBELET_CA="${BENCH_DIR}/kubelet-cas.crt"
  aggregator_down
  aggregator_start
  "${E2E_DIR}/bin/baseline-metrics-server.sh" start >/dev/null
}

# GET of every node's metrics as the cluster admin, from Pulse (as kube-apiserver dials it)
# or from metrics-server (its self-signed certificate is valid for 127.0.0.1); curl flags follow.
list_nodes() {
  local server=$1 path=/apis/metrics.k8s.io/v1beta1/nodes
  shift
  local auth=(--cert "${PKI_DIR}/admin.crt" --key "${PKI_DIR}/admin.key")
  case "${server}" in
    pulse) aggregator_curl "${path}" "${auth[@]}" "$@" ;;
    metrics-server) curl -fsS --max-time 30 --cacert "${PKI_DIR}/ca.crt" "${auth[@]}" "$@" \
      "https://127.0.0.1:${PULSE_METRICS_SERVER_PORT}${path}" ;;
  esac
}

# Farm nodes in a server's node list (metrics-server pretty-prints for curl: allow spaces).
served_nodes() {
  local body
  body="$(list_nodes "$1" 2>/dev/null)" || body=""
  grep -oE '"name": ?"node-[0-9]+"' <<<"${body}" | wc -l
}

wait_both_serve() {
  local start=${SECONDS} pulse ms
  while true; do
    pulse="$(served_nodes pulse)"
    ms="$(served_nodes metrics-server)"
    ((pulse >= NODES && ms >= NODES)) && break
    ((SECONDS - start < 180)) || die "after 180s Pulse serves ${pulse} and metrics-server ${ms} of ${NODES} farm nodes"
    sleep 5
  done
  log "both serve all ${NODES} farm nodes after $(fmt_duration $((SECONDS - start)))"
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

# Median wall time of 5 lists of every node's metrics, in milliseconds.
list_ms() {
  local i
  for ((i = 0; i < 5; i++)); do
    list_nodes "$1" -o /dev/null -w '%{time_total}\n'
  done | sort -n | awk 'NR == 3 {printf "%.1f", $1 * 1000}'
}

measure() {
  local pulse ms hz p0 m0 p1 m1
  pulse="$(running_pid "${AGG_NAME}")"
  ms="$(running_pid metrics-server)"
  hz="$(getconf CLK_TCK)"
  log "measuring for ${WINDOW}s (${WINDOW} / 15 scrape cycles each)"
  p0="$(cpu_ticks "${pulse}")"
  m0="$(cpu_ticks "${ms}")"
  sleep "${WINDOW}"
  p1="$(cpu_ticks "${pulse}")"
  m1="$(cpu_ticks "${ms}")"
  local pulse_cpu ms_cpu pulse_rss ms_rss pulse_list ms_list
  pulse_cpu="$(awk -v d=$((p1 - p0)) -v hz="${hz}" 'BEGIN {printf "%.2f", d / hz}')"
  ms_cpu="$(awk -v d=$((m1 - m0)) -v hz="${hz}" 'BEGIN {printf "%.2f", d / hz}')"
  pulse_rss="$(rss_kib "${pulse}")"
  ms_rss="$(rss_kib "${ms}")"
  pulse_list="$(list_ms pulse)"
  ms_list="$(list_ms metrics-server)"
  printf '\n%s nodes x %s pods, 15s resolution, %ss window, same cluster and kubelets\n' "${NODES}" "${PODS}" "${WINDOW}"
  printf '%-28s %14s %16s %12s\n' "" "Pulse" "metrics-server" "Pulse/ms"
  awk -v a="${pulse_cpu}" -v b="${ms_cpu}" 'BEGIN {printf "%-28s %14s %16s %12.2f\n", "CPU seconds in window", a, b, a / b}'
  awk -v a="${pulse_rss}" -v b="${ms_rss}" \
    'BEGIN {printf "%-28s %14.1f %16.1f %12.2f\n", "resident memory (MiB)", a / 1024, b / 1024, a / b}'
  awk -v a="${pulse_list}" -v b="${ms_list}" \
    'BEGIN {printf "%-28s %14s %16s %12.2f\n", "list all node metrics (ms)", a, b, a / b}'
}

cleanup() {
  log "cleaning up: farm nodes, farm, metrics-server; the aggregator goes back to the cluster CA"
  kc delete nodes -l "${NODE_LABEL}=true" --wait=false >/dev/null 2>&1 || true
  stop_daemon "${FARM}"
  stop_daemon farm-stdin
  "${E2E_DIR}/bin/baseline-metrics-server.sh" stop >/dev/null 2>&1 || true
  unset PULSE_KUBELET_CA
  aggregator_down
  aggregator_start >/dev/null
}

main() {
  "${E2E_DIR}/bin/up.sh"
  trap cleanup EXIT
  start_farm
  register_nodes
  start_scrapers
  wait_both_serve
  measure
}

main "$@"
