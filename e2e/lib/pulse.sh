# shellcheck shell=bash
# Pulse in the local cluster: the operator as a local process reconciles the sample
# MetricsPipeline exactly as in a cluster, except for one thing, its development mode
# (PULSE_LOCAL_AGGREGATOR): there is no container runtime, so the aggregator runs here as a
# process too, and the operator points the APIService at it through an ExternalName Service to
# "localhost" (kube-apiserver dials <externalName>:<APIService port>, still verifying the
# certificate for pulse-metrics.<ns>.svc against the caBundle: never insecureSkipTLSVerify).
# The aggregator process runs with what the operator provisioned: the flags of its Deployment,
# its serving Secret, and a token of its ServiceAccount, so it has exactly the RBAC a pod has.
# kwok "runs" the Deployment's pods on the simulated nodes, which is what makes it Available.
# Sourced after common.sh.

OPERATOR_NAME=operator
OPERATOR_STANDBY_NAME=operator-standby
AGG_NAME=aggregator
# The kubelet's volume sync for the aggregator's files (lib/aggregator-volume.sh).
AGG_VOLUME_NAME=aggregator-volume
OPERATOR_JAR="${REPO_ROOT}/operator/target/pulse-operator.jar"
AGG_JAR="${REPO_ROOT}/metrics-core/target/pulse-metrics-core.jar"
CRD_FILE="${REPO_ROOT}/crds/metricspipelines.pulse.dev-v1.yml"
SAMPLE_FILE="${REPO_ROOT}/config/samples/metricspipeline.yaml"
CSV_FILE="${REPO_ROOT}/bundle/manifests/pulse-operator.clusterserviceversion.yaml"
PIPELINE=pulse
# Where the operator would run in a cluster (config/install.yaml's namespace); holds its
# leader-election Lease. Its ServiceAccount is the CSV's; its kubeconfig lives in OPERATOR_DIR.
OPERATOR_NAMESPACE=pulse-operator
OPERATOR_SERVICE_ACCOUNT=pulse-operator
# The OperatorGroup's target namespace, as an admin would choose it: where the sample pipeline runs
# the aggregator (its spec.namespace default), and so where the operator is granted its kinds.
OPERATOR_TARGET_NAMESPACE=pulse-system
OPERATOR_DIR="${STATE_DIR}/operator"
# What the operator names (operator/src/main/java/dev/pulse/operator/model/Names.java).
AGG_RESOURCE=pulse-metrics
AGG_SERVING_SECRET=pulse-metrics-serving
AGG_APISERVICE=v1beta1.metrics.k8s.io
# The aggregator's files: serving certificate, trusted CA bundle, kubeconfig with its token.
AGG_DIR="${STATE_DIR}/aggregator"
READY_TIMEOUT_PIPELINE="${PULSE_READY_TIMEOUT:-180}"

