#!/usr/bin/env bash
# build_operator_sdk re-points the build directories in its own subshell, on purpose:
# shellcheck disable=SC2030,SC2031
# Builds the real peers of the e2e cluster from the Go module proxy (no Docker, no GitHub):
# kube-apiserver, kube-controller-manager, kube-scheduler, etcd, kwok and metrics-server,
# pinned by e2e/versions.env, into ${PULSE_CACHE:-~/.cache/pulse}/k8s/<version>-<key>/bin.
# Binaries already built for the same key are kept, so a warm run takes a second.
# With --operator-sdk it builds only operator-sdk (the OLM bundle's validator in make test), into
# ${PULSE_CACHE}/tools/operator-sdk-<version>-<key>/bin, keyed by its own pins alone; --helm
# likewise builds only helm (the chart's tests) into ${PULSE_CACHE}/tools/helm-<version>-<key>/bin.
#
# Why wrapper modules: k8s.io/kubernetes and etcd's server module carry replace directives,
# so `go install pkg@version` refuses them. A throw-away module that requires them (and, for
# Kubernetes, maps every staging module from v0.0.0 to its published v0.X.Y) builds fine.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=../lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

PEERS_DIR="$(peers_dir)"
SRC_DIR="${PEERS_DIR}/src"
BUILD_LOG_DIR="${PEERS_DIR}/logs"
# Our own module and build caches: the cold build is measurable, and `rm -rf` of
# ${PULSE_CACHE} removes everything (-modcacherw keeps the module cache deletable).
export GOMODCACHE="${PULSE_GOMODCACHE:-${PULSE_CACHE}/go/mod}"
export GOCACHE="${PULSE_GOCACHE:-${PULSE_CACHE}/go/build}"
export GOFLAGS="-modcacherw -buildvcs=false"
# Never download another toolchain (no internet); static binaries; no stray go.work.
export GOTOOLCHAIN=local CGO_ENABLED=0 GOWORK=off
# Go builds share 2 cores with everything else on the machine.
NICE=(nice -n 10)
# One dot per this many seconds shows a long `go build` is alive.
DOT_INTERVAL=30
# Upstream's release build tags for Kubernetes binaries (hack/lib/golang.sh).
KUBE_TAGS=selinux,notest
# How a built binary tells its version, for the progress line.
VERSION_ARGS=(--version)

usage() {
  cat <<EOF
usage: $(basename "$0") [--print-dir | --operator-sdk | --print-operator-sdk | --helm | --print-helm]
  Builds the pinned peers into ${PEERS_DIR}/bin (skips what is built).
  --print-dir           only print the bin directory
  --operator-sdk        build only operator-sdk ${OPERATOR_SDK_VERSION} into $(operator_sdk_dir)/bin
  --print-operator-sdk  only print the path of operator-sdk
  --helm                build only helm ${HELM_VERSION} into $(helm_dir)/bin
  --print-helm          only print the path of helm
EOF
}

check_go() {
  command -v go >/dev/null 2>&1 ||
    die "'go' not found in PATH: install Go >= 1.24 (the Debian golang package is too old) or add /usr/local/go/bin to PATH"
  local v
  v="$(go env GOVERSION)"
  [[ "${v}" =~ ^go1\.(2[4-9]|[3-9][0-9]) ]] ||
    die "${v} is too old: Kubernetes ${KUBE_VERSION} needs Go >= 1.24 (GOTOOLCHAIN=local, no toolchain downloads)"
}

# One cheap request tells "proxy unreachable" apart from a build failure later.
check_proxy() {
  local out
  if ! out="$(timeout 60 go list -m -json "k8s.io/kubernetes@${KUBE_VERSION}" 2>&1)"; then
    die "the Go module proxy ($(go env GOPROXY)) did not serve k8s.io/kubernetes@${KUBE_VERSION}:
${out}
Check network access to the proxy, or GOPROXY/GONOSUMDB settings."
  fi
}

