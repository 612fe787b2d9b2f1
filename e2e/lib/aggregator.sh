# shellcheck shell=bash
# Local wiring of the Pulse aggregator into the e2e cluster: everything the operator will do
# in a real cluster, done by hand, in this one file so the operator can take it over:
#   1. a Pulse CA and a serving certificate for pulse-metrics.pulse-system.svc
#   2. the aggregator as a local process on 127.0.0.1 (instead of a Deployment)
#   3. namespace pulse-system, Service pulse-metrics and APIService v1beta1.metrics.k8s.io
# Sourced after common.sh and pki.sh.
#
# Why an ExternalName Service to "localhost": kube-apiserver resolves an ExternalName Service
# to https://<externalName>:<APIService port> without needing endpoints, and loopback
# addresses are rejected in Endpoints/EndpointSlices. kube-apiserver still verifies the
# backend as <service>.<namespace>.svc against spec.caBundle: never insecureSkipTLSVerify.
# Note: the aggregator does not authenticate/authorize callers yet; it serves whoever connects.

AGG_NAME=aggregator
AGG_JAR="${REPO_ROOT}/metrics-core/target/pulse-metrics-core.jar"
AGG_PKI_DIR="${PKI_DIR}/pulse"
AGG_NAMESPACE=pulse-system
AGG_SERVICE=pulse-metrics
AGG_APISERVICE=v1beta1.metrics.k8s.io
AGG_AVAILABLE_TIMEOUT="${PULSE_AVAILABLE_TIMEOUT:-120}"

# Builds the jar when it is missing; warns when the sources are newer than the jar.
aggregator_ensure_jar() {
  if [[ ! -f "${AGG_JAR}" ]]; then
    log "building ${AGG_JAR#"${REPO_ROOT}"/} (mvn -o package -pl metrics-core)"
    local out
    out="$(mktemp)"
    # Offline first (fast, no network); a local repository that lacks a plugin's pom (seen
    # on fresh machines) fails offline, so retry once against Maven Central. Output only on
    # failure (Debian's Maven prints colour codes even with -q -B).
    if ! (cd "${REPO_ROOT}" && { mvn -q -B -o package -DskipTests -pl metrics-core ||
      mvn -q -B package -DskipTests -pl metrics-core; }) >"${out}" 2>&1; then
      cat "${out}" >&2
      rm -f "${out}"
      die "maven build of metrics-core failed"
    fi
    rm -f "${out}"
  elif [[ -n "$(find "${REPO_ROOT}/metrics-core/src/main" "${REPO_ROOT}/metrics-core/pom.xml" -newer "${AGG_JAR}" -print -quit)" ]]; then
    warn "${AGG_JAR#"${REPO_ROOT}"/} is older than its sources; rebuild it to test your changes"
  fi
}

# The Pulse CA (the APIService's caBundle) and the aggregator's serving certificate. Also valid
# for localhost/127.0.0.1 so the aggregator can be curled directly with --cacert.
aggregator_pki() {
  local svc="${AGG_SERVICE}.${AGG_NAMESPACE}.svc"
  [[ -f "${AGG_PKI_DIR}/serving.crt" ]] && return 0
  mkdir -p "${AGG_PKI_DIR}"
  pki_ca "${AGG_PKI_DIR}" ca pulse-metrics-ca
  pki_cert "${AGG_PKI_DIR}" ca serving "/CN=${svc}" serverAuth \
    "DNS:${svc},DNS:${svc}.cluster.local,DNS:localhost,IP:127.0.0.1"
}

