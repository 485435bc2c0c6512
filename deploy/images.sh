#!/usr/bin/env bash
# Builds Herald's three container images (ingest, subscription, dispatch) with podman, on this machine, from the
# service jars the Maven build packaged. No container registry needs to be reachable: the base image (Debian bookworm
# with openjdk-17-jre-headless, made with debootstrap) is built locally once and cached outside the clone.
#
#   deploy/images.sh toolchain   installs podman, runc and debootstrap with apt-get when missing (needs root)
#   deploy/images.sh base        toolchain + the local JRE 17 base image (cached; see HERALD_CACHE_DIR)
#   deploy/images.sh build       base + the three images from <service>/target/quarkus-app (package first)
#   deploy/images.sh names       prints the image names the build produces (what the Helm chart pulls)
#
# Environment:
#   IMAGE_REGISTRY     registry part of the names (default ghcr.io, as helm/herald/values.yaml)
#   IMAGE_TAG          tag (default: appVersion of helm/herald/Chart.yaml, the chart's default tag)
#   BASE_IMAGE         build on this image instead of the local Debian one (any image with Java 17+ `java` on PATH;
#                      the Dockerfiles' own default is docker.io/library/eclipse-temurin:17-jre)
#   HERALD_CACHE_DIR   where the base image's root filesystem tarball is kept (default ~/.cache/herald)
#   DEBIAN_MIRROR      mirror debootstrap downloads from (default: the one apt uses here, else deb.debian.org)
#   CONTAINERS_CONF    podman's configuration (default deploy/containers.conf)
#
# The Dockerfiles are ordinary: `docker build` and `podman build` work on them anywhere (see docs/operations.md).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
components=(ingest subscription dispatch)
registry="${IMAGE_REGISTRY:-ghcr.io}"
repository_prefix="herald-webhooks/herald-"
tag="${IMAGE_TAG:-$(sed -n 's/^appVersion: *"\{0,1\}\([^"]*\)"\{0,1\} *$/\1/p' "$repo/helm/herald/Chart.yaml")}"
cache="${HERALD_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/herald}"
base_name="localhost/herald/jre17-debian:bookworm"
base_tarball="$cache/jre17-debian-bookworm-rootfs.tar"

log() { echo "images.sh: $*" >&2; }
die() {
    log "$*"
    exit 1
}

# podman as CI runs it (runc, cgroupfs, no ulimit changes): deploy/containers.conf unless CONTAINERS_CONF names another.
export CONTAINERS_CONF="${CONTAINERS_CONF:-$here/containers.conf}"

image_name() { echo "$registry/${repository_prefix}$1:$tag"; }

toolchain() {
    local missing=()
    command -v podman >/dev/null || missing+=(podman)
    command -v runc >/dev/null || [[ -x /usr/sbin/runc ]] || missing+=(runc)
    command -v debootstrap >/dev/null || [[ -x /usr/sbin/debootstrap ]] || missing+=(debootstrap)
    if ((${#missing[@]})); then
        command -v apt-get >/dev/null || die "missing ${missing[*]} and no apt-get to install them: install them first"
        local sudo=()
        [[ $(id -u) -eq 0 ]] || sudo=(sudo -n)
        log "installing ${missing[*]} with apt-get"
        "${sudo[@]}" apt-get update -qq
        DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
    podman info >/dev/null || die "podman is installed but does not work here (podman info failed)"
}

debian_mirror() {
    if [[ -n "${DEBIAN_MIRROR:-}" ]]; then
        echo "$DEBIAN_MIRROR"
        return
    fi
    local uri
    uri="$(grep -h -E '^(URIs:|deb )' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null |
        grep -v -- '-security' | head -n1 | awk '{print $2}')" || true
    echo "${uri:-http://deb.debian.org/debian}"
}

base() {
    toolchain
    if ! podman image exists "$base_name"; then
        make_base
    fi
    # Fails here, in podman's own words, when this machine cannot run containers the way the chart runs them.
    podman run --rm --network host --read-only --user 185 "$base_name" java -version >/dev/null 2>&1 ||
        die "this machine cannot run containers: $(podman run --rm --network host --read-only --user 185 \
            "$base_name" java -version 2>&1 | tail -n 3)"
}

make_base() {
    if [[ ! -s "$base_tarball" ]]; then
        command -v debootstrap >/dev/null || export PATH="$PATH:/usr/sbin"
        mkdir -p "$cache"
        rootfs="$(mktemp -d "$cache/rootfs.XXXXXX")"
        trap 'rm -rf "$rootfs"' EXIT
        local mirror
        mirror="$(debian_mirror)"
        log "making the base image's root filesystem with debootstrap from $mirror (once; cached in $cache)"
        debootstrap --variant=minbase --include=openjdk-17-jre-headless,ca-certificates bookworm "$rootfs" "$mirror" \
            >"$cache/debootstrap.log" 2>&1 || die "debootstrap failed; see $cache/debootstrap.log"
        # What a runtime image does not need: package caches, docs, man pages.
        rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/doc/* \
            "$rootfs"/usr/share/man/*
        tar -C "$rootfs" -cf "$base_tarball.tmp" . && mv "$base_tarball.tmp" "$base_tarball"
        rm -rf "$rootfs"
    fi
    log "importing $base_tarball as $base_name"
    podman import --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'ENV LANG=C.UTF-8' "$base_tarball" "$base_name" >/dev/null
}

build() {
    local from="${BASE_IMAGE:-}"
    if [[ -z "$from" ]]; then
        base
        from="$base_name"
    else
        toolchain
    fi
    local c
    for c in "${components[@]}"; do
        local dir="$repo/$c-service"
        [[ -f "$dir/target/quarkus-app/quarkus-run.jar" ]] ||
            die "$dir/target/quarkus-app is missing; package first: ./mvnw -B -DskipTests package -pl $c-service -am"
        log "building $(image_name "$c") on $from"
        podman build --quiet --build-arg "BASE_IMAGE=$from" -f "$dir/src/main/docker/Dockerfile.jvm" \
            -t "$(image_name "$c")" "$dir" >/dev/null
    done
}

case "${1:-}" in
toolchain) toolchain ;;
base) base ;;
build) build ;;
names) for c in "${components[@]}"; do image_name "$c"; done ;;
*)
    sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
