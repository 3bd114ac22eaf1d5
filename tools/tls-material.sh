#!/usr/bin/env bash
# Generates throw-away TLS client-certificate material with the openssl command, for the demo and
# the tests: tools/tls-material.sh DIR writes
#   DIR/good/  a root CA, a client certificate issued through an intermediate, and its key as
#              unencrypted PKCS#8 DER with mode 0600;
#   DIR/bad/   a certificate and key with one of each mistake `pgstore check` reports;
#   DIR/good.properties, DIR/bad.properties: examples/ekm-cert.properties pointing at them, with
#              paths relative to DIR (run `pgstore check` from DIR).
# Nothing here is a secret worth keeping; never use it outside a test.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:?usage: tools/tls-material.sh DIR}
mkdir -p "$dir"
cd "$dir"
rm -rf good bad work
mkdir good bad work
umask 077
log=work/openssl.log

run() {
  "$@" >>"$log" 2>&1 || { cat "$log" >&2; echo "tls-material: failed: $*" >&2; exit 1; }
}

cat >work/openssl.cnf <<'EOF'
[ ca ]
default_ca = demo
[ demo ]
database = work/index.txt
new_certs_dir = work
serial = work/serial
policy = any
unique_subject = no
[ any ]
commonName = supplied
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = unused
[ root ]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ intermediate ]
basicConstraints = critical, CA:true, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ client ]
basicConstraints = CA:false
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = clientAuth
[ server_only ]
basicConstraints = CA:false
extendedKeyUsage = serverAuth
EOF
: >work/index.txt
echo 1000 >work/serial

# key NAME ALGORITHM-OPTIONS...: a PEM PKCS#8 key in work/NAME.key
key() {
  local name=$1
  shift
  run openssl genpkey "$@" -out "work/$name.key"
}

# issue NAME CN SIGNER EXTENSIONS DIGEST DATES...: work/NAME.crt for work/NAME.key, signed by
# work/SIGNER.crt and work/SIGNER.key, or by itself when SIGNER is "self".
issue() {
  local name=$1 cn=$2 signer=$3 extensions=$4 digest=$5
  shift 5
  run openssl req -new -config work/openssl.cnf -key "work/$name.key" -subj "/CN=$cn" -out "work/$name.csr"
  local by=(-cert "work/$signer.crt" -keyfile "work/$signer.key")
  [ "$signer" = self ] && by=(-selfsign -keyfile "work/$name.key")
  run openssl ca -batch -config work/openssl.cnf -notext -in "work/$name.csr" -out "work/$name.crt" \
    "${by[@]}" -extensions "$extensions" -md "$digest" "$@"
}

ec=(-algorithm EC -pkeyopt ec_paramgen_curve:P-256)
key root "${ec[@]}"
issue root "pgstore demo root CA" self root sha256 -days 3650
key intermediate "${ec[@]}"
issue intermediate "pgstore demo intermediate CA" root intermediate sha256 -days 3650
key client -algorithm RSA -pkeyopt rsa_keygen_bits:2048
issue client user_ekm intermediate client sha256 -days 825

cat work/client.crt work/intermediate.crt >good/client.crt
cp work/root.crt good/ca.crt
run openssl pkcs8 -topk8 -inform PEM -outform DER -in work/client.key -out good/client.pk8 -nocrypt
chmod 644 good/client.crt good/ca.crt
chmod 600 good/client.pk8

# The bad certificate: a 1024-bit RSA key, SHA-1, expired, the wrong CN, serverAuth only, and
# issued by the root, which the bad CA file does not hold. The bad CA file holds a CA that is
# not valid before 2090. The bad key is another key, as PEM PKCS#1, readable by everyone.
key weak -algorithm RSA -pkeyopt rsa_keygen_bits:1024
issue weak someone_else root server_only sha1 -startdate 20200101000000Z -enddate 20210101000000Z
key future "${ec[@]}"
issue future "pgstore demo future CA" self root sha256 -startdate 20900101000000Z -enddate 20991231235959Z
key other -algorithm RSA -pkeyopt rsa_keygen_bits:2048

cp work/weak.crt bad/client.crt
cp work/future.crt bad/ca.crt
run openssl pkey -in work/other.key -traditional -out bad/client.key
chmod 644 bad/client.crt bad/ca.crt bad/client.key

for kind in good bad; do
  keyfile=$kind/client.pk8
  [ "$kind" = bad ] && keyfile=bad/client.key
  sed -e "s#/etc/flowcrypt/ekm/client.crt#$kind/client.crt#" \
      -e "s#/etc/flowcrypt/ekm/client.pk8#$keyfile#" \
      -e "s#/etc/flowcrypt/ekm/ca.crt#$kind/ca.crt#" \
      "$src/examples/ekm-cert.properties" >"$kind.properties"
  chmod 644 "$kind.properties"
done