# Builds what is missing (online: a fresh local repository lacks plugins; every plugin is pinned
# in the root pom.xml); warns when sources are newer than a jar.
pulse_ensure_jars() {
  local module jar missing=()
  for module in metrics-core operator; do
    jar="$(pulse_jar "${module}")"
    if [[ ! -f "${jar}" ]]; then
      missing+=("${module}")
    elif [[ -n "$(find "${REPO_ROOT}/${module}/src/main" "${REPO_ROOT}/${module}/pom.xml" -newer "${jar}" -print -quit)" ]]; then
      warn "${jar#"${REPO_ROOT}"/} is older than its sources; rebuild it to test your changes (make build)"
    fi
  done
  ((${#missing[@]} == 0)) && return 0
  local modules out
  modules="$(IFS=,; printf '%s' "metrics-core,${missing[*]}")"
  log "building ${missing[*]} (mvn package -pl ${modules})"
  out="$(mktemp)"
  if ! (cd "${REPO_ROOT}" && ./mvnw -q -B -ntp package -DskipTests -pl "${modules}") >"${out}" 2>&1; then
    cat "${out}" >&2
    rm -f "${out}"
    die "maven build of ${modules} failed"
  fi
  rm -f "${out}"
}

pulse_jar() {
  case "$1" in
    metrics-core) printf '%s' "${AGG_JAR}" ;;
    operator) printf '%s' "${OPERATOR_JAR}" ;;
  esac
}

# The CRD, then the operator as OLM would install it from the bundle's CSV: its ServiceAccount
# with exactly the CSV's clusterPermissions and permissions, and its Deployment's environment,
# leader election included. Every e2e test thereby proves the CSV's RBAC is enough.
operator_start() {
  kc apply -f "${CRD_FILE}" >/dev/null
  # Not `kubectl wait`: right after the create the CRD has no conditions yet, and kubectl 1.33
  # fails on that ("accessor error") instead of waiting.
  local start=${SECONDS}
  until [[ "$(kc get crd metricspipelines.pulse.dev \
    -o jsonpath='{.status.conditions[?(@.type=="Established")].status}' 2>/dev/null)" == True ]]; do
    ((SECONDS - start < 60)) || die "CRD metricspipelines.pulse.dev not Established after 60s"
    sleep 1
  done
  if component_alive "${OPERATOR_NAME}"; then
    log "operator already running"
    return 0
  fi
  local tool
  for tool in jq yq; do
    command -v "${tool}" >/dev/null || die "'${tool}' not found: install it (Debian: apt-get install ${tool})"
  done
  [[ "$(yq -r '.spec.install.spec.deployments[0].spec.template.spec.serviceAccountName' "${CSV_FILE}")" == \
    "${OPERATOR_SERVICE_ACCOUNT}" ]] || die "${CSV_FILE#"${REPO_ROOT}"/} names another ServiceAccount than ${OPERATOR_SERVICE_ACCOUNT}"
  operator_rbac_like_olm
  sa_kubeconfig "${OPERATOR_DIR}/kubeconfig" "${OPERATOR_NAMESPACE}" "${OPERATOR_SERVICE_ACCOUNT}"
  operator_launch "${OPERATOR_NAME}" "${PULSE_OPERATOR_PORT}"
}

# A second replica, as with `replicas: 2`: it waits for the leader-election Lease (make up must
# have run: it uses the operator's kubeconfig).
operator_standby_start() {
  component_alive "${OPERATOR_STANDBY_NAME}" && return 0
  operator_launch "${OPERATOR_STANDBY_NAME}" $((PULSE_OPERATOR_PORT + 1))
}

# One operator process named <name>, serving /healthz on <port>, with the CSV Deployment's
# environment, restarted like a container when it exits (it exits when it loses its Lease).
operator_launch() {
  local name=$1 port=$2 env
  mapfile -t env < <(yq -r '.spec.install.spec.deployments[0].spec.template.spec.containers[0].env[]
    | select(.value != null) | "\(.name)=\(.value)"' "${CSV_FILE}")
  # What OLM's olm.targetNamespaces annotation gives the CSV's PULSE_AGGREGATOR_NAMESPACES.
  env+=("PULSE_AGGREGATOR_NAMESPACES=${OPERATOR_TARGET_NAMESPACE}")
  operator_process "${name}" "${port}" "${OPERATOR_NAMESPACE}" \
    "$(yq -r '.spec.install.spec.deployments[0].spec.template.spec.containers[0].resources.limits.memory' "${CSV_FILE}")" \
    "${env[@]}"
}

# operator_process <name> <port> <pod namespace> <memory limit> <NAME=value...>: the operator's
# container as a local process, with the kubeconfig in OPERATOR_DIR, its /healthz on loopback
# <port> and the development mode's local aggregator. Waits for /healthz.
operator_process() {
  local name=$1 port=$2 namespace=$3 limit=$4 java_opts jvm env=()
  shift 4
  local var
  for var in "$@"; do
    [[ "${var}" == PULSE_OPERATOR_HTTP_ADDRESS=* ]] || env+=("${var}")
  done
  jvm="$(container_jvm "${REPO_ROOT}/operator/jvm.options" "${limit}")"
  mapfile -t jvm <<<"${jvm}"
  jvm+=("$(class_data_archive "${OPERATOR_JAR}" "${REPO_ROOT}/operator/cds.classlist")")
  read -r -a java_opts <<<"${PULSE_OPERATOR_JAVA_OPTS:-}"
  require_free_port "${name}" "${port}"
  start_supervised "${name}" env "${env[@]}" KUBECONFIG="${OPERATOR_DIR}/kubeconfig" \
    POD_NAMESPACE="${namespace}" PULSE_OPERATOR_HTTP_ADDRESS="127.0.0.1:${port}" \
    PULSE_LOCAL_AGGREGATOR="localhost:${PULSE_AGGREGATOR_PORT}" \
    "${JAVA:-java}" "${jvm[@]}" "${java_opts[@]}" -jar "${OPERATOR_JAR}"
  wait_until "${name}" 60 "${name} /healthz ok" curl -fsS --max-time 2 "http://127.0.0.1:${port}/healthz"
}

# The operator that an install (the Helm chart, kustomize, install.yaml) created in <namespace>,
# in place of the CSV's, run as the kubelet would run its pod: the Deployment's container
# environment (POD_NAMESPACE from its fieldRef is the namespace), a token of the pod's
# ServiceAccount, so exactly the RBAC that install granted, and its memory limit. Then the
# aggregator of the pipeline that install created (MetricsPipeline ${PIPELINE}) and the Ready wait.
installed_operator_up() {
  local ns=$1 deployment env
  deployment="$(kc get deployment -n "${ns}" "${OPERATOR_SERVICE_ACCOUNT}" -o json)" ||
    die "no Deployment ${ns}/${OPERATOR_SERVICE_ACCOUNT}: install the operator first"
  mapfile -t env < <(jq -r '.spec.template.spec.containers[0].env[] | select(.value != null) | "\(.name)=\(.value)"' \
    <<<"${deployment}")
  sa_kubeconfig "${OPERATOR_DIR}/kubeconfig" "${ns}" "$(jq -r '.spec.template.spec.serviceAccountName' <<<"${deployment}")"
  operator_process "${OPERATOR_NAME}" "${PULSE_OPERATOR_PORT}" "${ns}" \
    "$(jq -r '.spec.template.spec.containers[0].resources.limits.memory' <<<"${deployment}")" "${env[@]}"
  log "operator from Deployment ${ns}/${OPERATOR_SERVICE_ACCOUNT} (ServiceAccount and RBAC of that install)"
  aggregator_start
  pipeline_wait_ready
}

# What OLM makes of the CSV's install strategy with an OperatorGroup that targets
# OPERATOR_TARGET_NAMESPACE: the ServiceAccount in the operator's namespace, each clusterPermissions
# entry as a ClusterRole bound to it cluster-wide, each permissions entry as a Role bound to it in
# the operator's namespace and in the target namespace. The target namespace exists first, as OLM
# requires; like config/install.yaml's, it enforces the restricted Pod Security Standard.
operator_rbac_like_olm() {
  local ns
  kc create namespace "${OPERATOR_NAMESPACE}" --dry-run=client -o yaml | kc apply -f - >/dev/null
  kc create namespace "${OPERATOR_TARGET_NAMESPACE}" --dry-run=client -o yaml | kc apply -f - >/dev/null
  kc label --overwrite namespace "${OPERATOR_TARGET_NAMESPACE}" pod-security.kubernetes.io/enforce=restricted \
    pod-security.kubernetes.io/audit=restricted pod-security.kubernetes.io/warn=restricted >/dev/null
  yq --arg ns "${OPERATOR_NAMESPACE}" '
    .metadata.name as $csv | .spec.install.spec as $spec
    | def subject($sa): [{kind: "ServiceAccount", name: $sa, namespace: $ns}];
    {apiVersion: "v1", kind: "List", items: (
      ([$spec.clusterPermissions[], $spec.permissions[]] | map(.serviceAccountName) | unique
        | map({apiVersion: "v1", kind: "ServiceAccount", metadata: {name: ., namespace: $ns}}))
      + ($spec.clusterPermissions | to_entries | map(
          {apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole",
           metadata: {name: "\($csv)-cluster-\(.key)"}, rules: .value.rules},
          {apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRoleBinding",
           metadata: {name: "\($csv)-cluster-\(.key)"},
           roleRef: {apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "\($csv)-cluster-\(.key)"},
           subjects: subject(.value.serviceAccountName)})))}' "${CSV_FILE}" | kc apply -f - >/dev/null
  for ns in "${OPERATOR_NAMESPACE}" "${OPERATOR_TARGET_NAMESPACE}"; do
    yq --arg ns "${ns}" --arg sa_ns "${OPERATOR_NAMESPACE}" '
      .metadata.name as $csv | .spec.install.spec as $spec
      | {apiVersion: "v1", kind: "List", items: ($spec.permissions | to_entries | map(
          {apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role",
           metadata: {name: "\($csv)-\(.key)", namespace: $ns}, rules: .value.rules},
          {apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding",
           metadata: {name: "\($csv)-\(.key)", namespace: $ns},
           roleRef: {apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "\($csv)-\(.key)"},
           subjects: [{kind: "ServiceAccount", name: .value.serviceAccountName, namespace: $sa_ns}]}))}' \
      "${CSV_FILE}" | kc apply -f - >/dev/null
  done
  log "operator RBAC from ${CSV_FILE#"${REPO_ROOT}"/} (ServiceAccount ${OPERATOR_NAMESPACE}/${OPERATOR_SERVICE_ACCOUNT},"\
" target namespace ${OPERATOR_TARGET_NAMESPACE})"
}

# A kubeconfig for this cluster with a token of a ServiceAccount (1 year: outlives any `make up`).
sa_kubeconfig() {
  local file=$1 ns=$2 sa=$3 server
  mkdir -p "$(dirname "${file}")"
  chmod 700 "$(dirname "${file}")"
  server="$(kc config view --minify -o jsonpath='{.clusters[0].cluster.server}')"
  local config=("$(resolve_kubectl)" --kubeconfig "${file}" config)
  "${config[@]}" set-cluster local --server="${server}" --certificate-authority="${PKI_DIR}/ca.crt" \
    --embed-certs >/dev/null
  "${config[@]}" set-credentials "${sa}" --token="$(kc create token -n "${ns}" "${sa}" --duration=8760h)" >/dev/null
  "${config[@]}" set-context local --cluster=local --user="${sa}" >/dev/null
  "${config[@]}" use-context local >/dev/null
}

operator_down() {
  stop_daemon "${OPERATOR_NAME}"
}

pipeline_apply() {
  kc apply -f "${SAMPLE_FILE}" >/dev/null
  log "applied ${SAMPLE_FILE#"${REPO_ROOT}"/} (MetricsPipeline ${PIPELINE})"
}

# The namespace the pipeline provisions into (spec.namespace, defaulted by the CRD).
pipeline_namespace() {
  kc get metricspipeline "${PIPELINE}" -o jsonpath='{.spec.namespace}'
}

# What the operator must have created before the aggregator can run from it.
aggregator_inputs_exist() {
  local ns
  ns="$(pipeline_namespace)" && [[ -n "${ns}" ]] &&
    kc get -n "${ns}" "secret/${AGG_SERVING_SECRET}" "deployment/${AGG_RESOURCE}" "serviceaccount/${AGG_RESOURCE}"
}

# The Deployment's flags, minus what differs for a local process: its port and files.
aggregator_args() {
  local ns=$1
  kc get deployment -n "${ns}" "${AGG_RESOURCE}" -o json | jq -r '
    .spec.template.spec.containers[] | select(.name == "aggregator") | .args[]
    | select(test("^--(secure-port|tls-cert-file|tls-private-key-file)=") | not)'
}

# Serving Secret, caBundle and a kubeconfig of the aggregator's ServiceAccount.
aggregator_files() {
  local ns=$1
  mkdir -p "${AGG_DIR}"
  chmod 700 "${AGG_DIR}"
  aggregator_sync_files "${ns}" || die "cannot read Secret ${ns}/${AGG_SERVING_SECRET} or APIService ${AGG_APISERVICE}"
  sa_kubeconfig "${AGG_DIR}/kubeconfig" "${ns}" "${AGG_RESOURCE}"
}

# One pass of the kubelet's sync of a Secret volume, for the aggregator's files: the serving
# Secret's data, rewritten when it changed. Fails, leaving the files as they are (as the kubelet
# leaves a mounted volume), when kube-apiserver does not answer or the Secret is missing. Also
# keeps ca.crt, for the scripts' and tests' own requests, at the APIService's caBundle once the
# APIService is the pipeline's (while it takes one over, the previous owner's has none).
aggregator_sync_files() {
  local ns=$1 json crt key ca
  json="$(kc get --request-timeout=5s -n "${ns}" "secret/${AGG_SERVING_SECRET}" -o json 2>/dev/null)" || return 1
  crt="$(jq -r '.data["tls.crt"] // empty' <<<"${json}")"
  key="$(jq -r '.data["tls.key"] // empty' <<<"${json}")"
  [[ -n "${crt}" && -n "${key}" ]] || return 1
  if ! same_content "${AGG_DIR}/tls.crt" "${crt}" || ! same_content "${AGG_DIR}/tls.key" "${key}"; then
    aggregator_publish_serving "${crt}" "${key}"
    log "serving certificate and key written from Secret ${ns}/${AGG_SERVING_SECRET}"
  fi
  ca="$(kc get --request-timeout=5s "apiservice/${AGG_APISERVICE}" -o jsonpath='{.spec.caBundle}' 2>/dev/null)" ||
    return 1
  if [[ -n "${ca}" ]] && ! same_content "${AGG_DIR}/ca.crt" "${ca}"; then
    printf '%s' "${ca}" | base64 -d >"${AGG_DIR}/ca.crt.tmp"
    mv -f "${AGG_DIR}/ca.crt.tmp" "${AGG_DIR}/ca.crt"
    log "ca.crt written from APIService ${AGG_APISERVICE}'s caBundle"
  fi
}

# True when the file holds what the base64 text decodes to.
same_content() {
  [[ -f "$1" && "$(base64 -w0 <"$1")" == "$2" ]]
}

# Writes tls.crt and tls.key the way the kubelet's atomic writer updates a Secret volume: into a
# new timestamped directory that ..data then points to, renamed into place (rename(2) is atomic),
# with tls.crt and tls.key linking through ..data. The aggregator re-reads both files on its own
# schedule and so can never see a new certificate next to the old key.
aggregator_publish_serving() {
  local crt=$1 key=$2 dir file
  dir="$(mktemp -d "${AGG_DIR}/..$(date -u +%Y_%m_%d_%H_%M_%S).XXXXXX")"
  printf '%s' "${crt}" | base64 -d >"${dir}/tls.crt"
  printf '%s' "${key}" | base64 -d >"${dir}/tls.key"
  ln -sfn "$(basename "${dir}")" "${AGG_DIR}/..data_tmp"
  mv -fT "${AGG_DIR}/..data_tmp" "${AGG_DIR}/..data"
  for file in tls.crt tls.key; do
    [[ -L "${AGG_DIR}/${file}" ]] || ln -sfn "..data/${file}" "${AGG_DIR}/${file}"
  done
  find "${AGG_DIR}" -mindepth 1 -maxdepth 1 -type d -name '..[0-9]*' ! -name "$(basename "${dir}")" -exec rm -rf {} +
}

# GET on the aggregator as kube-apiserver dials it: the service name, verified with the caBundle.
aggregator_curl() {
  local path=$1 ns host
  shift
  ns="$(pipeline_namespace)"
  host="${AGG_RESOURCE}.${ns}.svc"
  curl -fsS --max-time 30 --cacert "${AGG_DIR}/ca.crt" --resolve "${host}:${PULSE_AGGREGATOR_PORT}:127.0.0.1" \
    "$@" "https://${host}:${PULSE_AGGREGATOR_PORT}${path}"
}

# Starts the aggregator from the operator's objects. Kubelets (kwok) present certificates of
# the cluster CA: what the in-pod default (the service account's ca.crt) would trust;
# PULSE_KUBELET_CA replaces it (the benchmark adds its farm's CA).
aggregator_start() {
  if component_alive "${AGG_NAME}"; then
    log "aggregator already running on 127.0.0.1:${PULSE_AGGREGATOR_PORT}"
    aggregator_volume_start "$(pipeline_namespace)"
    return 0
  fi
  local start=${SECONDS}
  until aggregator_inputs_exist >/dev/null 2>&1; do
    if ! component_alive "${OPERATOR_NAME}"; then
      log_tail "${OPERATOR_NAME}" 30
      die "the operator exited; see ${LOG_DIR}/${OPERATOR_NAME}.log"
    fi
    if ((SECONDS - start >= READY_TIMEOUT_PIPELINE)); then
      log_tail "${OPERATOR_NAME}" 30
      kc describe metricspipeline "${PIPELINE}" >&2 || true
      die "the operator did not create the aggregator's Deployment, ServiceAccount and serving Secret in ${READY_TIMEOUT_PIPELINE}s"
    fi
    sleep 1
  done
  local ns flags args java_opts jvm
  ns="$(pipeline_namespace)"
  aggregator_files "${ns}"
  flags="$(aggregator_args "${ns}")"
  mapfile -t args <<<"${flags}"
  if ! printf '%s\n' "${args[@]}" | grep -qE '^--kubelet-(certificate-authority|insecure-tls)'; then
    args+=("--kubelet-certificate-authority=${PULSE_KUBELET_CA:-${PKI_DIR}/ca.crt}")
  fi
  require_free_port aggregator "${PULSE_AGGREGATOR_PORT}"
  read -r -a java_opts <<<"${PULSE_JAVA_OPTS:-}"
  jvm="$(container_jvm "${REPO_ROOT}/metrics-core/jvm.options" "$(kc get deployment -n "${ns}" "${AGG_RESOURCE}" \
    -o jsonpath='{.spec.template.spec.containers[?(@.name=="aggregator")].resources.limits.memory}')")"
  mapfile -t jvm <<<"${jvm}"
  jvm+=("$(class_data_archive "${AGG_JAR}" "${REPO_ROOT}/metrics-core/cds.classlist")")
  aggregator_volume_start "${ns}"
  start_supervised "${AGG_NAME}" "${JAVA:-java}" "${jvm[@]}" "${java_opts[@]}" -jar "${AGG_JAR}" \
    --kubeconfig="${AGG_DIR}/kubeconfig" --bind-address=127.0.0.1 --secure-port="${PULSE_AGGREGATOR_PORT}" \
    --tls-cert-file="${AGG_DIR}/tls.crt" --tls-private-key-file="${AGG_DIR}/tls.key" "${args[@]}"
  wait_until "${AGG_NAME}" 60 "aggregator /livez ok" aggregator_curl /livez
}

# The JVM options of a container, for a local process: the image's options file, and the
# container's memory limit (a Kubernetes quantity) as -XX:MaxRAM, which the JVM otherwise reads
# from the cgroup; without it, it would size its heap from this machine's memory.
container_jvm() {
  local options=$1 limit=$2 number unit
  [[ "${limit}" =~ ^([0-9]+)(Ki|Mi|Gi)?$ ]] || die "memory limit '${limit}' is not a whole number of Ki, Mi or Gi"
  number=${BASH_REMATCH[1]}
  unit=${BASH_REMATCH[2]}
  case "${unit}" in
    Ki) unit=k ;;
    Mi) unit=m ;;
    Gi) unit=g ;;
  esac
  printf '%s\n' "@${options}" "-XX:MaxRAM=${number}${unit}"
}

