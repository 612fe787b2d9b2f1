#!/usr/bin/env bash
# Builds promtool (Prometheus' rule checker and rule unit-test runner), pinned by
# PROMTOOL_MODULE_VERSION in e2e/versions.env, from the Go module proxy into
# ${PULSE_CACHE:-~/.cache/pulse}/tools/promtool-<version>/bin and prints its path last. The module
# has no replace directives, so `go install module/cmd/promtool@version` builds it as published,
# verified against the checksum database. Kept once built: a second run takes a second.
# Measured on the 2-core machine with a cold module cache: about 4 minutes.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=../lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

MODULE=github.com/prometheus/prometheus
BIN_DIR="$(promtool_dir)/bin"
DOT_INTERVAL=30

if [[ -x "${BIN_DIR}/promtool" ]]; then
  log "promtool ${PROMTOOL_MODULE_VERSION}: built in ${BIN_DIR}" >&2
  printf '%s\n' "${BIN_DIR}/promtool"
  exit 0
fi

command -v go >/dev/null 2>&1 || die "'go' not found in PATH: it builds promtool from the module proxy"
export GOMODCACHE="${PULSE_GOMODCACHE:-${PULSE_CACHE}/go/mod}"
export GOCACHE="${PULSE_GOCACHE:-${PULSE_CACHE}/go/build}"
export GOFLAGS="-modcacherw -buildvcs=false" GOTOOLCHAIN=local CGO_ENABLED=0 GOWORK=off
mkdir -p "$(promtool_dir)/logs"
build_log="$(promtool_dir)/logs/build.log"
started=${SECONDS}
log "building promtool from ${MODULE}@${PROMTOOL_MODULE_VERSION} ($(go env GOVERSION), nice 10, log ${build_log})" >&2
(
  cd "${TMPDIR:-/tmp}"
  GOBIN="${BIN_DIR}.tmp" nice -n 10 go install -trimpath \
    -ldflags "-s -w -X github.com/prometheus/common/version.Version=${PROMTOOL_MODULE_VERSION#v}" \
    "${MODULE}/cmd/promtool@${PROMTOOL_MODULE_VERSION}"
) >"${build_log}" 2>&1 &
build=$!
while kill -0 "${build}" 2>/dev/null; do
  sleep 1
  if (((SECONDS - started) % DOT_INTERVAL == 0)); then printf '.' >&2; fi
done
if ! wait "${build}"; then
  printf '\n' >&2
  die "building promtool failed; the end of ${build_log}:
$(tail -n 20 "${build_log}")"
fi
printf '\n' >&2
rm -rf "${BIN_DIR}"
mv "${BIN_DIR}.tmp" "${BIN_DIR}"
log "promtool built in $(fmt_duration $((SECONDS - started))): $("${BIN_DIR}/promtool" --version 2>&1 | head -n1)" >&2
printf '%s\n' "${BIN_DIR}/promtool"
