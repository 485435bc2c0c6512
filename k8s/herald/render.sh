#!/usr/bin/env bash
# Renders the Helm chart into k8s/herald/herald.yaml for teams without Helm. deploy-tests runs this same script into
# its target/ directory and fails when the committed file differs (drift), so run it after changing the chart:
#
#   k8s/herald/render.sh            # rewrites k8s/herald/herald.yaml
#   k8s/herald/render.sh OUT.yaml   # writes elsewhere
#
# Hooks are left out (--no-hooks): kubectl has no hook phases and Jobs are immutable, so the pods migrate the schema
# at start (Flyway serialises concurrent migrations with a PostgreSQL advisory lock).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out="${1:-$here/herald.yaml}"
mkdir -p "$(dirname "$out")"
helm="${HELM:-$("$repo/deploy-tests/fetch-helm.sh")}"
{
    echo "# Rendered by k8s/herald/render.sh from helm/herald with k8s/herald/values.yaml. Do not edit: re-render."
    "$helm" template herald "$repo/helm/herald" --namespace herald --no-hooks -f "$here/values.yaml"
} >"$out"
