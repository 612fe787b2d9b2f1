#!/usr/bin/env bash
# aggregator-volume.sh <namespace>: the kubelet's sync of the aggregator pod's Secret volume, for
# the local aggregator of the development mode. Every PULSE_VOLUME_SYNC_PERIOD seconds (10),
# rewrites .pulse/aggregator/tls.crt and tls.key atomically when the serving Secret changed, and
# ca.crt when the APIService's caBundle did; the aggregator picks up the new pair by itself
# (--tls-reload-interval). The kubelet takes up to about a minute (its sync period plus its
# Secret cache's TTL); 10 s, the aggregator's reload interval, keeps a renewed certificate
# served within 20 s while costing one kubectl call per period. Started by aggregator_start.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
# shellcheck source-path=SCRIPTDIR source=pulse.sh
source "${E2E_DIR}/lib/pulse.sh"

SYNC_PERIOD="${PULSE_VOLUME_SYNC_PERIOD:-10}"

sleeper=""
# Ends the sleep too: stopped, this leaves no process behind.
on_stop() {
  [[ -n "${sleeper}" ]] && kill -TERM "${sleeper}" 2>/dev/null
  exit 0
}
trap on_stop TERM INT HUP

main() {
  local ns=$1
  log "syncing ${AGG_DIR} from Secret ${ns}/${AGG_SERVING_SECRET} and APIService ${AGG_APISERVICE} every ${SYNC_PERIOD}s"
  while :; do
    aggregator_sync_files "${ns}" || true
    sleep "${SYNC_PERIOD}" &
    sleeper=$!
    wait "${sleeper}" || true
    sleeper=""
  done
}

main "$@"
