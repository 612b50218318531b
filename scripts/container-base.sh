#!/bin/bash
# Makes the Debian 13 base image the Dockerfile starts from, out of the Debian archive, for
# machines whose container engine cannot pull from a registry: mmdebstrap's minbase (about
# what debian:trixie-slim holds) imported as an image.
#
#   scripts/container-base.sh [IMAGE [MIRROR]]
#   docker build --build-arg BASE=IMAGE -t debstep .
#
# IMAGE defaults to localhost/debstep-base:trixie; MIRROR to the Debian mirror of this
# host's apt sources (as debstep's own default), else mmdebstrap's. The engine is podman,
# else docker (ENGINE=... to choose; DOCKER_HOST is honoured). Needs mmdebstrap (run as
# root, or where mmdebstrap's unshare mode works).
set -euo pipefail
image=${1:-localhost/debstep-base:trixie}
mirror=${2:-}
engine=${ENGINE:-$(command -v podman || command -v docker || true)}
[ -n "$engine" ] || { echo "error: no podman or docker found" >&2; exit 1; }
if [ -z "$mirror" ]; then
  # The archive's main mirror: a repository URI ending in /debian, not the security one.
  mirror=$(apt-get indextargets --format '$(REPO_URI) $(RELEASE)' 2>/dev/null \
    | awk '$1 ~ /\/debian\/?$/ && $2 !~ /-security$/ { sub(/\/$/, "", $1); print $1; exit }') || true
fi

tarball=$(mktemp --suffix=.tar)
trap 'rm -f "$tarball"' EXIT
mmdebstrap --quiet --variant=minbase trixie "$tarball" ${mirror:+"$mirror"}
"$engine" import --change 'CMD ["bash"]' "$tarball" "$image"
