#!/usr/bin/env bash
# Puts the kubectl plugin kubectl-pulse in .pulse/bin: a link to operator/src/main/plugin/kubectl-pulse,
# which runs `kubectl pulse doctor` from the operator's jar (make build). Use it with
#   PATH="$PWD/.pulse/bin:$PATH" kubectl pulse doctor
# `make build` and `make up` (up.sh) run this.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=../lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

mkdir -p "${STATE_DIR}/bin"
ln -sfn "${REPO_ROOT}/operator/src/main/plugin/kubectl-pulse" "${STATE_DIR}/bin/kubectl-pulse"
