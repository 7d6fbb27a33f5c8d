#!/usr/bin/env bash
# End to end in a real cluster (kind): build and load the image, install the CRD, the operator and
# the emulator (as AWS), seed the emulator for examples/, apply them and wait until every resource
# is Ready. Needs docker, kind, kubectl and Node (npm run puts the project's Node 24 on PATH).
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

step "seeding the emulator: the examples' domains, and the integrations Observe-mode examples watch"
# The calls are computed here from examples/ and replayed inside the emulator's Pod.
node scripts/emulator-seed.ts examples us-east-1 |
  k -n cpi-system exec -i deployment/cpi-emulator -- node -e '
    let input = "";
    process.stdin.on("data", (d) => (input += d)).on("end", async () => {
      for (const r of JSON.parse(input)) {
        const res = await fetch("http://127.0.0.1:4566" + r.path, { method: r.method, body: JSON.stringify(r.body) });
        console.log(res.status, r.method, r.path, JSON.stringify(r.body));
        if (!res.ok) { console.error(await res.text()); process.exit(1); }
      }
    });'

step "applying examples/ and waiting for Ready"
k apply -f examples/
k wait --for=condition=Ready customerprofilesintegrations --all --all-namespaces --timeout=300s
k get customerprofilesintegrations --all-namespaces
step "kind e2e passed"
