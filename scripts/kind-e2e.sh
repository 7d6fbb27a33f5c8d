#!/usr/bin/env bash
# End to end in a real cluster (kind): build and load the image, install the CRD, the operator and
# the emulator (as AWS), create the examples' domains in the emulator, apply examples/ and wait
# until every resource is Ready. Needs docker, kind and kubectl.
#   npm run kind:e2e                 creates cluster "cpi" and deletes it afterwards
#   KEEP_CLUSTER=1 npm run kind:e2e  keeps it (it is reused by the next run)
#   KIND_NODE_IMAGE=kindest/node:vX.Y.Z pins the node image; KIND_CLUSTER_NAME renames the cluster
set -euo pipefail
cd "$(dirname "$0")/.."

cluster=${KIND_CLUSTER_NAME:-cpi}
image=cpi:dev
crd=customerprofilesintegrations.customerprofiles.gitops.dev

for tool in docker kind kubectl; do
  command -v "$tool" >/dev/null || { echo "kind-e2e: '$tool' is required on PATH" >&2; exit 1; }
done
k() { kubectl --context "kind-$cluster" "$@"; }
step() { echo "==> $*"; }

if kind get clusters | grep -qx "$cluster"; then
  step "reusing kind cluster $cluster"
else
  step "creating kind cluster $cluster"
  kind create cluster --name "$cluster" --config deploy/kind/cluster.yaml ${KIND_NODE_IMAGE:+--image "$KIND_NODE_IMAGE"} --wait 120s
  if [ -z "${KEEP_CLUSTER:-}" ]; then trap 'kind delete cluster --name "$cluster"' EXIT; fi
fi

step "building $image and loading it into the cluster"
docker build -t "$image" .
kind load docker-image "$image" --name "$cluster"

step "installing the CRD"
k apply --server-side -f deploy/base/crd.yaml
k wait --for condition=Established "crd/$crd" --timeout=60s

step "installing the operator and the emulator (deploy/overlays/kind-emulator)"
k apply --server-side -k deploy/overlays/kind-emulator
k -n cpi-system rollout status deployment/cpi-emulator --timeout=180s
k -n cpi-system rollout status deployment/cpi-controller --timeout=180s

step "creating the examples' domains in the emulator"
for domain in $(sed -n 's/^ *domainName: *["'\'']\{0,1\}\([A-Za-z0-9_-]*\).*/\1/p' examples/*.yaml | sort -u); do
  k -n cpi-system exec deployment/cpi-emulator -- node -e '
    fetch("http://127.0.0.1:4566/_emulator/domains", { method: "POST", body: JSON.stringify({ name: process.argv[1] }) })
      .then(async (r) => { console.log(r.status, await r.text()); if (!r.ok) process.exit(1); });
  ' "$domain"
done

step "applying examples/ and waiting for Ready"
k apply -f examples/
k wait --for=condition=Ready customerprofilesintegrations --all --all-namespaces --timeout=300s
k get customerprofilesintegrations --all-namespaces
step "kind e2e passed"