# class_data_archive <jar> <class list>: the JVM option that maps the jar's class-data archive,
# as the image's (Dockerfile): the classes the list names, parsed once into a file that every start
# maps instead of loading and verifying them again. Dumped again when the jar or the list is newer
# (a few seconds); a JVM that finds it stale starts without it.
class_data_archive() {
  local jar=$1 list=$2 base archive
  base="${STATE_DIR}/cds/$(basename "${jar}" .jar)"
  archive="${base}.jsa"
  if [[ ! -f "${archive}" || "${jar}" -nt "${archive}" || "${list}" -nt "${archive}" ]]; then
    mkdir -p "${STATE_DIR}/cds"
    log "class-data archive of $(basename "${jar}") (${list#"${REPO_ROOT}"/})" >&2
    "${JAVA:-java}" -Xshare:dump -XX:SharedClassListFile="${list}" -XX:SharedArchiveFile="${archive}" \
      -cp "${jar}" >"${base}.log" 2>&1 || die "dumping the class-data archive of ${jar} failed; see ${base}.log"
  fi
  printf '%s\n' "-XX:SharedArchiveFile=${archive}"
}

# Keeps the aggregator's certificate files in step with the serving Secret, as the kubelet
# keeps a mounted Secret volume (lib/aggregator-volume.sh).
aggregator_volume_start() {
  local ns=$1
  component_alive "${AGG_VOLUME_NAME}" && return 0
  start_daemon "${AGG_VOLUME_NAME}" "${E2E_DIR}/lib/aggregator-volume.sh" "${ns}"
}

