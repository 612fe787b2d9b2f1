#!/usr/bin/env bash
# Pulse against metrics-server v0.8.0 in the same run, on the same local cluster, scraping the
# same kubelets, size after size (PULSE_BENCH_NODES, default "3 1000"):
#   3      the `make up` cluster's 3 kwok nodes and their pods alone, idle (no farm);
#   N > 3  N simulated kubelets (KubeletFarm, a JVM of its own) with PULSE_BENCH_PODS pods each,
#          registered as Nodes and Running Pods (FleetRegistrar), on top of the kwok nodes.
# For each size and each server: CPU seconds per scrape cycle and per node, resident memory,
# latency (p50/p99) of listing all node and all pod metrics under concurrent clients
# (MetricsClient), cycle wall time, nodes and pods served, process start to the first complete
# node list, and the operator's resident memory. Both must serve the same usage for every node
# and pod (cross-check), or the run fails. Output: a table, .pulse/bench/report.json and a chart
# (docs/bench/pulse-vs-metrics-server.png, BenchReport). Variables: see e2e/README.md.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=../lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/pki.sh
source "${E2E_DIR}/lib/pki.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/pulse.sh
source "${E2E_DIR}/lib/pulse.sh"

SIZES="${PULSE_BENCH_NODES:-3 1000}"
PODS="${PULSE_BENCH_PODS:-30}"
WINDOW="${PULSE_BENCH_SECONDS:-60}"
WARMUP="${PULSE_BENCH_WARMUP_SECONDS:-45}"
# The idle size measures what a small cluster pays for as long as it runs, so its window starts
# once the JVM has compiled its hot code (the first minutes), not while it still compiles.
IDLE_WARMUP="${PULSE_BENCH_IDLE_WARMUP_SECONDS:-180}"
CLIENTS="${PULSE_BENCH_CLIENTS:-8}"
REQUESTS="${PULSE_BENCH_REQUESTS:-25}"
LOAD_WARMUP="${PULSE_BENCH_LOAD_WARMUP:-5}"
REGISTER_BUDGET="${PULSE_BENCH_REGISTER_SECONDS:-1800}"
SERVE_TIMEOUT="${PULSE_BENCH_SERVE_TIMEOUT:-300}"
CHART="${PULSE_BENCH_CHART:-${REPO_ROOT}/docs/bench/pulse-vs-metrics-server.png}"
RESOLUTION=15 # seconds: the sample pipeline's default and metrics-server's --metric-resolution
KWOK_SIZE=3   # the `make up` cluster's kwok nodes (e2e/config/nodes.yaml)
BENCH_DIR="${STATE_DIR}/bench"
REPORT="${BENCH_DIR}/report.json"
FARM=kubelet-farm
MS_URL="https://127.0.0.1:${PULSE_METRICS_SERVER_PORT}"
PHASES=()

for size in ${SIZES}; do
  [[ "${size}" =~ ^[1-9][0-9]*$ ]] || die "PULSE_BENCH_NODES: '${size}' is not a node count (e.g. \"3 1000 5000\")"
done
((WINDOW >= RESOLUTION)) || die "PULSE_BENCH_SECONDS must be at least ${RESOLUTION}"

now_ms() { date +%s%3N; }

# The commit the figures belong to; "-dirty" when tracked files differ from it.
measured_commit() {
  local dirty=""
  git -C "${REPO_ROOT}" diff --quiet HEAD -- || dirty="-dirty"
  echo "$(git -C "${REPO_ROOT}" rev-parse --short HEAD)${dirty}"
}

# Records how long a phase took, for the summary at the end.
phase_done() {
  local name=$1 start=$2
  PHASES+=("$(printf '%-58s %s' "${name}" "$(fmt_duration $((SECONDS - start)))")")
}

# metrics-core's test classes (KubeletFarm, FleetRegistrar, MetricsClient, BenchReport) with
# their classpath from Maven (online: a fresh machine's local repository may lack a plugin).
build_classpath() {
  mkdir -p "${BENCH_DIR}"
  log "compiling metrics-core's test classes (bench tools) and resolving their classpath"
  (cd "${REPO_ROOT}" && ./mvnw -q -B -ntp -pl metrics-core test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile="${BENCH_DIR}/classpath.txt") ||
    die "cannot compile metrics-core's test classes for the benchmark"
  BENCH_CP="${REPO_ROOT}/metrics-core/target/test-classes:${REPO_ROOT}/metrics-core/target/classes:$(<"${BENCH_DIR}/classpath.txt")"
}

