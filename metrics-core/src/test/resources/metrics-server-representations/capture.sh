#!/usr/bin/env bash
# capture.sh <outdir> <server: ms|pulse>: every request in the matrix, to <outdir>/<n>.{req,headers,body}
set -uo pipefail
out=$1; server=$2
cd /work/main
PKI=.pulse/pki
mkdir -p "$out"
if [[ $server == ms ]]; then
  base=https://127.0.0.1:24444; extra=(--cacert $PKI/ca.crt)
else
  base=https://pulse-metrics.pulse-system.svc:24443
  extra=(--cacert .pulse/aggregator/ca.crt --resolve pulse-metrics.pulse-system.svc:24443:127.0.0.1)
fi
KC="/usr/lib/google-cloud-sdk/bin/kubectl.1.33 --kubeconfig .pulse/kubeconfig"
NODE=$($KC get nodes -o jsonpath='{.items[0].metadata.name}')
POD=$($KC get pods -n shop -o jsonpath='{.items[0].metadata.name}')
G=/apis/metrics.k8s.io/v1beta1
paths=(/apis /apis/metrics.k8s.io $G $G/nodes $G/nodes/$NODE $G/nodes/missing $G/pods $G/namespaces/shop/pods
  $G/namespaces/shop/pods/$POD $G/namespaces/shop/pods/missing "$G/nodes?labelSelector=a%3D%3D%3D" "$G/pods?watch=true"
  "$G/namespaces/sh%6fp/pods" "$G/nodes?fieldSelector=spec.x%3Dy" /nonexistent)
accepts=("" "application/json" "application/vnd.kubernetes.protobuf" "application/yaml"
  "application/json;as=Table;v=v1;g=meta.k8s.io" "application/vnd.kubernetes.protobuf;as=Table;v=v1;g=meta.k8s.io"
  "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"
  "application/vnd.kubernetes.protobuf,application/json" "text/plain" "*/*" "application/vnd.kubernetes.protobuf;q=0.5,application/json"
  "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json"
  "application/vnd.kubernetes.protobuf;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json")
n=0
req() { # method accept path [curl args]
  local m=$1 a=$2 p=$3; shift 3
  n=$((n+1)); local f; f=$(printf '%s/%03d' "$out" $n)
  printf 'method=%s\npath=%s\naccept=%s\nextra=%s\n' "$m" "$p" "$a" "$*" > $f.req
  local h=(); [[ -n $a ]] && h=(-H "Accept: $a")
  curl -sS --max-time 20 "${extra[@]}" --cert $PKI/admin.crt --key $PKI/admin.key $([[ $m == HEAD ]] && echo -I || echo -X $m) "${h[@]}" "$@" \
    -D $f.headers -o $f.body "$base$p" 2>$f.err
  [[ -s $f.err ]] || rm -f $f.err
}
for p in "${paths[@]}"; do for a in "${accepts[@]}"; do req GET "$a" "$p"; done; done
for p in /openapi/v2 /openapi/v3 /openapi/v3/apis/metrics.k8s.io/v1beta1 /version /healthz /livez /readyz \
  /healthz/ping /livez/ping /readyz/ping "/readyz?verbose" "/livez?verbose" "/healthz?verbose" /livez/log /readyz/nope /openapi/v3/apis/nope; do
  for a in "" "application/json" "application/com.github.proto-openapi.spec.v2@v1.0+protobuf" "application/com.github.proto-openapi.spec.v3@v1.0+protobuf" "application/yaml"; do req GET "$a" "$p"; done
done
req HEAD "" $G/nodes --http1.1; req HEAD "" $G/nodes --http2
req HEAD "" /apis --http2; req HEAD "" /livez --http2
req POST "" $G/nodes --http1.1 ; req POST "" $G/nodes --http2
req DELETE "" $G/nodes/$NODE --http2
req GET "" $G/nodes --http1.1
echo "$n requests, node=$NODE pod=$POD"
