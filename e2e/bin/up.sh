#!/usr/bin/env bash
# `make up`: a local cluster with simulated nodes, the Pulse operator and the sample
# MetricsPipeline, whose aggregator serves metrics.k8s.io behind kube-apiserver, ready for
# `kubectl top`. Idempotent: reuses a running cluster and says so when everything already runs.
#   1. builds the jars (if missing) and the Kubernetes peers (if not cached)
#   2. starts the control plane (cluster-up.sh) unless it runs
#   3. creates 3 kwok nodes and Deployments in namespaces shop and batch
#   4. installs the CRD, starts the operator, applies config/samples/metricspipeline.yaml,
#      runs the aggregator it provisions (lib/pulse.sh) and waits for the pipeline to be Ready
#   5. waits for `kubectl top nodes`, prints `kubectl top` and the KUBECONFIG to export, and links
#      the kubectl plugin kubectl-pulse into .pulse/bin (`kubectl pulse doctor`)
# --restart-pulse restarts the operator and the aggregator, e.g. after `make build`.
# --standby-operator adds a second operator replica to a running cluster (leader election).
# --installed-operator NS replaces the operator and aggregator with those of an install that
# created the Deployment pulse-operator in NS and the pipeline (HelmChartE2E: the Helm chart).
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=../lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/pulse.sh
source "${E2E_DIR}/lib/pulse.sh"

TOP_TIMEOUT="${PULSE_TOP_TIMEOUT:-120}"

all_running() {
  local name
  for name in "${CLUSTER_COMPONENTS[@]}" "${OPERATOR_NAME}" "${AGG_NAME}" "${AGG_VOLUME_NAME}"; do
    component_alive "${name}" || return 1
  done
}

# Nodes and workloads; `apply` keeps re-runs harmless.
create_workloads() {
  kc apply -f "${E2E_DIR}/config/nodes.yaml" >/dev/null
  kc wait --for=condition=Ready node --all --timeout=60s >/dev/null ||
    die "kwok did not make the nodes Ready; see ${LOG_DIR}/kwok.log"
  # Deployments need the default ServiceAccount, which the controller manager creates.
  kc apply -f "${E2E_DIR}/config/workloads.yaml" >/dev/null
  local ns
  for ns in shop batch; do
    wait_rollout "${ns}"
  done
  kc rollout status -n kube-system daemonset/node-agent --timeout=120s >/dev/null ||
    die "kube-system/node-agent did not roll out; kubectl -n kube-system describe daemonset node-agent"
  log "3 nodes and $(kc get pods -A --no-headers -l 'app in (frontend,api,worker,idle)' | wc -l) pods running"
}

wait_rollout() {
  local ns=$1 d
  for d in $(kc get deployments -n "${ns}" -o name); do
    kc rollout status -n "${ns}" "${d}" --timeout=120s >/dev/null ||
      die "${ns}/${d} did not roll out; kubectl -n ${ns} describe ${d} / see ${LOG_DIR}/kube-scheduler.log"
  done
}

# The first scrape lands one resolution (15s) after start; until then top says "not available".
wait_for_top() {
  local start=${SECONDS} out
  until out="$(kc top nodes 2>&1)"; do
    if ((SECONDS - start >= TOP_TIMEOUT)); then
      log_tail "${AGG_NAME}" 30
      die "kubectl top nodes still fails after ${TOP_TIMEOUT}s: ${out}"
    fi
    sleep 3
  done
  log "kubectl top nodes works after $(fmt_duration $((SECONDS - start)))"
}

# CPU usage is a rate: a pod shows up once two scrapes have seen it, so pods first seen in the
# second scrape appear one resolution later. Wait for all of them (bounded), for a full table.
wait_for_all_pods() {
  local start=${SECONDS} running shown
  running="$(kc get pods -A --field-selector=status.phase=Running --no-headers | wc -l)"
  while shown="$(kc top pods -A --no-headers 2>/dev/null | wc -l)" && ((shown < running)); do
    if ((SECONDS - start >= TOP_TIMEOUT)); then
      warn "kubectl top pods -A lists ${shown} of ${running} running pods after ${TOP_TIMEOUT}s; see ${LOG_DIR}/${AGG_NAME}.log"
      return 0
    fi
    sleep 3
  done
  log "kubectl top pods -A lists all ${running} running pods after $(fmt_duration $((SECONDS - start)))"
}

show() {
  printf '\n$ kubectl get metricspipelines\n'
  kc get metricspipelines
  printf '\n$ kubectl top nodes\n'
  kc top nodes
  printf '\n$ kubectl top pods -A\n'
  kc top pods -A
  printf '\nUse the cluster with:\n  export KUBECONFIG=%s\n' "${KUBECONFIG_FILE}"
  printf 'Explain kubectl top (this cluster or any other kubeconfig):\n  PATH=%s:$PATH kubectl pulse doctor\n' \
    "${STATE_DIR}/bin"
  printf 'kubectl 1.33: %s   logs: %s   stop: e2e/bin/down.sh\n' "$(resolve_kubectl)" "${LOG_DIR}"
}

usage() {
  cat <<EOF
usage: $(basename "$0") [--restart-pulse | --standby-operator | --installed-operator NAMESPACE]
  --restart-pulse     stop the running operator and aggregator first (after rebuilding the jars)
  --standby-operator  start a second operator replica, which waits for the leader-election Lease
  --installed-operator NAMESPACE
                      stop the operator and aggregator, then run the operator of the Deployment
                      pulse-operator in NAMESPACE (with its ServiceAccount's token: that install's
                      RBAC) and the aggregator of its MetricsPipeline ${PIPELINE}; --restart-pulse goes back
EOF
}

main() {
  case "${1:-}" in
    --restart-pulse) pulse_down ;;
    --standby-operator)
      all_running || die "no complete cluster runs: run e2e/bin/up.sh first"
      operator_standby_start
      return 0
      ;;
    --installed-operator)
      [[ -n "${2:-}" ]] || { usage >&2; exit 2; }
      component_alive kube-apiserver || die "no cluster runs: run e2e/bin/up.sh first"
      pulse_down
      installed_operator_up "$2"
      return 0
      ;;
    -h | --help) usage; return 0 ;;
    "") ;;
    *) usage >&2; exit 2 ;;
  esac
  "${E2E_DIR}/bin/install-plugin.sh"
  if all_running; then
    log "Pulse e2e cluster already running (state in ${STATE_DIR}); e2e/bin/down.sh stops it"
    wait_for_top
    show
    return 0
  fi
  local start=${SECONDS}
  pulse_ensure_jars
  "${E2E_DIR}/bin/build-peers.sh"
  "${E2E_DIR}/bin/cluster-up.sh"
  create_workloads
  pulse_up
  wait_for_top
  wait_for_all_pods
  log "up in $(fmt_duration $((SECONDS - start)))"
  show
}

main "$@"