bench_java() {
  local class=$1
  shift
  "${JAVA:-java}" -Xmx2g -cp "${BENCH_CP}" "dev.pulse.metrics.bench.${class}" "$@"
}

# Server specs for MetricsClient: Pulse verified as kube-apiserver dials it (its service name,
# against the APIService's caBundle), metrics-server as 127.0.0.1 against the cluster CA.
pulse_spec() { printf 'pulse,https://127.0.0.1:%s,%s,%s.%s.svc' "${PULSE_AGGREGATOR_PORT}" "${AGG_DIR}/ca.crt" "${AGG_RESOURCE}" "$(pipeline_namespace)"; }
ms_spec() { printf 'metrics-server,%s,%s,127.0.0.1' "${MS_URL}" "${PKI_DIR}/ca.crt"; }
client() { bench_java MetricsClient "$@" --cert "${PKI_DIR}/admin.crt" --key "${PKI_DIR}/admin.key"; }

start_farm() {
  local nodes=$1 start=${SECONDS}
  # Its stdin must stay open (it serves until EOF): a fifo nobody writes to keeps it so.
  rm -f "${BENCH_DIR}/farm.in"
  mkfifo "${BENCH_DIR}/farm.in"
  sleep infinity >"${BENCH_DIR}/farm.in" &
  printf '%s\n' "$!" >"$(pid_file farm-stdin)"
  : >"${LOG_DIR}/${FARM}.log"
  log "starting ${FARM}: ${nodes} simulated kubelets x ${PODS} pods (log: ${LOG_DIR}/${FARM}.log)"
  setsid nohup "${JAVA:-java}" -Xmx2g -cp "${BENCH_CP}" dev.pulse.metrics.bench.KubeletFarm "${nodes}" "${PODS}" \
    "${PKI_DIR}/ca.crt" <"${BENCH_DIR}/farm.in" >"${LOG_DIR}/${FARM}.log" 2>&1 &
  printf '%s\n' "$!" >"$(pid_file "${FARM}")"
  wait_until "${FARM}" 120 "${FARM} ready" grep -q '^ready ' "${LOG_DIR}/${FARM}.log"
  read -r _ FARM_PORT FARM_CA <<<"$(grep '^ready ' "${LOG_DIR}/${FARM}.log")"
  phase_done "${nodes} nodes: farm start" "${start}"
}

stop_farm() {
  stop_daemon "${FARM}"
  stop_daemon farm-stdin
}

# Nodes and their pods, Running (FleetRegistrar prints progress, and how many pods it registered).
register_fleet() {
  local nodes=$1 start=${SECONDS} out
  out="$(mktemp)"
  KUBECONFIG="${KUBECONFIG_FILE}" bench_java FleetRegistrar register "${nodes}" "${PODS}" "${FARM_PORT}" \
    "${REGISTER_BUDGET}" | tee "${out}" || die "registering the farm's nodes and pods failed"
  REGISTERED_PODS="$(awk '$1 == "registered" {print $3}' "${out}")"
  rm -f "${out}"
  [[ -n "${REGISTERED_PODS}" ]] || die "FleetRegistrar did not say how many pods it registered"
  if ((REGISTERED_PODS < nodes * PODS)); then
    log "the control plane holds ${REGISTERED_PODS} of the $((nodes * PODS)) farm pods: measuring with those"
  fi
  phase_done "${nodes} nodes: register nodes and ${REGISTERED_PODS} pods" "${start}"
}

unregister_fleet() {
  KUBECONFIG="${KUBECONFIG_FILE}" bench_java FleetRegistrar unregister "$@"
}

metrics_server_start() {
  PULSE_METRICS_SERVER_READY_TIMEOUT="${SERVE_TIMEOUT}" "${E2E_DIR}/bin/baseline-metrics-server.sh" start >/dev/null
}
metrics_server_stop() { "${E2E_DIR}/bin/baseline-metrics-server.sh" stop >/dev/null; }

