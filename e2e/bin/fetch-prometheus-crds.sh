#!/usr/bin/env bash
# Fetches the Prometheus Operator's ServiceMonitor and PrometheusRule CRDs, pinned by
# PROMETHEUS_OPERATOR_VERSION in e2e/versions.env, from the Go module proxy (the module zip holds
# them in example/prometheus-operator-crd/; `go mod download` verifies it against the checksum
# database) into ${PULSE_CACHE:-~/.cache/pulse}/tools/prometheus-operator-crds-<version>/.
# Prints that directory last. Kept once fetched: a second run takes a second.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=../lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

MODULE=github.com/prometheus-operator/prometheus-operator
CRDS=(monitoring.coreos.com_servicemonitors.yaml monitoring.coreos.com_prometheusrules.yaml)
DIR="$(prometheus_crds_dir)"

if [[ "${1:-}" == "--print-dir" ]]; then
  printf '%s\n' "${DIR}"
  exit 0
fi

have_all() {
  local crd
  for crd in "${CRDS[@]}"; do
    [[ -s "${DIR}/${crd}" ]] || return 1
  done
}

if have_all; then
  log "Prometheus Operator ${PROMETHEUS_OPERATOR_VERSION} CRDs: cached in ${DIR}" >&2
  printf '%s\n' "${DIR}"
  exit 0
fi

command -v go >/dev/null 2>&1 || die "'go' not found in PATH: it fetches ${MODULE} from the module proxy"
export GOMODCACHE="${PULSE_GOMODCACHE:-${PULSE_CACHE}/go/mod}"
export GOFLAGS=-modcacherw GOTOOLCHAIN=local GOWORK=off
started=${SECONDS}
log "fetching ${MODULE}@${PROMETHEUS_OPERATOR_VERSION} from $(go env GOPROXY) (module zip, about 4 MB)" >&2
if ! info="$(cd "${TMPDIR:-/tmp}" && timeout 300 go mod download -json "${MODULE}@${PROMETHEUS_OPERATOR_VERSION}" 2>&1)"; then
  die "the Go module proxy did not serve ${MODULE}@${PROMETHEUS_OPERATOR_VERSION}:
${info}"
fi
source_dir="$(sed -n 's/^[[:space:]]*"Dir": "\([^"]*\)".*/\1/p' <<<"${info}")"
[[ -d "${source_dir}" ]] || die "go mod download gave no module directory: ${info}"
mkdir -p "${DIR}.tmp"
for crd in "${CRDS[@]}"; do
  cp "${source_dir}/example/prometheus-operator-crd/${crd}" "${DIR}.tmp/${crd}" ||
    die "${MODULE}@${PROMETHEUS_OPERATOR_VERSION} has no example/prometheus-operator-crd/${crd}"
  log "  ${crd} ($(wc -c <"${DIR}.tmp/${crd}") bytes)" >&2
done
rm -rf "${DIR}"
mv "${DIR}.tmp" "${DIR}"
log "Prometheus Operator ${PROMETHEUS_OPERATOR_VERSION} CRDs in ${DIR} ($(fmt_duration $((SECONDS - started))))" >&2
printf '%s\n' "${DIR}"