# Field of a module version's .info from the proxy ("Time", or "Hash" of its git origin);
# empty when the proxy does not say.
module_info() {
  local module=$1 version=$2 field=$3
  { go mod download -json "${module}@${version}" 2>/dev/null || true; } |
    sed -n "s/^[[:space:]]*\"${field}\": \"\\([^\"]*\\)\".*/\\1/p" | head -n1
}

# Path of the upstream go.mod as served by the proxy.
upstream_gomod() {
  go mod download -json "$1@$2" | sed -n 's/^[[:space:]]*"GoMod": "\([^"]*\)".*/\1/p'
}

# The upstream go.sum, from the module's source as served by the proxy.
upstream_gosum() {
  local dir
  dir="$(go mod download -json "$1@$2" | sed -n 's/^[[:space:]]*"Dir": "\([^"]*\)".*/\1/p')"
  [[ -f "${dir}/go.sum" ]] || die "could not download $1@$2 from the module proxy"
  cat "${dir}/go.sum"
}

# make_wrapper <name> <module> <version> <go.sum seed> <build tags> <packages...>
# Creates the wrapper module for <module>@<version> that builds <packages...>; `go get` runs
# with the build's tags so files behind them find their dependencies too. A package given as
# path@version is another module's upgrade, resolved in the same `go get`. The wrapper
# copies the upstream `go` and `godebug` lines, so the binaries keep upstream GODEBUG defaults
# (a dependency's godebug lines are ignored, only the main module's count).
make_wrapper() {
  local name=$1 module=$2 version=$3 gosum=$4 tags=$5
  shift 5
  local dir="${SRC_DIR}/${name}" gomod
  [[ -f "${dir}/.ready" ]] && return 0
  rm -rf "${dir}"
  mkdir -p "${dir}"
  gomod="$(upstream_gomod "${module}" "${version}" 2>"${BUILD_LOG_DIR}/${name}-get.log")" || true
  [[ -f "${gomod}" ]] || {
    cat "${BUILD_LOG_DIR}/${name}-get.log" >&2
    die "could not download ${module}@${version} from the module proxy"
  }
  {
    printf 'module pulse.local/e2e/peers/%s\n\n' "${name}"
    grep -E '^go [0-9]' "${gomod}"
    grep -E '^godebug ' "${gomod}" || true
  } >"${dir}/go.mod"
  if [[ "${module}" == k8s.io/kubernetes ]]; then
    add_staging_replaces "${dir}" "${gomod}" "${version}"
  fi
  # operator-sdk's replace directives point at other published versions (not at local paths, as
  # Kubernetes' and etcd's do), so they carry over as they are.
  if [[ "${module}" == github.com/operator-framework/operator-sdk ]]; then
    sed -n '/^replace (/,/^)/p; /^replace [^(]/p' "${gomod}" >>"${dir}/go.mod"
  fi
  [[ -z "${gosum}" ]] || printf '%s\n' "${gosum}" >"${dir}/go.sum"
  local pkgs=() p
  for p in "$@"; do
    if [[ "${p}" == *@* ]]; then pkgs+=("${p}"); else pkgs+=("${p}@${version}"); fi
  done
  (cd "${dir}" && "${NICE[@]}" go get -tags "${tags}" "${pkgs[@]}") >"${BUILD_LOG_DIR}/${name}-get.log" 2>&1 || {
    tail -n 20 "${BUILD_LOG_DIR}/${name}-get.log" >&2
    die "resolving ${module}@${version} failed; see ${BUILD_LOG_DIR}/${name}-get.log"
  }
  touch "${dir}/.ready"
}

# k8s.io/kubernetes requires its staging modules at v0.0.0 (replaced by ./staging upstream);
# map each one to the published v0.<minor>.<patch> before any `go get`.
add_staging_replaces() {
  local dir=$1 gomod=$2 version=$3 staging_version="v0.${3#v1.}" mod
  while read -r mod; do
    (cd "${dir}" && go mod edit -replace "${mod}=${mod}@${staging_version}")
  done < <(awk '$1 ~ /^k8s\.io\// && $2 == "v0.0.0" { print $1 }' "${gomod}")
}

# Kubernetes' own version ldflags (hack/lib/version.sh): without them /version says
# v0.0.0-master+$Format:%H$ and kwokctl/kubectl version-gate wrongly.
kube_ldflags() {
  local version=$1 commit=$2 date=$3 minor pkg flags="-s -w"
  minor="$(cut -d. -f2 <<<"${version}")"
  for pkg in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
    flags+=" -X ${pkg}.gitVersion=${version} -X ${pkg}.gitMajor=1 -X ${pkg}.gitMinor=${minor}"
    flags+=" -X ${pkg}.gitCommit=${commit} -X ${pkg}.gitTreeState=clean -X ${pkg}.buildDate=${date}"
  done
  printf '%s' "${flags}"
}

# Runs `go build` niced in the background and prints a dot every DOT_INTERVAL seconds.
go_build_with_dots() {
  local dir=$1 log=$2 last=${SECONDS} pid rc=0
  shift 2
  (cd "${dir}" && exec "${NICE[@]}" go build "$@") >"${log}" 2>&1 &
  pid=$!
  while kill -0 "${pid}" 2>/dev/null; do
    sleep 1
    if ((SECONDS - last >= DOT_INTERVAL)); then
      printf '.'
      last=${SECONDS}
    fi
  done
  wait "${pid}" || rc=$?
  return "${rc}"
}

# build_one <binary> <wrapper> <package> <ldflags> [extra go build flags...]
build_one() {
  local bin=$1 wrapper=$2 pkg=$3 ldflags=$4 start=${SECONDS} out size
  shift 4
  out="${PEERS_DIR}/bin/${bin}"
  if [[ -x "${out}" ]]; then
    printf '  %-24s cached\n' "${bin}"
    return 0
  fi
  printf '  %-24s building ' "${bin}"
  # Build to a temporary name: an interrupted build never leaves a half-written binary.
  if ! go_build_with_dots "${SRC_DIR}/${wrapper}" "${BUILD_LOG_DIR}/${bin}.log" \
    -trimpath "$@" -ldflags "${ldflags}" -o "${out}.tmp" "${pkg}"; then
    printf ' FAILED\n'
    tail -n 30 "${BUILD_LOG_DIR}/${bin}.log" >&2
    die "go build of ${bin} failed; see ${BUILD_LOG_DIR}/${bin}.log"
  fi
  mv -f "${out}.tmp" "${out}"
  size="$(du -m "${out}" | cut -f1)"
  printf ' done in %s (%s MB): %s\n' "$(fmt_duration $((SECONDS - start)))" "${size}" \
    "$("${out}" "${VERSION_ARGS[@]}" 2>&1 | head -n1)"
}

# Prepares a wrapper module with a progress line of its own (downloads dominate there).
prepare() {
  local name=$1 start=${SECONDS}
  if [[ -f "${SRC_DIR}/${name}/.ready" ]]; then return 0; fi
  printf '  %-24s resolving modules ... ' "(${name})"
  make_wrapper "$@"
  printf 'done in %s\n' "$(fmt_duration $((SECONDS - start)))"
}

all_built() {
  local b
  for b in kube-apiserver kube-controller-manager kube-scheduler etcd kwok metrics-server; do
    [[ -x "${PEERS_DIR}/bin/${b}" ]] || return 1
  done
}

build_kubernetes() {
  local v=${KUBE_VERSION} commit date flags
  local cmds=(kube-apiserver kube-controller-manager kube-scheduler) c pkgs=()
  for c in "${cmds[@]}"; do pkgs+=("k8s.io/kubernetes/cmd/${c}"); done
  prepare kubernetes k8s.io/kubernetes "${v}" "" "${KUBE_TAGS}" "${pkgs[@]}"
  commit="$(module_info k8s.io/kubernetes "${v}" Hash)"
  date="$(module_info k8s.io/kubernetes "${v}" Time)"
  flags="$(kube_ldflags "${v}" "${commit:-unknown}" "${date}")"
  for c in "${cmds[@]}"; do
    build_one "${c}" kubernetes "k8s.io/kubernetes/cmd/${c}" "${flags}" -tags "${KUBE_TAGS}"
  done
}

build_etcd() {
  local v=${ETCD_VERSION} commit
  prepare etcd go.etcd.io/etcd/server/v3 "${v}" "" "" go.etcd.io/etcd/server/v3
  commit="$(module_info go.etcd.io/etcd/server/v3 "${v}" Hash)"
  # The version itself is a constant in etcd's api module; only the git SHA is an ldflag.
  build_one etcd etcd go.etcd.io/etcd/server/v3 \
    "-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=${commit:-unknown}"
}

build_kwok() {
  local v=${KWOK_VERSION}
  prepare kwok sigs.k8s.io/kwok "${v}" "" "" sigs.k8s.io/kwok/cmd/kwok
  build_one kwok kwok sigs.k8s.io/kwok/cmd/kwok "-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=${v}"
}

# A subshell: GONOSUMDB below must not leak into other builds.
build_metrics_server() (
  local v=${METRICS_SERVER_VERSION} commit date pkg=k8s.io/client-go/pkg/version
  # The checksum database has no entry for this version: skip it for this module only; the
  # go.sum seeded from versions.env still pins the module's hashes (checked by `go get`).
  if [[ -n "${METRICS_SERVER_GOSUM:-}" ]]; then
    export GONOSUMDB="${GONOSUMDB:+${GONOSUMDB},}sigs.k8s.io/metrics-server"
  fi
  prepare metrics-server sigs.k8s.io/metrics-server "${v}" "${METRICS_SERVER_GOSUM:-}" "" \
    sigs.k8s.io/metrics-server/cmd/metrics-server
  commit="$(module_info sigs.k8s.io/metrics-server "${v}" Hash)"
  date="$(module_info sigs.k8s.io/metrics-server "${v}" Time)"
  # Same ldflags as metrics-server's Makefile.
  build_one metrics-server metrics-server sigs.k8s.io/metrics-server/cmd/metrics-server \
    "-s -w -X ${pkg}.gitVersion=${v} -X ${pkg}.gitCommit=${commit:-unknown} -X ${pkg}.buildDate=${date}"
)

# A subshell: it builds into the tools' directory, not the peers'. The wrapper raises
# golang.org/x/tools (see versions.env) and starts from upstream's go.sum: the checksum database
# answers 404 for some of operator-sdk's pinned pseudo-versions (k8s.io/kube-openapi), and
# upstream's go.sum pins exactly those.
build_operator_sdk() (
  local v=${OPERATOR_SDK_VERSION} start=${SECONDS} sums="" commit pkg flags=""
  local repo=github.com/operator-framework/operator-sdk
  PEERS_DIR="$(operator_sdk_dir)"
  SRC_DIR="${PEERS_DIR}/src"
  BUILD_LOG_DIR="${PEERS_DIR}/logs"
  VERSION_ARGS=(version)
  mkdir -p "${PEERS_DIR}/bin" "${SRC_DIR}" "${BUILD_LOG_DIR}"
  exec 9>"${PEERS_DIR}/.lock"
  flock 9
  if [[ -x "${PEERS_DIR}/bin/operator-sdk" ]]; then
    log "operator-sdk ${v} up to date in ${PEERS_DIR}/bin"
    return 0
  fi
  check_go
  log "building operator-sdk ${v} into ${PEERS_DIR}/bin ($(go env GOVERSION), nice 10, logs in ${BUILD_LOG_DIR})"
  if [[ ! -f "${SRC_DIR}/operator-sdk/.ready" ]]; then
    sums="$(upstream_gosum "${repo}" "${v}")"
  fi
  prepare operator-sdk "${repo}" "${v}" "${sums}" "" "${repo}/cmd/operator-sdk" \
    "golang.org/x/tools@${OPERATOR_SDK_X_TOOLS_VERSION}"
  commit="$(module_info "${repo}" "${v}" Hash)"
  # Upstream's Makefile ldflags; 1.27 is the Kubernetes version this release was built against.
  for pkg in "Version=${v}" "GitVersion=${v}" "GitCommit=${commit:-unknown}" "KubernetesVersion=v1.27.0" \
    "ImageVersion=${v}"; do
    flags+=" -X ${repo}/internal/version.${pkg}"
  done
  build_one operator-sdk operator-sdk "${repo}/cmd/operator-sdk" "-s -w${flags}"
  log "operator-sdk built in $(fmt_duration $((SECONDS - start)))"
)

# A subshell, as build_operator_sdk. helm has no replace directives; the wrapper is kept for the
# same progress lines and logs. Its Makefile's ldflags: the version, and the Kubernetes version
# that `helm lint` and `.Capabilities` assume, from the client-go it is built with (v0.X -> 1.X).
build_helm() (
  local v=${HELM_VERSION} start=${SECONDS} commit client_go minor flags var pkg=helm.sh/helm/v3
  PEERS_DIR="$(helm_dir)"
  SRC_DIR="${PEERS_DIR}/src"
  BUILD_LOG_DIR="${PEERS_DIR}/logs"
  VERSION_ARGS=(version --short)
  mkdir -p "${PEERS_DIR}/bin" "${SRC_DIR}" "${BUILD_LOG_DIR}"
  exec 9>"${PEERS_DIR}/.lock"
  flock 9
  if [[ -x "${PEERS_DIR}/bin/helm" ]]; then
    log "helm ${v} up to date in ${PEERS_DIR}/bin"
    return 0
  fi
  check_go
  log "building helm ${v} into ${PEERS_DIR}/bin ($(go env GOVERSION), nice 10, logs in ${BUILD_LOG_DIR})"
  prepare helm "${pkg}" "${v}" "" "" "${pkg}/cmd/helm"
  commit="$(module_info "${pkg}" "${v}" Hash)"
  client_go="$(awk '$1 == "k8s.io/client-go" { print $2 }' "$(upstream_gomod "${pkg}" "${v}")")"
  [[ "${client_go}" =~ ^v0\.([0-9]+)\. ]] || die "cannot read k8s.io/client-go's version from helm ${v}'s go.mod"
  minor=${BASH_REMATCH[1]}
  # No commit when the proxy does not say: `helm version --short` would print "+gunknown".
  flags="-s -w -X ${pkg}/internal/version.version=${v} -X ${pkg}/internal/version.gitTreeState=clean"
  [[ -z "${commit}" ]] || flags+=" -X ${pkg}/internal/version.gitCommit=${commit}"
  for var in lint/rules.k8sVersion chartutil.k8sVersion; do
    flags+=" -X ${pkg}/pkg/${var}Major=1 -X ${pkg}/pkg/${var}Minor=${minor}"
  done
  build_one helm helm "${pkg}/cmd/helm" "${flags}"
  log "helm built in $(fmt_duration $((SECONDS - start)))"
)

main() {
  case "${1:-}" in
    --print-dir) printf '%s\n' "${PEERS_DIR}/bin"; return 0 ;;
    --print-operator-sdk) printf '%s\n' "$(operator_sdk_dir)/bin/operator-sdk"; return 0 ;;
    --operator-sdk) build_operator_sdk; return 0 ;;
    --print-helm) printf '%s\n' "$(helm_dir)/bin/helm"; return 0 ;;
    --helm) build_helm; return 0 ;;
    -h | --help) usage; return 0 ;;
    "") ;;
    *) usage >&2; exit 2 ;;
  esac
  mkdir -p "${PEERS_DIR}/bin" "${SRC_DIR}" "${BUILD_LOG_DIR}"
  # One builder per key at a time (two `make up` in parallel would race on the same files).
  exec 9>"${PEERS_DIR}/.lock"
  flock 9
  if all_built; then
    log "peers up to date in ${PEERS_DIR}/bin"
    return 0
  fi
  check_go
  check_proxy
  local start=${SECONDS}
  log "building peers into ${PEERS_DIR}/bin ($(go env GOVERSION), nice 10, logs in ${BUILD_LOG_DIR})"
  build_kubernetes
  build_etcd
  build_kwok
  build_metrics_server
  log "peers built in $(fmt_duration $((SECONDS - start))); cache: $(du -sh "${PULSE_CACHE}" | cut -f1) (${PULSE_CACHE})"
}

main "$@"