# What the aggregator's JVM runs with: its jvm.options, the container's limit and PULSE_JAVA_OPTS.
pulse_jvm_options() {
  local pid
  pid="$(running_pid "${AGG_NAME}")" || return 0
  tr '\0' ' ' <"/proc/${pid}/cmdline" | sed -E 's/ -jar .*//; s/^[^ ]+ //'
}

# Seconds from launching a server to its first node list that holds every node, each server
# alone (the other one stopped), measured the same way for both.
measure_first_top() {
  local nodes=$1 start=${SECONDS} t0
  metrics_server_stop
  aggregator_down
  log "start to first complete node list: Pulse alone"
  # The image carries its class-data archive: dumping one is not part of a start.
  class_data_archive "${AGG_JAR}" "${REPO_ROOT}/metrics-core/cds.classlist" >/dev/null
  t0="$(now_ms)"
  if ! (aggregator_start >/dev/null); then
    tail -n 300 "${LOG_DIR}/${AGG_NAME}.log" | grep -q OutOfMemoryError &&
      die "Pulse ran out of heap starting at ${nodes} nodes (heap from metrics-core/jvm.options and the Deployment's memory limit): raise the pipeline's memory limit (spec.resources), or add PULSE_JAVA_OPTS=-Xmx..."
    die "the aggregator did not start; see ${LOG_DIR}/${AGG_NAME}.log"
  fi
  PULSE_FIRST="$(client first-top "$(pulse_spec)" "${nodes}" "${t0}" "${SERVE_TIMEOUT}")" ||
    die "Pulse never listed all ${nodes} nodes; see ${LOG_DIR}/${AGG_NAME}.log"
  log "  Pulse: ${PULSE_FIRST} s"
  aggregator_down
  log "start to first complete node list: metrics-server alone"
  t0="$(now_ms)"
  metrics_server_start
  MS_FIRST="$(client first-top "$(ms_spec)" "${nodes}" "${t0}" "${SERVE_TIMEOUT}")" ||
    die "metrics-server never listed all ${nodes} nodes; see ${LOG_DIR}/metrics-server.log"
  log "  metrics-server: ${MS_FIRST} s"
  aggregator_start >/dev/null
  phase_done "${SIZE} nodes: first complete node list, each alone" "${start}"
}