aggregator_start() {
  if running_pid "${AGG_NAME}" >/dev/null; then
    log "aggregator already running on 127.0.0.1:${PULSE_AGGREGATOR_PORT}"
    return 0
  fi
  require_free_port aggregator "${PULSE_AGGREGATOR_PORT}"
  local java_opts
  read -r -a java_opts <<<"${PULSE_JAVA_OPTS:--Xmx512m}"
  # Kubelets (kwok) are verified with the cluster CA, reached at InternalIP 127.0.0.1 on the
  # port in status.daemonEndpoints, like metrics-server's recommended flags.
  start_daemon "${AGG_NAME}" "${JAVA:-java}" "${java_opts[@]}" -jar "${AGG_JAR}" \
    --kubeconfig "${KUBECONFIG_FILE}" \
    --bind-address=127.0.0.1 --secure-port="${PULSE_AGGREGATOR_PORT}" \
    --tls-cert-file="${AGG_PKI_DIR}/serving.crt" --tls-private-key-file="${AGG_PKI_DIR}/serving.key" \
    --kubelet-use-node-status-port \
    --kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname \
    --kubelet-certificate-authority="${PULSE_KUBELET_CA:-${PKI_DIR}/ca.crt}" \
    --metric-resolution=15s
  wait_until "${AGG_NAME}" 60 "aggregator /livez ok" \
    curl -fsS --max-time 2 --cacert "${AGG_PKI_DIR}/ca.crt" "https://127.0.0.1:${PULSE_AGGREGATOR_PORT}/livez"
}

aggregator_register() {
  kc apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Namespace
metadata:
  name: ${AGG_NAMESPACE}
---
apiVersion: v1
kind: Service
metadata:
  name: ${AGG_SERVICE}
  namespace: ${AGG_NAMESPACE}
  labels: {app.kubernetes.io/name: pulse-metrics, app.kubernetes.io/managed-by: pulse-e2e}
spec:
  type: ExternalName
  externalName: localhost
---
# What an install grants: readers of the view/edit/admin roles may read metrics.
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: system:aggregated-metrics-reader
  labels:
    app.kubernetes.io/name: pulse-metrics
    app.kubernetes.io/managed-by: pulse-e2e
    rbac.authorization.k8s.io/aggregate-to-view: "true"
    rbac.authorization.k8s.io/aggregate-to-edit: "true"
    rbac.authorization.k8s.io/aggregate-to-admin: "true"
rules:
- apiGroups: [metrics.k8s.io]
  resources: [pods, nodes]
  verbs: [get, list]
---
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata:
  name: ${AGG_APISERVICE}
  labels: {app.kubernetes.io/name: pulse-metrics, app.kubernetes.io/managed-by: pulse-e2e}
spec:
  group: metrics.k8s.io
  version: v1beta1
  groupPriorityMinimum: 100
  versionPriority: 100
  caBundle: $(b64 "${AGG_PKI_DIR}/ca.crt")
  service:
    name: ${AGG_SERVICE}
    namespace: ${AGG_NAMESPACE}
    port: ${PULSE_AGGREGATOR_PORT}
EOF
  log "registered APIService ${AGG_APISERVICE} -> ${AGG_SERVICE}.${AGG_NAMESPACE}.svc (localhost:${PULSE_AGGREGATOR_PORT})"
}

# "<status> <reason>: <message>" of the APIService's Available condition.
apiservice_condition() {
  kc get apiservice "${AGG_APISERVICE}" -o \
    jsonpath='{range .status.conditions[?(@.type=="Available")]}{.status} {.reason}: {.message}{end}' 2>&1
}

# Waits for kube-apiserver to call the aggregator Available, printing each new condition.
aggregator_wait_available() {
  local start=${SECONDS} cond last="(none)"
  while true; do
    cond="$(apiservice_condition)"
    if [[ "${cond}" == True* ]]; then
      log "APIService ${AGG_APISERVICE} Available after $(fmt_duration $((SECONDS - start)))"
      return 0
    fi
    [[ "${cond}" == "${last}" ]] || log "APIService ${AGG_APISERVICE}: ${cond:-no condition yet}"
    last=${cond}
    if ((SECONDS - start >= AGG_AVAILABLE_TIMEOUT)); then
      log_tail "${AGG_NAME}" 30
      die "APIService ${AGG_APISERVICE} not Available after ${AGG_AVAILABLE_TIMEOUT}s: ${cond}; see ${LOG_DIR}/${AGG_NAME}.log and ${LOG_DIR}/kube-apiserver.log"
    fi
    sleep 2
  done
}

# The whole local wiring, in order (the jar must exist: aggregator_ensure_jar).
aggregator_up() {
  aggregator_pki
  aggregator_start
  aggregator_register
  aggregator_wait_available
}

aggregator_down() {
  stop_daemon "${AGG_NAME}"
}