aggregator_down() {
  stop_daemon "${AGG_NAME}"
  stop_daemon "${AGG_VOLUME_NAME}"
}

# `kubectl wait` for Ready; on timeout, what the status and the logs say.
pipeline_wait_ready() {
  local start=${SECONDS}
  # kubectl 1.33 fails instead of waiting while an object has no conditions at all.
  until [[ -n "$(kc get metricspipeline "${PIPELINE}" -o jsonpath='{.status.conditions}' 2>/dev/null)" ]] ||
    ((SECONDS - start >= READY_TIMEOUT_PIPELINE)); do
    sleep 1
  done
  if ! kc wait --for=condition=Ready "metricspipeline/${PIPELINE}" --timeout="${READY_TIMEOUT_PIPELINE}s" >/dev/null; then
    kc get metricspipeline "${PIPELINE}" -o jsonpath='{range .status.conditions[*]}{.type}={.status} {.reason}: {.message}{"\n"}{end}' >&2
    log_tail "${OPERATOR_NAME}" 20
    log_tail "${AGG_NAME}" 20
    die "MetricsPipeline ${PIPELINE} not Ready after ${READY_TIMEOUT_PIPELINE}s; see ${LOG_DIR}/${OPERATOR_NAME}.log"
  fi
  log "MetricsPipeline ${PIPELINE} Ready after $(fmt_duration $((SECONDS - start)))"
}

# Everything in order (the jars must exist: pulse_ensure_jars).
pulse_up() {
  operator_start
  pipeline_apply
  aggregator_start
  pipeline_wait_ready
}

pulse_down() {
  aggregator_down
  stop_daemon "${OPERATOR_STANDBY_NAME}"
  operator_down
}
