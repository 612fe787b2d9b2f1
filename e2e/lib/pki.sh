# shellcheck shell=bash
# openssl helpers for the e2e PKI. Sourced after common.sh. Keys are RSA 2048 in PKCS#8 PEM,
# which kube-apiserver, kwok, Vert.x and the fabric8 client all read.

# Certificates live one day longer than any test run needs; the state is thrown away on down.
PKI_DAYS=30

require_openssl() {
  command -v openssl >/dev/null 2>&1 || die "openssl not found: apt-get install openssl"
}

new_key() {
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1" 2>/dev/null
  chmod 600 "$1"
}

# pki_ca <dir> <name> <common name>: self-signed CA <dir>/<name>.crt/.key.
pki_ca() {
  local dir=$1 name=$2 cn=$3
  new_key "${dir}/${name}.key"
  openssl req -x509 -new -key "${dir}/${name}.key" -out "${dir}/${name}.crt" -days "${PKI_DAYS}" \
    -subj "/CN=${cn}" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" 2>/dev/null
}

# pki_cert <dir> <ca name> <name> <subject> <serverAuth|clientAuth|serverAuth,clientAuth> [SAN,...]
# Issues <dir>/<name>.crt/.key signed by <dir>/<ca name>.crt; SAN like "IP:127.0.0.1,DNS:localhost".
pki_cert() {
  local dir=$1 ca=$2 name=$3 subject=$4 usage=$5 san=${6:-} ext
  ext="$(mktemp)"
  {
    printf 'basicConstraints=critical,CA:FALSE\n'
    printf 'keyUsage=critical,digitalSignature,keyEncipherment\n'
    printf 'extendedKeyUsage=%s\n' "${usage}"
    printf 'authorityKeyIdentifier=keyid\n'
    [[ -z "${san}" ]] || printf 'subjectAltName=%s\n' "${san}"
  } >"${ext}"
  new_key "${dir}/${name}.key"
  openssl req -new -key "${dir}/${name}.key" -subj "${subject}" 2>/dev/null |
    openssl x509 -req -CA "${dir}/${ca}.crt" -CAkey "${dir}/${ca}.key" -CAcreateserial \
      -days "${PKI_DAYS}" -extfile "${ext}" -out "${dir}/${name}.crt" 2>/dev/null
  rm -f "${ext}"
  openssl verify -CAfile "${dir}/${ca}.crt" "${dir}/${name}.crt" >/dev/null ||
    die "openssl produced an invalid ${name}.crt"
}

# Service-account token signing key pair (kube-apiserver signs, everyone verifies with .pub).
pki_sa_keypair() {
  new_key "$1/sa.key"
  openssl pkey -in "$1/sa.key" -pubout -out "$1/sa.pub" 2>/dev/null
}

b64() { base64 -w0 <"$1"; }

# write_kubeconfig <file> <server url> <ca.crt> <client.crt> <client.key> <user>
# Certificates are embedded so the file works anywhere (the aggregator reads it as a string).
write_kubeconfig() {
  local file=$1 server=$2 ca=$3 crt=$4 key=$5 user=$6
  cat >"${file}" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: pulse-e2e
  cluster:
    server: ${server}
    certificate-authority-data: $(b64 "${ca}")
users:
- name: ${user}
  user:
    client-certificate-data: $(b64 "${crt}")
    client-key-data: $(b64 "${key}")
contexts:
- name: ${user}@pulse-e2e
  context: {cluster: pulse-e2e, user: ${user}}
current-context: ${user}@pulse-e2e
EOF
  chmod 600 "${file}"
}
