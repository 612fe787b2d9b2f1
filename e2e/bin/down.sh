#!/usr/bin/env bash
# `make down`: stops the Pulse aggregator and operator, then the cluster (and anything else the e2e scripts
# started), and removes .pulse/. PULSE_KEEP_LOGS=1 keeps .pulse/logs.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=../lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/pulse.sh
source "${E2E_DIR}/lib/pulse.sh"

pulse_down
"${E2E_DIR}/bin/cluster-down.sh"
