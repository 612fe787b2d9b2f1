#!/usr/bin/env bash
# Starts a real, local Kubernetes control plane on 127.0.0.1 with simulated kubelets:
# etcd, kube-apiserver (with the aggregation layer wired like production clusters),
# kube-controller-manager, kube-scheduler and kwok. State lives in <repo>/.pulse/
# (git-ignored), the admin kubeconfig at .pulse/kubeconfig, logs in .pulse/logs/.
# Binaries come from build-peers.sh; run it first (up.sh does).
# PULSE_APISERVER_AGGREGATION=off|client-ca starts kube-apiserver with the aggregation layer
# disabled or trusting the cluster CA as front proxy (see aggregation_flags).
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=../lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/pki.sh
source "${E2E_DIR}/lib/pki.sh"

# Seconds to wait for each component to report healthy before giving up.
READY_TIMEOUT="${PULSE_READY_TIMEOUT:-120}"
# Simulated pod IPs and service IPs: data in object status only, never routed anywhere.
SERVICE_CIDR=10.96.0.0/16
POD_CIDR=10.244.0.1/16

# Refuses to start a second cluster; cleans up after a crash (pid files of dead processes).
check_not_running() {
  local name running=() stale=()
  for name in "${CLUSTER_COMPONENTS[@]}"; do
    if running_pid "${name}" >/dev/null; then running+=("${name}"); elif [[ -f "$(pid_file "${name}")" ]]; then stale+=("${name}"); fi
  done
  if ((${#running[@]} == ${#CLUSTER_COMPONENTS[@]})); then
    log "cluster already running (${STATE_DIR}); KUBECONFIG=${KUBECONFIG_FILE}"
    exit 0
  fi
  if ((${#running[@]} > 0)); then
    die "cluster partially running (${running[*]} up, others not); run e2e/bin/cluster-down.sh first"
  fi
  if ((${#stale[@]} > 0)); then
    warn "stale state from a cluster that is gone (${stale[*]}); starting fresh"
    rm -rf "${PID_DIR}" "${PKI_DIR}" "${STATE_DIR}/etcd" "${STATE_DIR}/config"
  fi
}

check_binaries() {
  local b
  for b in etcd kube-apiserver kube-controller-manager kube-scheduler kwok; do
    [[ -x "${PEERS_BIN}/${b}" ]] || die "${PEERS_BIN}/${b} missing: run e2e/bin/build-peers.sh first"
  done
}

check_ports() {
  require_free_port etcd "${PULSE_ETCD_PORT}"
  require_free_port etcd_peer "${PULSE_ETCD_PEER_PORT}"
  require_free_port apiserver "${PULSE_APISERVER_PORT}"
  require_free_port kcm "${PULSE_KCM_PORT}"
  require_free_port scheduler "${PULSE_SCHEDULER_PORT}"
  require_free_port kwok "${PULSE_KWOK_PORT}"
}

# The PKI of a kubeadm cluster, minus etcd TLS (etcd listens on loopback only).
generate_pki() {
  local d=${PKI_DIR} loopback="IP:127.0.0.1,DNS:localhost"
  require_openssl
  mkdir -p "${d}"
  chmod 700 "${d}"
  # Cluster CA: signs serving certs and client certs (--client-ca-file).
  pki_ca "${d}" ca pulse-e2e-ca
  pki_cert "${d}" ca apiserver /CN=kube-apiserver serverAuth \
    "${loopback},IP:10.96.0.1,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
  pki_cert "${d}" ca apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" clientAuth
  pki_cert "${d}" ca admin "/O=system:masters/CN=pulse-e2e-admin" clientAuth
  pki_cert "${d}" ca controller-manager /CN=system:kube-controller-manager clientAuth
  pki_cert "${d}" ca scheduler /CN=system:kube-scheduler clientAuth
  pki_cert "${d}" ca controller-manager-serving /CN=kube-controller-manager serverAuth "${loopback}"
  pki_cert "${d}" ca scheduler-serving /CN=kube-scheduler serverAuth "${loopback}"
  # kwok plays every kubelet; its serving cert comes from the cluster CA like kubelet serving
  # certs approved through the CSR API, so clients verify it with the cluster CA.
  pki_cert "${d}" ca kwok-serving /CN=kwok-kubelet serverAuth "${loopback}"
  pki_sa_keypair "${d}"
  # Separate front-proxy CA: the aggregation layer's client identity must not be a cluster user.
  pki_ca "${d}" front-proxy-ca pulse-e2e-front-proxy-ca
  pki_cert "${d}" front-proxy-ca front-proxy-client /CN=front-proxy-client clientAuth
}

write_kubeconfigs() {
  local url="https://127.0.0.1:${PULSE_APISERVER_PORT}" d=${PKI_DIR}
  mkdir -p "${STATE_DIR}/config"
  write_kubeconfig "${KUBECONFIG_FILE}" "${url}" "${d}/ca.crt" "${d}/admin.crt" "${d}/admin.key" pulse-e2e-admin
  write_kubeconfig "${STATE_DIR}/config/controller-manager.kubeconfig" "${url}" "${d}/ca.crt" \
    "${d}/controller-manager.crt" "${d}/controller-manager.key" system:kube-controller-manager
  write_kubeconfig "${STATE_DIR}/config/scheduler.kubeconfig" "${url}" "${d}/ca.crt" \
    "${d}/scheduler.crt" "${d}/scheduler.key" system:kube-scheduler
}

start_etcd() {
  local client="http://127.0.0.1:${PULSE_ETCD_PORT}" peer="http://127.0.0.1:${PULSE_ETCD_PEER_PORT}"
  # --unsafe-no-fsync: the data is thrown away on down, and fsync stalls on busy CI disks.
  start_daemon etcd "${PEERS_BIN}/etcd" --name=pulse-e2e --data-dir="${STATE_DIR}/etcd" \
    --listen-client-urls="${client}" --advertise-client-urls="${client}" \
    --listen-peer-urls="${peer}" --initial-advertise-peer-urls="${peer}" \
    --initial-cluster="pulse-e2e=${peer}" --unsafe-no-fsync=true
  wait_until etcd "${READY_TIMEOUT}" "etcd healthy" curl -fsS --max-time 2 "${client}/health"
}

# The aggregation layer's flags, by PULSE_APISERVER_AGGREGATION (AggregationLayerE2E sets it for a
# --restart kube-apiserver): kubeadm (the default) gives the front proxy a CA of its own; off
# leaves the aggregation layer disabled; client-ca makes the cluster CA the request-header CA, as
# some install guides do, with a proxy-client certificate that CA signed.
aggregation_flags() {
  local d=${PKI_DIR} ca=front-proxy-ca client=front-proxy-client
  case "${PULSE_APISERVER_AGGREGATION:-kubeadm}" in
    off) return 0 ;;
    client-ca) ca=ca client=front-proxy-client-by-ca ;;
  esac
  printf '%s\n' --requestheader-client-ca-file="${d}/${ca}.crt" \
    --requestheader-allowed-names=front-proxy-client \
    --requestheader-username-headers=X-Remote-User \
    --requestheader-group-headers=X-Remote-Group \
    --requestheader-extra-headers-prefix=X-Remote-Extra- \
    --proxy-client-cert-file="${d}/${client}.crt" \
    --proxy-client-key-file="${d}/${client}.key"
}

start_apiserver() {
  local d=${PKI_DIR} aggregation
  case "${PULSE_APISERVER_AGGREGATION:-kubeadm}" in
    kubeadm | off) ;;
    client-ca)
      [[ -f "${d}/front-proxy-client-by-ca.crt" ]] ||
        pki_cert "${d}" ca front-proxy-client-by-ca /CN=front-proxy-client clientAuth
      ;;
    *) die "PULSE_APISERVER_AGGREGATION: kubeadm, off or client-ca, not '${PULSE_APISERVER_AGGREGATION}'" ;;
  esac
  mapfile -t aggregation < <(aggregation_flags)
  # --advertise-address=127.0.0.1 with --endpoint-reconciler-type=none: there is no routable
  # address, and the default reconciler would reject a loopback one for Endpoints.
  start_daemon kube-apiserver "${PEERS_BIN}/kube-apiserver" \
    --bind-address=127.0.0.1 --secure-port="${PULSE_APISERVER_PORT}" \
    --advertise-address=127.0.0.1 --endpoint-reconciler-type=none \
    --etcd-servers="http://127.0.0.1:${PULSE_ETCD_PORT}" \
    --tls-cert-file="${d}/apiserver.crt" --tls-private-key-file="${d}/apiserver.key" \
    --client-ca-file="${d}/ca.crt" \
    --authorization-mode=RBAC --allow-privileged=true \
    --service-cluster-ip-range="${SERVICE_CIDR}" \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="${d}/sa.pub" --service-account-signing-key-file="${d}/sa.key" \
    --kubelet-client-certificate="${d}/apiserver-kubelet-client.crt" \
    --kubelet-client-key="${d}/apiserver-kubelet-client.key" \
    --kubelet-certificate-authority="${d}/ca.crt" \
    --kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname \
    "${aggregation[@]}"
  wait_until kube-apiserver "${READY_TIMEOUT}" "kube-apiserver /readyz ok" \
    admin_curl "https://127.0.0.1:${PULSE_APISERVER_PORT}/readyz"
}

# Flags shared by the controller manager and the scheduler: loopback serving with a cert
# from the cluster CA (so health checks verify it), delegated authn/authz like kubeadm.
component_flags() {
  local kubeconfig=$1 port=$2 serving=$3
  printf '%s\n' --kubeconfig="${kubeconfig}" \
    --authentication-kubeconfig="${kubeconfig}" --authorization-kubeconfig="${kubeconfig}" \
    --bind-address=127.0.0.1 --secure-port="${port}" \
    --tls-cert-file="${PKI_DIR}/${serving}.crt" --tls-private-key-file="${PKI_DIR}/${serving}.key" \
    --client-ca-file="${PKI_DIR}/ca.crt" --requestheader-client-ca-file="${PKI_DIR}/front-proxy-ca.crt" \
    --leader-elect=false
}

# --node-monitor-grace-period=2m (default 50 s): a frozen kube-apiserver or etcd (FaultInjectionE2E,
# 35 s) stores no node heartbeat; past the grace period the node lifecycle controller marks the
# nodes NotReady and their pods not Ready, and kwok, unlike a kubelet, never sets those pods Ready
# again: every Deployment would stay unavailable for the rest of the run.
start_controller_manager() {
  local flags
  mapfile -t flags < <(component_flags "${STATE_DIR}/config/controller-manager.kubeconfig" \
    "${PULSE_KCM_PORT}" controller-manager-serving)
  start_daemon kube-controller-manager "${PEERS_BIN}/kube-controller-manager" "${flags[@]}" \
    --node-monitor-grace-period=2m \
    --cluster-name=pulse-e2e --root-ca-file="${PKI_DIR}/ca.crt" \
    --service-account-private-key-file="${PKI_DIR}/sa.key" --use-service-account-credentials=true \
    --cluster-signing-cert-file="${PKI_DIR}/ca.crt" --cluster-signing-key-file="${PKI_DIR}/ca.key"
}

start_scheduler() {
  local flags
  mapfile -t flags < <(component_flags "${STATE_DIR}/config/scheduler.kubeconfig" \
    "${PULSE_SCHEDULER_PORT}" scheduler-serving)
  start_daemon kube-scheduler "${PEERS_BIN}/kube-scheduler" "${flags[@]}"
}

# kwok simulates the kubelets of every node annotated kwok.x-k8s.io/node=fake: node/pod status,
# leases, and /metrics/nodes/<node>/metrics/resource from e2e/config/kwok.yaml. Nodes report
# InternalIP 127.0.0.1 and kwok's port as their kubelet port (status.daemonEndpoints).
start_kwok() {
  start_daemon kwok "${PEERS_BIN}/kwok" --kubeconfig="${KUBECONFIG_FILE}" \
    --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
    --node-ip=127.0.0.1 --node-name=localhost --node-port="${PULSE_KWOK_PORT}" \
    --server-address="127.0.0.1:${PULSE_KWOK_PORT}" \
    --tls-cert-file="${PKI_DIR}/kwok-serving.crt" --tls-private-key-file="${PKI_DIR}/kwok-serving.key" \
    --cidr="${POD_CIDR}" --node-lease-duration-seconds=40 \
    --config="${E2E_DIR}/config/kwok.yaml"
}

wait_components() {
  local ca=(curl -fsS --max-time 2 --cacert "${PKI_DIR}/ca.crt")
  wait_until kube-controller-manager "${READY_TIMEOUT}" "kube-controller-manager /healthz ok" \
    "${ca[@]}" "https://127.0.0.1:${PULSE_KCM_PORT}/healthz"
  wait_until kube-scheduler "${READY_TIMEOUT}" "kube-scheduler /healthz ok" \
    "${ca[@]}" "https://127.0.0.1:${PULSE_SCHEDULER_PORT}/healthz"
  wait_until kwok "${READY_TIMEOUT}" "kwok /healthz ok" \
    "${ca[@]}" "https://127.0.0.1:${PULSE_KWOK_PORT}/healthz"
}

# One component of a running cluster stopped (if it runs) and started again with the flags of
# a full start, as after a crash or a node reboot: what the fault-injection tests do to
# kube-apiserver. The others wait for their health in wait_components and are not offered.
restart_component() {
  local name=$1
  case "${name}" in
    etcd | kube-apiserver) ;;
    *) die "--restart takes etcd or kube-apiserver, not '${name}'" ;;
  esac
  [[ -f "${KUBECONFIG_FILE}" ]] || die "no cluster in ${STATE_DIR}: run e2e/bin/cluster-up.sh first"
  stop_daemon "${name}"
  case "${name}" in
    etcd) start_etcd ;;
    kube-apiserver) start_apiserver ;;
  esac
}

usage() {
  cat <<EOF
usage: $(basename "$0") [--restart etcd|kube-apiserver]
  --restart NAME  stop one component of the running cluster (if it runs) and start it again
EOF
}

main() {
  case "${1:-}" in
    --restart)
      [[ $# == 2 ]] || { usage >&2; exit 2; }
      restart_component "$2"
      return 0
      ;;
    -h | --help) usage; return 0 ;;
    "") ;;
    *) usage >&2; exit 2 ;;
  esac
  mkdir -p "${STATE_DIR}"
  check_not_running
  check_binaries
  check_ports
  write_ports_file
  local start=${SECONDS}
  generate_pki
  write_kubeconfigs
  start_etcd
  start_apiserver
  start_controller_manager
  start_scheduler
  start_kwok
  wait_components
  log "cluster up in $(fmt_duration $((SECONDS - start))): https://127.0.0.1:${PULSE_APISERVER_PORT}, KUBECONFIG=${KUBECONFIG_FILE}"
}

main "$@"