# Until both serve every node and the same number of pods, at least every farm pod.
wait_both_serve() {
  local nodes=$1 min_pods=$2 start=${SECONDS} p m
  log "waiting until both serve ${nodes} nodes and at least ${min_pods} pods"
  while true; do
    p="$(client count "$(pulse_spec)" 2>/dev/null)" || p="0 0"
    m="$(client count "$(ms_spec)" 2>/dev/null)" || m="0 0"
    read -r pn pp <<<"${p}"
    read -r mn mp <<<"${m}"
    ((pn == nodes && mn == nodes && pp >= min_pods && pp == mp)) && break
    ((SECONDS - start < SERVE_TIMEOUT)) ||
      die "after ${SERVE_TIMEOUT}s Pulse serves ${pn} nodes/${pp} pods and metrics-server ${mn}/${mp} (want ${nodes} nodes, >= ${min_pods} pods)"
    log "  Pulse ${pn} nodes/${pp} pods, metrics-server ${mn} nodes/${mp} pods"
    sleep 5
  done
  log "both serve ${pn} nodes and ${pp} pods after $(fmt_duration $((SECONDS - start)))"
  phase_done "${SIZE} nodes: wait until both serve everything" "${start}"
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_mib() { awk '/^VmRSS:/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }

# "<sum> <count>" of a Prometheus histogram or summary in a /metrics text.
sum_count() {
  awk -v m="$1" '
    index($1, m "_sum") == 1 && substr($1, length(m) + 5, 1) ~ /^(\{|)$/ {s += $NF}
    index($1, m "_count") == 1 && substr($1, length(m) + 7, 1) ~ /^(\{|)$/ {c += $NF}
    END {printf "%s %s\n", s + 0, c + 0}'
}
pulse_cycles() {
  aggregator_curl /metrics --cert "${PKI_DIR}/admin.crt" --key "${PKI_DIR}/admin.key" |
    sum_count pulse_scrape_cycle_duration_seconds
}
ms_cycles() { admin_curl "${MS_URL}/metrics" | sum_count metrics_server_manager_tick_duration_seconds; }

# Mean cycle wall time in a window from two "<sum> <count>" readings.
mean_cycle() {
  awk -v a="$1" -v b="$2" 'BEGIN {split(a, x, " "); split(b, y, " ");
    if (y[2] > x[2]) printf "%.3f", (y[1] - x[1]) / (y[2] - x[2]); else print "null"}'
}

measure_window() {
  local start=${SECONDS} pulse ms hz p0 m0 p1 m1 pc0 mc0 pc1 mc1
  pulse="$(running_pid "${AGG_NAME}")"
  ms="$(running_pid metrics-server)"
  hz="$(getconf CLK_TCK)"
  local warmup=${WARMUP}
  if ((SIZE == KWOK_SIZE)); then
    warmup=${IDLE_WARMUP}
  fi
  log "warm-up: ${warmup}s"
  sleep "${warmup}"
  log "measuring CPU for ${WINDOW}s ($((WINDOW / RESOLUTION)) scrape cycles of ${RESOLUTION}s each)"
  pc0="$(pulse_cycles)"
  mc0="$(ms_cycles)"
  p0="$(cpu_ticks "${pulse}")"
  m0="$(cpu_ticks "${ms}")"
  sleep "${WINDOW}"
  p1="$(cpu_ticks "${pulse}")"
  m1="$(cpu_ticks "${ms}")"
  pc1="$(pulse_cycles)"
  mc1="$(ms_cycles)"
  local cycles
  cycles="$(awk -v w="${WINDOW}" -v r="${RESOLUTION}" 'BEGIN {print w / r}')"
  PULSE_CPU="$(awk -v d=$((p1 - p0)) -v hz="${hz}" -v c="${cycles}" 'BEGIN {printf "%.4f", d / hz / c}')"
  MS_CPU="$(awk -v d=$((m1 - m0)) -v hz="${hz}" -v c="${cycles}" 'BEGIN {printf "%.4f", d / hz / c}')"
  PULSE_RSS="$(rss_mib "${pulse}")"
  MS_RSS="$(rss_mib "${ms}")"
  OPERATOR_RSS="$(rss_mib "$(running_pid "${OPERATOR_NAME}")")"
  PULSE_CYCLE="$(mean_cycle "${pc0}" "${pc1}")"
  MS_CYCLE="$(mean_cycle "${mc0}" "${mc1}")"
  log "  CPU per cycle: Pulse ${PULSE_CPU} s, metrics-server ${MS_CPU} s; RSS: Pulse ${PULSE_RSS} MiB, metrics-server ${MS_RSS} MiB, operator ${OPERATOR_RSS} MiB"
  phase_done "${SIZE} nodes: warm-up and CPU/memory window" "${start}"
}

crosscheck() {
  local start=${SECONDS} out
  log "cross-check: the usage of every node and pod, Pulse against metrics-server"
  out="$(mktemp)"
  if ! client crosscheck "$(pulse_spec)" "$(ms_spec)" | tee "${out}"; then
    rm -f "${out}"
    die "cross-check failed at ${SIZE} nodes: Pulse and metrics-server disagree on the objects above"
  fi
  read -r SERVED_P_NODES SERVED_P_PODS <<<"$(awk '$1 == "served" && $2 == "pulse" {print $3, $4}' "${out}")"
  read -r SERVED_M_NODES SERVED_M_PODS <<<"$(awk '$1 == "served" && $2 == "metrics-server" {print $3, $4}' "${out}")"
  rm -f "${out}"
  phase_done "${SIZE} nodes: cross-check" "${start}"
}

# p50 and p99 (ms) of one list path into LAT_P50/LAT_P99: CLIENTS concurrent clients x REQUESTS
# requests, after LOAD_WARMUP untimed ones each.
latency() {
  local spec=$1 path=$2 out
  out="$(client load "${spec}" "${path}" "${CLIENTS}" "${REQUESTS}" "${LOAD_WARMUP}")" || die "load on ${spec%%,*} ${path} failed"
  log "  ${spec%%,*} GET ${path}: p50/p99/mean/max ${out% *} ms (${out##* } requests)"
  read -r LAT_P50 LAT_P99 _ <<<"${out}"
}

measure_latency() {
  local start=${SECONDS} nodes=/apis/metrics.k8s.io/v1beta1/nodes pods=/apis/metrics.k8s.io/v1beta1/pods
  log "list latency: ${CLIENTS} concurrent clients x ${REQUESTS} requests (after ${LOAD_WARMUP} each), one server and path at a time"
  latency "$(pulse_spec)" "${nodes}"
  PULSE_N50=${LAT_P50} PULSE_N99=${LAT_P99}
  latency "$(ms_spec)" "${nodes}"
  MS_N50=${LAT_P50} MS_N99=${LAT_P99}
  latency "$(pulse_spec)" "${pods}"
  PULSE_P50=${LAT_P50} PULSE_P99=${LAT_P99}
  latency "$(ms_spec)" "${pods}"
  MS_P50=${LAT_P50} MS_P99=${LAT_P99}
  phase_done "${SIZE} nodes: list latency" "${start}"
}

# One size's object, appended to the report (written after every size: a failure keeps the rest).
report_size() {
  local nodes=$1 fleet=$2 pods_per_node=$3 total_nodes=$4
  local obj
  obj="$(jq -n \
    --argjson nodes "${nodes}" --arg fleet "${fleet}" --argjson ppn "${pods_per_node}" \
    --argjson total "${total_nodes}" --argjson window "${WINDOW}" --argjson clients "${CLIENTS}" \
    --argjson requests "${REQUESTS}" --arg commit "$(measured_commit)" \
    --arg date "$(date -u +%FT%TZ)" --arg jopts "$(pulse_jvm_options)" \
    --argjson pcpu "${PULSE_CPU}" --argjson mcpu "${MS_CPU}" \
    --argjson prss "${PULSE_RSS}" --argjson mrss "${MS_RSS}" --argjson orss "${OPERATOR_RSS}" \
    --argjson pn50 "${PULSE_N50}" --argjson pn99 "${PULSE_N99}" --argjson mn50 "${MS_N50}" --argjson mn99 "${MS_N99}" \
    --argjson pp50 "${PULSE_P50}" --argjson pp99 "${PULSE_P99}" --argjson mp50 "${MS_P50}" --argjson mp99 "${MS_P99}" \
    --argjson pfirst "${PULSE_FIRST}" --argjson mfirst "${MS_FIRST}" \
    --argjson pnodes "${SERVED_P_NODES}" --argjson ppods "${SERVED_P_PODS}" \
    --argjson mnodes "${SERVED_M_NODES}" --argjson mpods "${SERVED_M_PODS}" \
    --argjson pcycle "${PULSE_CYCLE}" --argjson mcycle "${MS_CYCLE}" '
    def server($cpu; $rss; $n50; $n99; $p50; $p99; $first; $served; $pods; $cycle): {
      cpu_seconds_per_cycle: $cpu, cpu_ms_per_node: (($cpu * 1000 / $total) * 10000 | round / 10000),
      rss_mib: $rss, list_nodes_p50_ms: $n50, list_nodes_p99_ms: $n99,
      list_pods_p50_ms: $p50, list_pods_p99_ms: $p99, first_top_seconds: $first,
      nodes_served: $served, pods_served: $pods, cycle_seconds: $cycle};
    (server($pcpu; $prss; $pn50; $pn99; $pp50; $pp99; $pfirst; $pnodes; $ppods; $pcycle) + {operator_rss_mib: $orss}) as $p
    | server($mcpu; $mrss; $mn50; $mn99; $mp50; $mp99; $mfirst; $mnodes; $mpods; $mcycle) as $m
    | {nodes: $nodes, pods_per_node: $ppn, fleet: $fleet, nodes_scraped: $total, window_seconds: $window,
       resolution_seconds: 15, load_clients: $clients, load_requests: $requests, commit: $commit, date: $date,
       pulse_java_opts: $jopts,
       pulse: $p, metrics_server: $m,
       ratio: ($m | to_entries | map(select(.value != null and .value != 0 and $p[.key] != null)
               | {key, value: (($p[.key] / .value) * 1000 | round / 1000)}) | from_entries)}')"
  jq --argjson obj "${obj}" '. + [$obj]' "${REPORT}" >"${REPORT}.tmp"
  mv "${REPORT}.tmp" "${REPORT}"
}

run_size() {
  SIZE=$1
  local size_start=${SECONDS} fleet total_nodes min_pods pods_per_node
  log "=== size ${SIZE} nodes ==="
  if ((SIZE == KWOK_SIZE)); then
    fleet=kwok
    unset PULSE_KUBELET_CA
    REGISTERED_PODS=0
  else
    fleet=farm
    # Both restart below; stopped, they neither slow the registration down nor see half a fleet.
    metrics_server_stop
    aggregator_down
    start_farm "${SIZE}"
    register_fleet "${SIZE}"
    cat "${PKI_DIR}/ca.crt" "${FARM_CA}" >"${BENCH_DIR}/kubelet-cas.crt"
    export PULSE_KUBELET_CA="${BENCH_DIR}/kubelet-cas.crt"
  fi
  total_nodes="$(kc get nodes -o name | wc -l)"
  min_pods="${REGISTERED_PODS}"
  measure_first_top "${total_nodes}"
  wait_both_serve "${total_nodes}" "${min_pods}"
  measure_window
  crosscheck
  measure_latency
  if [[ "${fleet}" == kwok ]]; then
    pods_per_node="$(awk -v p="${SERVED_P_PODS}" -v n="${total_nodes}" 'BEGIN {printf "%.1f", p / n}')"
  else
    pods_per_node="$(awk -v p="${REGISTERED_PODS}" -v n="${SIZE}" 'BEGIN {v = p / n; if (v == int(v)) print v; else printf "%.1f", v}')"
  fi
  report_size "${SIZE}" "${fleet}" "${pods_per_node}" "${total_nodes}"
  if [[ "${fleet}" == farm ]]; then
    local start=${SECONDS}
    log "removing the farm's pods and nodes (both servers stopped: their watches slow deletion down)"
    metrics_server_stop
    aggregator_down
    unregister_fleet
    stop_farm
    phase_done "${SIZE} nodes: remove the farm's pods and nodes" "${start}"
  fi
  phase_done "${SIZE} nodes: total" "${size_start}"
}

cleanup() {
  local rc=$?
  log "cleaning up: farm pods, nodes and namespaces, farm, metrics-server; the aggregator goes back to the cluster CA"
  unregister_fleet --namespaces >/dev/null 2>&1 || true
  stop_farm
  metrics_server_stop >/dev/null 2>&1 || true
  unset PULSE_KUBELET_CA
  aggregator_down
  aggregator_start >/dev/null
  exit "${rc}"
}

main() {
  local start=${SECONDS}
  command -v jq >/dev/null || die "'jq' not found: install it (Debian: apt-get install jq)"
  "${E2E_DIR}/bin/up.sh"
  phase_done "cluster up (up.sh)" "${start}"
  build_classpath
  trap cleanup EXIT
  unregister_fleet --namespaces >/dev/null 2>&1 || true # a crashed earlier run's leftovers
  printf '[]\n' >"${REPORT}"
  local size
  for size in ${SIZES}; do
    run_size "${size}"
  done
  printf '\nPulse vs metrics-server v0.8.0, same cluster and kubelets (%s, commit %s)\n' "$(date -u +%F)" \
    "$(measured_commit)"
  bench_java BenchReport table "${REPORT}"
  bench_java BenchReport chart "${REPORT}" "${CHART}" >/dev/null
  cp "${REPORT}" "$(dirname "${CHART}")/report.json" # the chart's data, beside it
  printf '\nreport: %s (copied beside the chart)\nchart:  %s\n\nphases:\n' "${REPORT}" "${CHART}"
  printf '  %s\n' "${PHASES[@]}"
  printf '  %-58s %s\n' "whole run" "$(fmt_duration $((SECONDS - start)))"
}

main "$@"
