#!/usr/bin/env bash
# Runs the real metrics-server (the baseline Pulse replaces) against the running e2e cluster,
# directly on 127.0.0.1:${PULSE_METRICS_SERVER_PORT:-24444}, NOT through the APIService (only
# one server can own v1beta1.metrics.k8s.io; Pulse does). Kubelets (kwok) are verified with
# the cluster CA, like Pulse does.
#   baseline-metrics-server.sh [start]  start it (if needed) and print its node/pod metrics
#   baseline-metrics-server.sh query    print its node/pod metrics
#   baseline-metrics-server.sh stop     stop it (cluster-down.sh stops it too)
# PULSE_METRICS_SERVER_READY_TIMEOUT (default 90 s): how long start waits for /readyz.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=../lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/pki.sh
source "${E2E_DIR}/lib/pki.sh"

NAME=metrics-server
URL="https://127.0.0.1:${PULSE_METRICS_SERVER_PORT}"

start() {
  running_pid kube-apiserver >/dev/null || die "no cluster running: e2e/bin/up.sh (or cluster-up.sh) first"
  [[ -x "${PEERS_BIN}/metrics-server" ]] || die "${PEERS_BIN}/metrics-server missing: run e2e/bin/build-peers.sh"
  if running_pid "${NAME}" >/dev/null; then
    log "metrics-server already running on ${URL}"
    return 0
  fi
  require_free_port metrics_server "${PULSE_METRICS_SERVER_PORT}"
  # Serving cert from the cluster CA, so curl verifies it with --cacert (never -k).
  [[ -f "${PKI_DIR}/metrics-server-serving.crt" ]] ||
    pki_cert "${PKI_DIR}" ca metrics-server-serving /CN=metrics-server serverAuth "IP:127.0.0.1,DNS:localhost"
  # The admin kubeconfig stands in for its ServiceAccount; delegated authn/authz read the
  # front-proxy CA and client CA from kube-system/extension-apiserver-authentication.
  start_daemon "${NAME}" "${PEERS_BIN}/metrics-server" \
    --kubeconfig="${KUBECONFIG_FILE}" \
    --authentication-kubeconfig="${KUBECONFIG_FILE}" --authorization-kubeconfig="${KUBECONFIG_FILE}" \
    --bind-address=127.0.0.1 --secure-port="${PULSE_METRICS_SERVER_PORT}" \
    --tls-cert-file="${PKI_DIR}/metrics-server-serving.crt" \
    --tls-private-key-file="${PKI_DIR}/metrics-server-serving.key" \
    --kubelet-certificate-authority="${PULSE_KUBELET_CA:-${PKI_DIR}/ca.crt}" \
    --kubelet-use-node-status-port \
    --kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname \
    --metric-resolution=15s
  # readyz turns ok once metrics-server holds a full scrape (one resolution after start).
  wait_until "${NAME}" "${PULSE_METRICS_SERVER_READY_TIMEOUT:-90}" "metrics-server /readyz ok" admin_curl "${URL}/readyz"
}

query() {
  printf '$ curl --cacert .pulse/pki/ca.crt --cert .pulse/pki/admin.crt --key .pulse/pki/admin.key %s/apis/metrics.k8s.io/v1beta1/nodes\n' "${URL}"
  admin_curl "${URL}/apis/metrics.k8s.io/v1beta1/nodes"
  printf '\n$ curl ... %s/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods\n' "${URL}"
  admin_curl "${URL}/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods"
  printf '\n'
}

case "${1:-start}" in
  start) start; query ;;
  query) query ;;
  stop) stop_daemon "${NAME}" ;;
  *) die "usage: $(basename "$0") [start|query|stop]" ;;
esac
