#!/usr/bin/env bash
# `make class-lists`: regenerates metrics-core/cds.classlist and operator/cds.classlist, the
# classes each JVM loads to do its work, from which make up (lib/pulse.sh) and the images
# (Dockerfile) dump their class-data archives. Trains on the running make up cluster: restarts
# its operator and aggregator with -XX:DumpLoadedClassList, through start-up, the pipeline's
# reconciliation, the operator's reads of the node summary and two scrape cycles, and the reads
# kubectl top, kubectl get and an HPA make; then restarts them as make up runs them.
# Run it after a change that loads other classes (a new dependency, renamed classes); a stale
# list costs start-up time and memory, never correctness (InstallManifestsTest names Pulse classes
# a list holds that no longer exist).
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=../lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/pulse.sh
source "${E2E_DIR}/lib/pulse.sh"

component_alive kube-apiserver || die "no cluster runs: run make up first"
TRAINING="$(mktemp -d)"
trap 'rm -rf "${TRAINING}"' EXIT

PULSE_JAVA_OPTS="-XX:DumpLoadedClassList=${TRAINING}/aggregator" \
  PULSE_OPERATOR_JAVA_OPTS="-XX:DumpLoadedClassList=${TRAINING}/operator" \
  "${E2E_DIR}/bin/up.sh" --restart-pulse >/dev/null
# Three rounds a resolution apart: scrape cycles, and with them the operator's reads of the node summary.
for round in 1 2 3; do
  log "training round ${round} of 3: kubectl top, get and raw reads of metrics.k8s.io"
  kc top nodes >/dev/null
  kc top pods -A >/dev/null
  kc get nodes.metrics.k8s.io >/dev/null
  kc get pods.metrics.k8s.io -n shop -o yaml >/dev/null
  kc get --raw "/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods?labelSelector=app%3Dfrontend" >/dev/null
  kc get --raw /openapi/v2 >/dev/null
  sleep 15
done
pulse_down
for module in metrics-core:aggregator operator:operator; do
  # Dynamic proxies are generated at run time: no archive can hold them.
  {
    echo "# The classes of the ${module#*:}'s class-data archive; regenerate with make class-lists."
    grep -Ev '\$Proxy[0-9]+( |$)' "${TRAINING}/${module#*:}"
  } >"${REPO_ROOT}/${module%%:*}/cds.classlist"
  log "${module%%:*}/cds.classlist: $(grep -cv '^[#@]' "${REPO_ROOT}/${module%%:*}/cds.classlist") classes"
done
"${E2E_DIR}/bin/up.sh" >/dev/null
log "operator and aggregator restarted with archives of the new lists"
